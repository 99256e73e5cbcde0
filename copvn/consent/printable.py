"""The printable consent form (DOCX, and PDF made from it): blank for the family to fill in, or filled from a
record for signature. It ends with a page of plain words for the child, so a child aged 7 or more knows
what they are agreeing to before they sign (Law on Children Art. 6(11): the child's own consent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copvn.documents import Document, Heading, Paragraph, Table

from .models import CATEGORIES, MEDIA, ConsentRecord, Signer

BLANK = "…………………………………………"
CHECKED, UNCHECKED = "☒", "☐"

# Written for a child of 7: short sentences, everyday words, "em" as the child is spoken to.
FOR_THE_CHILD = [
    "{agency} muốn viết bài hoặc làm chương trình có nói về em.",
    "Bài có thể nói tên em, tuổi em, em học trường nào, hoặc có ảnh của em. Phần “Phạm vi đồng ý” ở trên ghi "
    "những điều nào sẽ được nói.",
    "Rất nhiều người sẽ đọc, nghe hoặc xem bài, kể cả những người em không quen. Bài trên mạng có thể còn ở đó "
    "rất lâu.",
    "Em có quyền nói “không”. Không ai được giận em hay phạt em vì em nói “không”.",
    "Nếu em chưa hiểu điều gì, em cứ hỏi bố mẹ, người chăm sóc em hoặc cô chú phóng viên.",
    "Nếu sau này em đổi ý, em hoặc bố mẹ em báo cho {agency}. Họ phải gỡ thông tin về em khỏi bài.",
    "Nếu em đồng ý, em ký hoặc viết tên em vào ô “Trẻ em” ở cuối giấy này.",
]


def _age_text(consent: ConsentRecord | None) -> str:
    if consent is None:
        return "\n"
    if consent.date_of_birth:
        return consent.date_of_birth.strftime("%d/%m/%Y")
    return f"{consent.age_years} tuổi (ghi ngày {consent.age_on:%d/%m/%Y})" if consent.age_on else f"{consent.age_years} tuổi"


def _ticks(header: str, chosen: list[str] | None, options: dict) -> Table:
    """A box per option, ticked where the record chose it (all empty on the blank form)."""
    return Table(header=[header, "Đồng ý"], widths=[140, 25],
                 rows=[[str(label), CHECKED if chosen is not None and code in chosen else UNCHECKED]
                       for code, label in options.items()])


def document(agency, consent: ConsentRecord | None = None, *, today: dt.date | None = None) -> Document:
    """The form for `agency`, filled from `consent` when given (then it names the record and its latest
    revision's hash, so the signed paper can be matched to the register)."""
    from copvn.takedowns.letters import place_of

    today = today or timezone.localdate()
    signers = list(consent.signers.order_by("pk")) if consent else []
    adults = [s for s in signers if s.role != Signer.Role.CHILD]
    rows = [[str(Signer.Role(s.role).label), s.full_name, s.relation or "—",
             str(Signer.Document(s.document).label) if s.document else "—"] for s in adults]
    rows += [["\n", "", "", ""]] * max(0, 2 - len(rows))
    if consent:
        period = f"từ ngày {consent.valid_from:%d/%m/%Y}" + (
            f" đến ngày {consent.valid_until:%d/%m/%Y}" if consent.valid_until else " cho đến khi rút lại")
    else:
        period = f"từ ngày {BLANK} đến ngày {BLANK}"
    body = [
        Paragraph(f"Căn cứ khoản 11 Điều 6 Luật Trẻ em năm 2016 và các Điều 33, 36 Nghị định số 56/2017/NĐ-CP, "
                  f"{agency.name} chỉ công bố thông tin bí mật đời sống riêng tư của trẻ em khi có sự đồng ý của "
                  f"cha, mẹ, người chăm sóc trẻ em và của chính trẻ em từ đủ 07 tuổi trở lên."),
        Heading("Thông tin về trẻ em"),
        Table(header=["Nội dung", "Thông tin"], widths=[55, 110], rows=[
            ["Họ và tên", consent.child_name if consent else "\n"],
            ["Ngày sinh (hoặc tuổi)", _age_text(consent)],
            ["Trường, lớp", (consent.school or "—") if consent else "\n"],
        ]),
        Heading("Người đồng ý"),
        Paragraph("Cha, mẹ, người chăm sóc hoặc người giám hộ của trẻ em:"),
        Table(header=["Tư cách", "Họ và tên", "Quan hệ với trẻ", "Giấy tờ tùy thân"], rows=rows,
              widths=[35, 55, 35, 40]),
        Heading("Phạm vi đồng ý"),
        _ticks("Thông tin của trẻ em được phép công bố (Điều 33 Nghị định 56/2017/NĐ-CP)",
               consent.categories if consent else None, CATEGORIES),
        _ticks("Loại hình báo chí", consent.media if consent else None, MEDIA),
        Paragraph("Bài viết hoặc loạt bài: " + ((consent.article or "mọi bài viết của cơ quan báo chí")
                                                 if consent else BLANK)),
        Paragraph(f"Thời hạn: {period}."),
        Heading("Quyền rút lại sự đồng ý"),
        Paragraph(f"Cha, mẹ, người chăm sóc, chính trẻ em từ đủ 07 tuổi hoặc cơ quan, tổ chức bảo vệ trẻ em có thể "
                  f"rút lại sự đồng ý vào bất cứ lúc nào bằng cách báo cho {agency.name}. Khi sự đồng ý bị rút lại, "
                  f"cơ quan báo chí không tiếp tục công bố và gỡ bỏ thông tin của trẻ em khỏi các bài đã đăng."),
        Heading("Giải thích cho em (dành cho trẻ em)"),
        *[Paragraph(line.format(agency=agency.name)) for line in FOR_THE_CHILD],
        Heading("Chữ ký"),
        Table(header=["Cha, mẹ hoặc người chăm sóc", "Trẻ em (từ đủ 7 tuổi)", "Đại diện cơ quan báo chí"],
              rows=[["(Ký, ghi rõ họ tên)\n\n\n\n", "(Ký hoặc viết tên)\n\n\n\n", "(Ký, ghi rõ họ tên)\n\n\n\n"]],
              widths=[55, 55, 55]),
    ]
    if consent:
        last = consent.revisions.order_by("-number").first()
        body.append(Table(header=["Mã hồ sơ", "Phiên bản", "Mã băm SHA-256 của phiên bản"], widths=[25, 20, 120],
                          rows=[[str(consent.pk), str(last.number if last else 1), last.digest if last else ""]]))
    return Document(
        issuer=agency.name.upper(), governing_body=agency.parent.name.upper() if agency.parent_id else "",
        place=place_of(agency), date=today, kind="GIẤY ĐỒNG Ý",
        summary="Công bố thông tin bí mật đời sống riêng tư của trẻ em", body=body, archive="")
