"""Charts drawn on the server as SVG geometry (no JavaScript build step), each with the table that says the same
for screen readers and print; and the public page's tables with small counts suppressed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from copvn.coordination.models import ActivityRecord
from copvn.intake.models import Channel
from copvn.referrals.models import Referral

WIDTH, BAR, GAP, LABEL = 640, 22, 8, 220


def bars(title: str, rows: list[tuple[str, int]]) -> dict:
    """Horizontal bars: one row per label, the longest bar the largest value."""
    top = max((v for _l, v in rows), default=0) or 1
    shapes = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR + GAP)
        length = round((WIDTH - LABEL - 60) * value / top, 1)
        shapes.append({"label": label, "value": value, "y": y, "text_y": y + BAR * 0.7, "width": length,
                       "value_x": LABEL + length + 6})
    return {"title": title, "rows": shapes, "height": max(1, len(rows)) * (BAR + GAP), "label_width": LABEL}


def dashboard(data: dict) -> list[dict]:
    channels = dict(Channel.choices)
    destinations = dict(Referral.Destination.choices)
    kinds = dict(ActivityRecord.Kind.choices)
    charts = [
        bars(_("Phản ánh theo kênh tiếp nhận"), sorted(((str(channels.get(k, k)), v)
                                                      for k, v in data["reports"]["by_channel"].items()),
                                                     key=lambda r: -r[1])),
        bars(_("Yêu cầu gỡ bỏ đã gửi theo nhà cung cấp"), [(r["group"], r["sent"]) for r in data["notices"]["rows"]]),
        bars(_("Nội dung đã xác minh gỡ bỏ theo nhà cung cấp"),
             [(r["group"], r["removed"]) for r in data["notices"]["rows"]]),
        bars(_("Hồ sơ chuyển theo nơi nhận"), [(str(destinations.get(d, d)), sum(row.values()))
                                            for d, row in sorted(data["referrals"]["by_destination_outcome"].items())]),
        bars(_("Chỉ tiêu: tỷ lệ đạt được (%)"), [(t["name"], t["achieved_percent"] or 0) for t in data["targets"]]),
        bars(_("Hoạt động theo loại (số hoạt động)"), [(str(kinds.get(k, k)), v["records"])
                                                       for k, v in sorted(data["activities"].items())]),
    ]
    return [c for c in charts if c["rows"]]



def suppressed(value: int, k: int) -> str:
    """A count as the public page shows it: "< k" when it is small enough to point at a child, 0 as 0."""
    if value and value < k:
        return f"< {k}"
    return f"{value:,}".replace(",", ".")


def with_total(items: list[tuple[str, int]], k: int, total_label: str) -> list[list[str]]:
    """Rows of a table with its total, small counts suppressed. When exactly one row is suppressed, the total
    would give it away: the next smallest row is suppressed too (complementary suppression)."""
    shown = [[label, suppressed(n, k)] for label, n in items]
    small = [i for i, (_l, n) in enumerate(items) if n and n < k]
    if len(small) == 1:
        others = sorted((n, i) for i, (_l, n) in enumerate(items) if i not in small and n)
        if others:
            shown[others[0][1]][1] = f"≥ {k}" if others[0][0] >= k else shown[others[0][1]][1]
    total = sum(n for _l, n in items)
    return shown + [[total_label, suppressed(total, k)]]


def public_tables(data: dict, k: int) -> list[dict]:
    channels = dict(Channel.choices)
    destinations = dict(Referral.Destination.choices)
    nt = data["notices"]
    hidden = _("không công bố (ít hơn %(k)s)") % {"k": k}
    median = hidden if nt["median_hours"] is None or nt["removed"] < k else \
        f"{nt['median_hours']:.1f}".replace(".", ",")
    return [
        {"title": "Phản ánh đã tiếp nhận", "header": ["Kênh", "Số phản ánh"],
         "rows": with_total([(str(channels.get(c, c)), n) for c, n in sorted(data["reports"]["by_channel"].items())],
                            k, "Tổng")},
        {"title": "Yêu cầu gỡ bỏ", "header": ["Chỉ số", "Giá trị"],
         "rows": [["Yêu cầu đã gửi", suppressed(nt["sent"], k)], ["Nội dung đã xác minh gỡ bỏ", suppressed(nt["removed"], k)],
                  ["Thời gian gỡ bỏ trung vị (giờ)", median]]},
        {"title": "Hồ sơ chuyển cơ quan chức năng", "header": ["Nơi nhận", "Số hồ sơ"],
         "rows": [[str(destinations.get(d, d)), suppressed(sum(row.values()), k)]
                  for d, row in sorted(data["referrals"]["by_destination_outcome"].items())]},
        {"title": "Kiểm tra thông tin trẻ em trước khi đăng báo", "header": ["Chỉ số", "Số lượt"],
         "rows": [["Lượt kiểm tra", suppressed(data["consent"]["checks"], k)],
                  ["Lượt phát hiện thông tin chưa được đồng ý", suppressed(data["consent"]["checks_with_problems"], k)]]},
    ]
