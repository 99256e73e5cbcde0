"""The official-document builder: the DOCX structure, then the PDF measured from its word boxes and pixels."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image

from copvn.documents import (
    PACKAGE,
    PROFILES,
    Bullet,
    Contacts,
    ConversionFailed,
    Document,
    Heading,
    Margins,
    Paragraph,
    Profile,
    Signer,
    Table,
    build_docx,
    pdf_available,
    render,
    to_pdf,
    wording,
)
from copvn.documents.decree30 import EXAMPLE_SIZES

TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
PT = 25.4 / 72  # mm per point
TWIPS = 1440 / 25.4  # twips per mm
PARAGRAPH = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ngành và địa phương đẩy mạnh công tác phối hợp, thực hiện "
             "nghiêm việc phát hiện, ngăn chặn và xử lý các hành vi xâm hại trẻ em trên môi trường mạng; "
             "thường xuyên hướng dẫn cha mẹ, thầy cô giáo và học sinh sử dụng Internet an toàn.")


def report(**changes) -> Document:
    """A three-page quarterly report: headings, bullets, a table that crosses a page, a signer."""
    rows = [(str(n), "Facebook" if n % 2 else "TikTok", str(10 + n), str(n)) for n in range(1, 31)]
    body = [Heading("Bảo vệ trẻ em trên môi trường mạng: cơ sở pháp lý"), Paragraph(PARAGRAPH),
            Heading("Kết quả thực hiện", level=2), Bullet("Tiếp nhận 125 phản ánh của người dân;"),
            Bullet("Đề nghị gỡ bỏ 48 đường dẫn vi phạm."),
            Table(("STT", "Nền tảng", "Số phản ánh", "Đã gỡ bỏ"), rows, widths=(15, 70, 40, 40)),
            *[Paragraph(f"{n}. {PARAGRAPH}") for n in range(1, 5)],
            Heading("Nhiệm vụ thời gian tới"), *[Paragraph(PARAGRAPH) for _ in range(6)]]
    fields = dict(
        governing_body="UBND TỈNH KHÁNH HÒA", issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", number="5", symbol="BC-SKHCN",
        place="Khánh Hòa", date=dt.date(2026, 2, 5), kind="BÁO CÁO",
        summary="Kết quả phòng, chống xâm hại trẻ em trên môi trường mạng quý I năm 2026",
        recipients=["Ủy ban nhân dân tỉnh Khánh Hòa", "Bộ Khoa học và Công nghệ"],
        preamble=["Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016", "Căn cứ Nghị định số 56/2017/NĐ-CP"],
        body=body, signer=Signer("PHÓ GIÁM ĐỐC", "Nguyễn Thị Ưng", authority="KT. GIÁM ĐỐC"),
        copies_to=["Như trên", "UBND tỉnh (b/c)"], archive="VT, CNTT",
        contacts=Contacts(address="04 Phan Chu Trinh, Nha Trang", phone="0258 3822 000",
                          email="skhcn@khanhhoa.gov.vn"))
    return Document(**(fields | changes))


def letter(**changes) -> Document:
    fields = dict(issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", place="Khánh Hòa", date=dt.date(2026, 11, 3),
                  summary="đề nghị gỡ bỏ nội dung xâm hại trẻ em", symbol="SKHCN-CNTT",
                  recipients=["Công ty TNHH Meta Platforms"], body=[Paragraph("Đề nghị gỡ bỏ các đường dẫn sau.")],
                  signer=Signer("GIÁM ĐỐC", "Trần Văn Bình"), copies_to=["Như trên"])
    return Document(**(fields | changes))


def opened(doc: Document):
    return docx.Document(io.BytesIO(build_docx(doc)))


def texts(document) -> list[str]:
    """Every paragraph's text in reading order, table cells included."""
    return [DocxParagraph(p, None).text for p in document.element.body.iter(qn("w:p"))]


def position(lines: list[str], text: str) -> int:
    return next(n for n, line in enumerate(lines) if text in line)


# --- the DOCX ----------------------------------------------------------------------------------------------

def test_the_docx_has_the_decree_elements_in_order():
    lines = texts(opened(report()))
    order = ["UBND TỈNH KHÁNH HÒA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", TITLE, "Độc lập - Tự do - Hạnh phúc",
             "Số: 05/BC-SKHCN", "Khánh Hòa, ngày 05 tháng 02 năm 2026", "BÁO CÁO", "Kết quả phòng, chống",
             "Kính gửi:", "Căn cứ Luật Trẻ em", "I. BẢO VỆ TRẺ EM", "1. Kết quả thực hiện", "- Tiếp nhận",
             "STT", "II. NHIỆM VỤ THỜI GIAN TỚI", "Nơi nhận:", "- Lưu: VT, CNTT.", "KT. GIÁM ĐỐC",
             "PHÓ GIÁM ĐỐC", "Nguyễn Thị Ưng"]
    found = [position(lines, text) for text in order]
    assert found == sorted(found)
    assert lines[position(lines, "Căn cứ Luật")].endswith("2016;") and lines[position(lines, "Căn cứ Nghị")].endswith(".")


def test_every_script_is_set_in_times_new_roman_without_theme_fonts():
    document = opened(report())
    styles = document.styles.element
    for rfonts in (styles.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}"),
                   document.styles["Normal"].element.rPr.find(qn("w:rFonts"))):
        assert {rfonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert not [a for a in rfonts.attrib if "Theme" in a or "theme" in a]


def test_the_page_is_a4_portrait_with_the_decree_margins_and_numbers_from_page_two():
    document = opened(report())
    section = document.sections[0]
    measured = [round(v.mm, 1) for v in (section.page_width, section.page_height, section.top_margin,
                                         section.bottom_margin, section.left_margin, section.right_margin)]
    assert measured == [210, 297, 20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert not list(section.first_page_header._element.iter(qn("w:fldChar")))
    assert "skhcn@khanhhoa.gov.vn" in section.first_page_footer._element.xml
    assert "skhcn@" not in section.footer._element.xml


def test_the_header_is_a_fixed_borderless_table_with_widths_in_the_grid_and_cells():
    table = opened(report()).tables[0]
    tblpr = table._tbl.tblPr
    assert tblpr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert {b.get(qn("w:val")) for b in tblpr.find(qn("w:tblBorders"))} == {"nil"}
    grid = [int(c.get(qn("w:w"))) / TWIPS for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    cells = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / TWIPS for tc in table._tbl.tr_lst[0].tc_lst]
    assert [round(w, 1) for w in grid] == [round(w, 1) for w in cells] == [65.0, 100.0]


def test_the_issuer_rule_is_an_empty_paragraph_indented_from_the_cell_width():
    cell = opened(report()).tables[0].rows[0].cells[0]
    issuer, rule = cell.paragraphs[1], cell.paragraphs[2]
    assert issuer.text == "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and issuer.paragraph_format.left_indent.mm == 0
    assert rule.text == "" and rule._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    length = 65 - rule.paragraph_format.left_indent.mm - rule.paragraph_format.right_indent.mm
    assert 64 / 3 < length < 64 / 2  # the name is about 64 mm wide at 12 pt


def test_a_broken_issuer_name_gets_a_rule_sized_to_its_longest_line():
    cell = opened(report(issuer="SỞ GIÁO DỤC\nVÀ ĐÀO TẠO")).tables[0].rows[0].cells[0]
    assert "<w:br/>" in cell.paragraphs[1]._p.xml
    rule = cell.paragraphs[2].paragraph_format
    assert 11 < 65 - rule.left_indent.mm - rule.right_indent.mm < 13  # 40% of "SỞ GIÁO DỤC", not of both lines


def test_the_motto_is_underlined_and_the_closing_row_never_splits():
    document = opened(report())
    motto = document.tables[0].rows[0].cells[1].paragraphs[1]
    assert motto.text == wording.MOTTO and motto.runs[0].font.underline
    closing = document.tables[-1]._tbl.tr_lst[0]
    assert closing.trPr.find(qn("w:cantSplit")) is not None
    data = document.tables[1]._tbl.tr_lst
    assert data[0].trPr.find(qn("w:tblHeader")) is not None and data[1].trPr.find(qn("w:tblHeader")) is None


def test_justified_text_is_one_paragraph_per_line_without_line_breaks():
    doc = report(body=[Paragraph("Dòng một\nDòng hai"), Bullet("Ý một\nÝ hai")])
    with zipfile.ZipFile(io.BytesIO(build_docx(doc))) as package:
        assert "<w:br" not in package.read("word/document.xml").decode()
    lines = texts(opened(doc))
    assert lines[position(lines, "Dòng một"):][:4] == ["Dòng một", "Dòng hai", "- Ý một", "- Ý hai"]


def test_core_properties_name_the_issuer_and_the_summary():
    props = opened(report()).core_properties
    assert (props.author, props.title, props.language) == (
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Kết quả phòng, chống xâm hại trẻ em trên môi trường mạng quý I năm 2026", "vi-VN")


def test_a_letter_puts_its_summary_under_the_number_and_has_no_title():
    document = opened(letter())
    left = [p.text for p in document.tables[0].rows[1].cells[0].paragraphs]
    assert left == ["Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/SKHCN-CNTT",
                    "V/v đề nghị gỡ bỏ nội dung xâm hại trẻ em"]
    lines = texts(document)
    assert "CÔNG VĂN" not in lines and "Kính gửi: Công ty TNHH Meta Platforms." in lines
    assert lines[-2:] == ["GIÁM ĐỐC", "Trần Văn Bình"]


def test_several_recipients_each_get_a_line_under_the_colon():
    lines = texts(opened(report(recipients=["Bộ Công an;", "Bộ Khoa học và Công nghệ", "UBND tỉnh."])))
    start = position(lines, "Kính gửi:")
    assert lines[start:start + 3] == ["Kính gửi:\t- Bộ Công an;", "- Bộ Khoa học và Công nghệ;", "- UBND tỉnh."]


def test_an_english_letter_keeps_the_vietnamese_national_title_with_a_translation():
    document = opened(letter(language="en", summary="removal of content", recipients=["Meta", "TikTok"]))
    right = [p.text for p in document.tables[0].rows[0].cells[1].paragraphs]
    assert right == [TITLE, wording.MOTTO, "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness"]
    lines = texts(document)
    assert "To:\t- Meta;" in lines and "Copies to:" in lines and "Re: removal of content" in lines
    assert "Khánh Hòa, 03 November 2026" in lines and "- Archive: VT." in lines


@pytest.mark.parametrize("number, symbol, expected", [
    ("5", "BC-UBND", "Số: 05/BC-UBND"), ("12", "CV-SKHCN", "Số: 12/CV-SKHCN"), (7, "", "Số: 07"),
])
def test_numbers_below_ten_get_a_leading_zero(number, symbol, expected):
    assert wording.number_line(number, symbol) == expected


@pytest.mark.parametrize("date, expected", [
    (dt.date(2026, 2, 5), "Khánh Hòa, ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 3, 9), "Khánh Hòa, ngày 09 tháng 3 năm 2026"),
    (dt.date(2026, 12, 25), "Khánh Hòa, ngày 25 tháng 12 năm 2026"),
])
def test_days_below_ten_and_the_first_two_months_get_a_leading_zero(date, expected):
    assert wording.date_line("Khánh Hòa", date) == expected


def test_sections_are_numbered_in_roman_numerals_and_subsections_restart():
    body = [b for n in range(1, 5) for b in (Heading(f"Mục {n}"), Heading("Khoản", 2), Heading("Khoản", 2))]
    lines = [t for t in texts(opened(report(body=body))) if "MỤC" in t or "Khoản" in t]
    assert lines[:3] == ["I. MỤC 1", "1. Khoản", "2. Khoản"] and lines[-3:] == ["IV. MỤC 4", "1. Khoản", "2. Khoản"]
    assert wording.roman(14) == "XIV" and wording.roman(2026) == "MMXXVI"


def test_the_profiles_keep_inside_the_decree_ranges():
    assert dict(PROFILES["12/13"].sizes) == dict(EXAMPLE_SIZES)
    assert PROFILES["12/13"].margins == Margins(20, 20, 30, 15) and PROFILES["12/13"].text_width == 165
    with pytest.raises(ValueError, match="body at 12 pt is outside the Decree's 13–14 pt"):
        Profile("small", EXAMPLE_SIZES | {"body": 12})
    with pytest.raises(ValueError, match="left margin"):
        Profile("narrow", EXAMPLE_SIZES, margins=Margins(left=25))
    with pytest.raises(ValueError, match="unknown layout profile"):
        build_docx(letter(profile="11/12"))
    with pytest.raises(ValueError, match="urgency"):
        letter(urgency="GẤP")


def test_the_builder_is_plain_python_without_django():
    code = "import sys, copvn.documents; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- LibreOffice failures ----------------------------------------------------------------------------------

def script(tmp_path, body: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_without_libreoffice_the_error_names_the_package_and_the_docx_still_comes(monkeypatch, tmp_path):
    with pytest.raises(ConversionFailed, match=PACKAGE) as caught:
        to_pdf(b"PK", soffice=str(tmp_path / "no-such-soffice"))
    assert caught.value.reason == "missing"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not pdf_available()
    result = render(letter())
    assert list(result.files) == ["docx"] and result.files["docx"][:2] == b"PK"
    assert PACKAGE in result.errors["pdf"] and not result.ok


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_hung_conversion_is_stopped_with_its_whole_process_group(tmp_path):
    sleep = shutil.which("sleep") or "/bin/sleep"
    binary = script(tmp_path, f'{sleep} 60 & echo $! > "{tmp_path}/child.pid"\nwait')
    started = time.monotonic()
    with pytest.raises(ConversionFailed, match=r"within 1\.5 s") as caught:
        to_pdf(b"PK", timeout=1.5, soffice=binary)
    assert caught.value.reason == "timeout" and time.monotonic() - started < 10
    assert not alive(int((tmp_path / "child.pid").read_text()))


def test_a_failed_conversion_reports_what_libreoffice_said(tmp_path):
    binary = script(tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 3')
    with pytest.raises(ConversionFailed, match="exit status 3.*source file could not be loaded"):
        to_pdf(b"PK", soffice=binary)
    with pytest.raises(ConversionFailed, match="produced no PDF"):
        to_pdf(b"PK", soffice=script(tmp_path, "exit 0"))


# --- the PDF, measured -------------------------------------------------------------------------------------

needs_pdf = pytest.mark.skipif(not (pdf_available() and shutil.which("pdftotext") and shutil.which("pdftoppm")),
                               reason=f"needs LibreOffice ({PACKAGE}) and poppler-utils")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def baseline(self) -> float:  # poppler's box: the ascent (0.891 em) above the baseline, 1.3 em in all
        return self.y0 + (self.y1 - self.y0) * 0.891 / 1.3


def words(pdf_path) -> list[list[Word]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [[Word(*(float(v) * PT for v in m[:4]), m[4]) for m in re.findall(pattern, page)]
            for page in html.split("<page ")[1:]]


def line(page: list[Word], first: str, count: int) -> list[Word]:
    start = next(n for n, w in enumerate(page) if w.text == first)
    return page[start:start + count]


def span(ws: list[Word]) -> tuple[float, float]:
    return ws[0].x0, ws[-1].x1


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    result = render(report())
    assert result.ok, result.errors
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(result.files["pdf"])
    return path


def pixels(pdf_path, page: int) -> Image.Image:
    prefix = pdf_path.parent / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "200", "-f", str(page), "-l", str(page), "-singlefile", "-gray", "-png",
                    str(pdf_path), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("L")


def longest_rule(image: Image.Image, x0: float, x1: float, y0: float, y1: float) -> tuple[float, float]:
    """The longest run of dark pixels on one row of the region (mm): its start and end."""
    px = 200 / 25.4
    best = (0.0, 0.0)
    for y in range(round(y0 * px), round(y1 * px)):
        run_start = None
        for x in range(round(x0 * px), round(x1 * px) + 1):
            dark = image.getpixel((x, y)) < 128
            if dark and run_start is None:
                run_start = x
            elif not dark and run_start is not None:
                if (x - run_start) / px > best[1] - best[0]:
                    best = (run_start / px, x / px)
                run_start = None
    return best


@needs_pdf
def test_the_text_keeps_the_decree_margins(pdf):
    pages = words(pdf)
    assert len(pages) >= 3
    body = [w for w in pages[1] if w.y0 > 19]  # page 2 without its page number
    assert abs(min(w.x0 for w in body) - 30) < 0.5
    assert abs(max(w.x1 for w in body) - 195) < 1 and max(w.x1 for w in body) < 195.3
    last = [w for w in pages[-1] if w.y0 > 19]  # page 2 opens with the repeated table header, page 3 with text
    assert abs(min(w.y0 for w in pages[0]) - 20) < 0.5 and abs(min(w.y0 for w in last) - 20) < 0.5
    assert 262 < max(w.baseline for w in body) < 277
    image = pixels(pdf, 2)
    columns = [x for x in range(image.width) if any(image.getpixel((x, y)) < 128 for y in range(200, 2100, 3))]
    assert abs(columns[0] * 25.4 / 200 - 30) < 0.5 and abs(columns[-1] * 25.4 / 200 - 195) < 1


@needs_pdf
def test_the_national_title_is_one_line_centred_in_the_right_column(pdf):
    page = words(pdf)[0]
    title = line(page, "CỘNG", 8)
    assert " ".join(w.text for w in title) == TITLE and len({round(w.y0, 1) for w in title}) == 1
    start, end = span(title)
    assert abs((end - start) - 88.3) < 1 and start >= 95 and end <= 195 and abs((start + end) / 2 - 145) < 1
    number, date = line(page, "Số:", 2), line(page, "Khánh", 8)
    assert abs(number[0].baseline - date[0].baseline) < 0.3
    assert abs(sum(span(number)) / 2 - 62.5) < 1 and abs(sum(span(date)) / 2 - 145) < 1
    assert abs(sum(span(line(page, "BÁO", 2))) / 2 - 112.5) < 1


@needs_pdf
def test_the_rules_under_the_issuer_and_the_motto_are_sized_to_their_text(pdf):
    page, image = words(pdf)[0], pixels(pdf, 1)
    issuer, number = line(page, "SỞ", 6), line(page, "Số:", 1)
    rule = longest_rule(image, 30, 95, issuer[0].y1 - 1, number[0].y0)
    width = issuer[-1].x1 - issuer[0].x0
    assert width / 3 < rule[1] - rule[0] < width / 2 and abs(sum(rule) / 2 - 62.5) < 1
    motto = line(page, "Độc", 8)
    underline = longest_rule(image, 95, 195, motto[0].baseline, motto[0].y1 + 1)
    assert abs(underline[0] - motto[0].x0) < 1 and abs(underline[1] - motto[-1].x1) < 1


@needs_pdf
def test_page_numbers_are_centred_in_the_top_margin_from_page_two(pdf):
    pages = words(pdf)
    assert not [w for w in pages[0] if w.y0 < 19]
    for number, page in enumerate(pages[1:], start=2):
        top = [w for w in page if w.y1 < 20 + 1]
        assert [w.text for w in top] == [str(number)]
        assert abs(top[0].centre - 112.5) < 1 and top[0].y0 > 5


@needs_pdf
def test_the_signer_sits_right_and_the_copies_left_level_with_the_authority(pdf):
    page = words(pdf)[-1]
    authority, copies = line(page, "KT.", 3), line(page, "Nơi", 2)
    assert abs(sum(span(authority)) / 2 - 145) < 1 and abs(sum(span(line(page, "Nguyễn", 3))) / 2 - 145) < 1
    assert abs(copies[0].x0 - 30) < 0.5 and abs(copies[0].baseline - authority[0].baseline) < 0.5


@needs_pdf
def test_the_contacts_are_at_the_foot_of_page_one_only_and_table_headers_repeat(pdf):
    pages = words(pdf)
    email = [w for w in pages[0] if "skhcn@khanhhoa.gov.vn" in w.text]
    assert email and email[0].y0 > 270 and not [w for p in pages[1:] for w in p if "skhcn@" in w.text]
    assert sum(1 for p in pages if any(w.text == "STT" for w in p)) == 2


@needs_pdf
def test_fonts_are_embedded_and_vietnamese_text_survives(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [r.split() for r in fonts.splitlines()[2:] if r.strip()]
    assert rows and all(r[-5] == "yes" for r in rows)
    assert all("LiberationSerif" in r[0] or "TimesNewRoman" in r[0] for r in rows)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert TITLE in text and "Độc lập - Tự do - Hạnh phúc" in text
    for char in ("Ơ", "Ư", "ự", "ố", "ẩ", "ườ", "Ủy"):
        assert char in text


@needs_pdf
def test_the_larger_profile_still_keeps_the_national_title_on_one_line(tmp_path):
    path = tmp_path / "large.pdf"
    path.write_bytes(to_pdf(build_docx(letter(profile="13/14"))))
    title = line(words(path)[0], "CỘNG", 8)
    assert len({round(w.y0, 1) for w in title}) == 1 and abs(span(title)[1] - span(title)[0] - 95.7) < 1


@needs_pdf
def test_conversions_can_run_in_parallel():
    data, results = build_docx(letter()), []
    threads = [threading.Thread(target=lambda: results.append(to_pdf(data))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and all(r.startswith(b"%PDF") for r in results)


@needs_pdf
def test_the_conversion_leaves_no_profile_behind(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)
    to_pdf(build_docx(letter()))
    assert os.listdir(scratch) == []
