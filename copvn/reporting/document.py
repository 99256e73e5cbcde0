"""The periodic report as an official document (Decree 30/2020 layout, the outline of the programme reports:
I. direction; II. results in six parts; III. assessment; IV. tasks for the next period; V. proposals) and its
data annex as XLSX — both from `figures.compute`, so every number in them is one the database gives.

The lead department's name and its governing body are those valid on the period's last day (a body
reorganised since is named as it was).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from copvn.documents import Contacts, Document, Heading, Paragraph, Signer, Table, render
from copvn.intake.models import Channel
from copvn.referrals.models import Referral
from copvn.takedowns.letters import place_of

from .periods import Period

FORMATS = ("docx", "pdf", "xlsx")


class ReportRefused(ValueError):
    """The report cannot be made as asked; the message says why."""


def issuer_as_of(period: Period):
    from copvn.orgs.models import Organisation

    lead = Organisation.objects.filter(code=settings.NOTICE_ISSUER).first()
    if lead is None:
        from django.utils.translation import gettext as _

        raise ReportRefused(_("Danh mục cơ quan chưa có sở chủ trì “%(code)s” (COPVN_NOTICE_ISSUER).")
                            % {"code": settings.NOTICE_ISSUER})
    # The body as it was on the period's last day: a successor's predecessor if the period ended before it.
    for candidate in [lead, *lead.predecessors.all()]:
        if candidate.is_valid_on(period.end):
            return candidate
    return lead


def _n(value) -> str:
    """A count in Vietnamese notation (1.234)."""
    return f"{int(value or 0):,}".replace(",", ".")


def _hours(value) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _achieved(t: dict) -> str:
    if t["achieved_percent"] is None:
        return "Chưa tính được (chưa có tổng số cần đạt)"
    return f"{_percent(t['achieved_percent'])} ({_n(t['numerator'])}/{_n(t['denominator'])})"


def _removal_times(nt: dict) -> str:
    if nt["median_hours"] is None:
        return "chưa có nội dung nào được xác minh gỡ bỏ"
    return (f"thời gian từ khi gửi yêu cầu đến khi xác minh gỡ bỏ: trung vị {_hours(nt['median_hours'])} giờ, "
            f"phân vị 90 {_hours(nt['p90_hours'])} giờ")


def body(figures: dict, submissions: Iterable = ()) -> list:
    r, c, nt, ref, cons = (figures[k] for k in ("reports", "cases", "notices", "referrals", "consent"))
    acts, obstacles, tasks = figures["activities"], figures["obstacles"], figures["tasks"]
    submissions = list(submissions)

    def act(kind: str, key: str) -> str:
        return _n(acts.get(kind, {}).get(key, 0))

    blocks = [
        Heading("Công tác chỉ đạo, ban hành văn bản"),
        Paragraph(f"Trong kỳ, các cơ quan, đơn vị được giao {_n(sum(tasks['by_state'].values()))} nhiệm vụ theo kế "
                  f"hoạch của tỉnh; đã hoàn thành {_n(tasks['by_state'].get('done', 0))} nhiệm vụ "
                  f"({_n(tasks['done_in_period'])} hoàn thành trong kỳ), {_n(tasks['overdue'])} nhiệm vụ quá hạn."),
        Heading("Kết quả thực hiện"),
        Heading("Tuyên truyền, nâng cao nhận thức và kỹ năng số", level=2),
        Paragraph(f"Tổ chức {act('awareness', 'records')} hoạt động tuyên truyền và {act('training', 'records')} lớp "
                  f"tập huấn với {_n(acts.get('awareness', {}).get('people_reached', 0) + acts.get('training', {}).get('people_reached', 0))} "
                  f"lượt người tham gia; {act('school', 'records')} chương trình giáo dục an toàn trên môi trường mạng "
                  f"tại {act('school', 'schools')} trường học với {act('school', 'people_reached')} lượt học sinh."),
        Heading("Giám sát, phát hiện, xử lý thông tin có hại cho trẻ em", level=2),
        Paragraph(f"Tiếp nhận {_n(r['total'])} phản ánh, mở {_n(c['opened'])} vụ việc ({_n(c['urgent'])} vụ việc khẩn "
                  f"cấp); xác minh, kết luận {_n(c['decided'])} vụ việc, trong đó {_n(c['decided_harmful'])} vụ việc có "
                  f"nội dung có hại. Gửi {_n(nt['sent'])} yêu cầu gỡ bỏ; {_n(nt['removed'])} nội dung đã được xác minh "
                  f"gỡ bỏ; {_removal_times(nt)}; {_n(nt['overdue'])} yêu cầu quá hạn."),
        Heading("Hỗ trợ, can thiệp cho trẻ em", level=2),
        Paragraph(f"Chuyển {_n(ref['total'])} hồ sơ tới cơ quan công an, Tổng đài 111, cán bộ cấp xã và nhà trường. "
                  + (f"Hỗ trợ, can thiệp cho {act('victim_support', 'children_supported')} trẻ em trong số "
                     f"{act('victim_support', 'support_requests')} trẻ em đề nghị hỗ trợ."
                     if acts.get("victim_support", {}).get("support_requests") else
                     "Không có trẻ em đề nghị hỗ trợ được ghi nhận trong kỳ.")),
        Heading("Bảo vệ thông tin bí mật đời sống riêng tư của trẻ em trên báo chí", level=2),
        Paragraph(f"Các cơ quan báo chí lập {_n(cons['records'])} hồ sơ đồng ý công bố thông tin trẻ em, "
                  f"{_n(cons['withdrawals'])} hồ sơ bị rút lại; lưu {_n(cons['checks'])} lượt kiểm tra trước khi đăng, "
                  f"trong đó {_n(cons['checks_with_problems'])} lượt phát hiện thông tin chưa được đồng ý công bố; "
                  f"đăng {act('press', 'articles')} tin, bài và {act('press', 'airtime_minutes')} phút phát sóng về "
                  "chủ đề bảo vệ trẻ em trên môi trường mạng."),
        Heading("Thanh tra, kiểm tra, xử lý vi phạm", level=2),
        Paragraph(f"Thực hiện {act('inspection', 'records')} cuộc thanh tra, kiểm tra; phát hiện "
                  f"{act('inspection', 'violations_found')} vi phạm, xử lý {act('inspection', 'violations_handled')} "
                  "vi phạm."),
        Heading("Kết quả thực hiện các chỉ tiêu", level=2),
        Table(["Chỉ tiêu", "Mục tiêu", "Đạt được"],
              [[t["name"], _percent(t["target_percent"]), _achieved(t)] for t in figures["targets"]]
              or [["Không có chỉ tiêu của chương trình trong kỳ", "—", "—"]], widths=[105, 25, 35]),
        Heading("Đánh giá"),
        Paragraph(f"Khó khăn, vướng mắc các đơn vị phản ánh: {_n(obstacles['open'])} chưa được trả lời, "
                  f"{_n(obstacles['answered'])} đã được trả lời trong kỳ."),
    ]
    blocks += [Paragraph(f"{o['organisation']}: {o['title']}"
                         + (f" — Trả lời: {o['answer']}" if o["answer"] else " — Đang xem xét."))
               for o in obstacles["items"]]
    accepted = [s for s in submissions if s.state == "accepted"]
    blocks += [Paragraph(f"{s.organisation.name} báo cáo khó khăn, vướng mắc: {s.obstacles}") for s in accepted
               if s.obstacles.strip()]
    blocks += _from_agencies(submissions)
    return blocks


def _from_agencies(submissions: list) -> list:
    accepted = [s for s in submissions if s.state == "accepted"]
    blocks = [Heading("Nhiệm vụ trọng tâm kỳ tới")]
    blocks += [Paragraph(f"{s.organisation.name}: {s.next_tasks}") for s in accepted if s.next_tasks.strip()] or \
        [Paragraph("Tiếp tục thực hiện các nhiệm vụ theo kế hoạch của tỉnh.")]
    blocks.append(Heading("Đề xuất, kiến nghị"))
    blocks += [Paragraph(f"{s.organisation.name}: {s.proposals}") for s in accepted if s.proposals.strip()] or \
        [Paragraph("Không có.")]
    return blocks


def build(report_type, period: Period, figures: dict, submissions=(), formats=FORMATS, signer_name: str = ""):
    """{format: bytes} and {format: error} (a PDF that cannot be made leaves the DOCX and the annex)."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ReportRefused(f"unknown format {', '.join(sorted(unknown))}: use docx, pdf or xlsx")
    issuer = issuer_as_of(period)
    doc = Document(
        issuer=issuer.name.upper(), governing_body=(issuer.parent.name.upper() if issuer.parent_id else ""),
        place=place_of(issuer), date=timezone.localdate(), kind="BÁO CÁO",
        summary=f"Kết quả thực hiện công tác bảo vệ, hỗ trợ trẻ em tương tác lành mạnh, sáng tạo trên môi trường "
                f"mạng {period.label_vi}", symbol=f"BC-{issuer.short_name}",
        body=[Paragraph(f"Số liệu tính {period.span_vi}.", italic=True), *body(figures, submissions)],
        signer=Signer(authority="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name=signer_name),
        copies_to=["Ủy ban nhân dân tỉnh (b/c)", "Các sở, ban, ngành, địa phương"],
        archive=f"VT, {issuer.short_name}", contacts=Contacts(address=issuer.address, phone=issuer.phone,
                                                              email=issuer.email))
    files, errors = {}, {}
    documents = [f for f in formats if f in ("docx", "pdf")]
    if documents:
        rendered = render(doc, documents, timeout=settings.DOCUMENT_PDF_TIMEOUT_SECONDS, soffice=settings.SOFFICE)
        files.update(rendered.files)
        errors.update(rendered.errors)
    if "xlsx" in formats:
        files["xlsx"] = annex(report_type, period, figures)
    return files, errors


CHANNELS = dict(Channel.choices)
DESTINATIONS = dict(Referral.Destination.choices)
OUTCOMES = {**{k: str(v) for k, v in Referral.Outcome.choices if k}, "pending": "Chưa có kết quả"}


def annex(report_type, period: Period, figures: dict) -> bytes:
    """The data annex: one sheet per table of BRIEF §6, Times New Roman, headers bold, the period on each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    title = f"{report_type.name} — {period.label_vi} ({period.span_vi})"
    from copvn.coordination.models import ActivityRecord
    from copvn.taxonomy.models import Category

    reports = figures["reports"]["by_channel_category"]
    codes = sorted({code for row in reports.values() for code in row})
    names = dict(Category.objects.values_list("code", "name_vi"))
    _sheet(book, "Phản ánh", title, ["Kênh tiếp nhận", *[f"{names.get(c, 'Chưa xác định danh mục')} ({c})" for c in codes],
                                    "Tổng (lượt phản ánh)"],
           [[str(CHANNELS.get(ch, ch)), *[row.get(code, 0) for code in codes],
             figures["reports"]["by_channel"].get(ch, 0)] for ch, row in sorted(reports.items())])
    nt = figures["notices"]
    _sheet(book, "Yêu cầu gỡ bỏ", title, ["Nhà cung cấp", "Đã gửi", "Đã phản hồi", "Đã gỡ (xác minh)", "Khiếu nại",
                                          "Quá hạn", "Trung vị (giờ)", "Phân vị 90 (giờ)"],
           [[r["group"], r["sent"], r["acknowledged"], r["removed"], r["disputed"], r["overdue"], r["median_hours"],
             r["p90_hours"]] for r in nt["rows"]]
           + [["Tổng", nt["sent"], nt["acknowledged"], nt["removed"], "", nt["overdue"], nt["median_hours"],
               nt["p90_hours"]]])
    refs = figures["referrals"]["by_destination_outcome"]
    outcome_keys = sorted({o for row in refs.values() for o in row})
    _sheet(book, "Chuyển hồ sơ", title, ["Nơi nhận", *[OUTCOMES.get(o, o) for o in outcome_keys], "Tổng"],
           [[str(DESTINATIONS.get(d, d)), *[row.get(o, 0) for o in outcome_keys], sum(row.values())]
            for d, row in sorted(refs.items())])
    cons = figures["consent"]
    _sheet(book, "Báo chí, đồng ý", title, ["Chỉ số", "Số lượng"],
           [["Hồ sơ đồng ý công bố lập trong kỳ", cons["records"]], ["Hồ sơ bị rút lại", cons["withdrawals"]],
            ["Lượt kiểm tra trước khi đăng (đã lưu)", cons["checks"]],
            ["Lượt kiểm tra phát hiện thông tin chưa được đồng ý", cons["checks_with_problems"]]])
    _sheet(book, "Chỉ tiêu", title, ["Chương trình", "Chỉ tiêu", "Mục tiêu (%)", "Đạt được (%)", "Tử số", "Mẫu số"],
           [[t["programme"], t["name"], t["target_percent"], t["achieved_percent"], t["numerator"], t["denominator"]]
            for t in figures["targets"]])
    acts = figures["activities"]
    _sheet(book, "Hoạt động", title, ["Loại hoạt động", "Số hoạt động", "Người tham gia", "Trường", "Tin, bài",
                                      "Phút phát sóng", "Trẻ được hỗ trợ", "Trẻ đề nghị hỗ trợ", "Vi phạm phát hiện",
                                      "Vi phạm đã xử lý"],
           [[str(dict(ActivityRecord.Kind.choices).get(k, k)), *[v[f] for f in ("records", "people_reached", "schools", "articles",
                                                     "airtime_minutes", "children_supported", "support_requests",
                                                     "violations_found", "violations_handled")]]
            for k, v in sorted(acts.items())])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.font = Font(name="Times New Roman", size=12, bold=cell.row in (1, 3))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book, name: str, title: str, header: list, rows: list) -> None:
    sheet = book.create_sheet(name[:31])
    sheet.append([title])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.page_setup.orientation = "landscape"
    for i, _h in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=i).column_letter].width = 18 if i > 1 else 40
