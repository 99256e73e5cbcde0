"""Charts drawn on the server as SVG geometry (no JavaScript build step), each with the table that says the same
for screen readers and print; and the public page's tables with small counts suppressed."""

from __future__ import annotations

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
    charts = [
        bars("Phản ánh theo kênh tiếp nhận", sorted(((str(channels.get(k, k)), v)
                                                      for k, v in data["reports"]["by_channel"].items()),
                                                     key=lambda r: -r[1])),
        bars("Yêu cầu gỡ bỏ đã gửi theo nhà cung cấp", [(r["group"], r["sent"]) for r in data["notices"]["rows"]]),
        bars("Nội dung đã xác minh gỡ bỏ theo nhà cung cấp",
             [(r["group"], r["removed"]) for r in data["notices"]["rows"]]),
        bars("Hồ sơ chuyển theo nơi nhận", [(str(destinations.get(d, d)), sum(row.values()))
                                            for d, row in sorted(data["referrals"]["by_destination_outcome"].items())]),
        bars("Chỉ tiêu: tỷ lệ đạt được (%)", [(t["name"][:60], t["achieved_percent"] or 0) for t in data["targets"]]),
    ]
    return charts


def suppressed(value: int, k: int) -> str:
    """A count as the public page shows it: "< k" when it is small enough to point at a child, 0 as 0."""
    if value and value < k:
        return f"< {k}"
    return f"{value:,}".replace(",", ".")


def public_tables(data: dict, k: int) -> list[dict]:
    channels = dict(Channel.choices)
    destinations = dict(Referral.Destination.choices)
    nt = data["notices"]
    return [
        {"title": "Phản ánh đã tiếp nhận", "header": ["Kênh", "Số phản ánh"],
         "rows": [[str(channels.get(c, c)), suppressed(n, k)] for c, n in sorted(data["reports"]["by_channel"].items())]
         + [["Tổng", suppressed(data["reports"]["total"], k)]]},
        {"title": "Yêu cầu gỡ bỏ", "header": ["Chỉ số", "Giá trị"],
         "rows": [["Yêu cầu đã gửi", suppressed(nt["sent"], k)], ["Nội dung đã xác minh gỡ bỏ", suppressed(nt["removed"], k)],
                  ["Thời gian gỡ bỏ trung vị (giờ)", "—" if nt["median_hours"] is None or nt["removed"] < k
                   else f"{nt['median_hours']:.1f}".replace(".", ",")]]},
        {"title": "Hồ sơ chuyển cơ quan chức năng", "header": ["Nơi nhận", "Số hồ sơ"],
         "rows": [[str(destinations.get(d, d)), suppressed(sum(row.values()), k)]
                  for d, row in sorted(data["referrals"]["by_destination_outcome"].items())]},
        {"title": "Kiểm tra thông tin trẻ em trước khi đăng báo", "header": ["Chỉ số", "Số lượt"],
         "rows": [["Lượt kiểm tra", suppressed(data["consent"]["checks"], k)],
                  ["Lượt phát hiện thông tin chưa được đồng ý", suppressed(data["consent"]["checks_with_problems"], k)]]},
    ]
