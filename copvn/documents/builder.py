"""Build the DOCX of an official document in the Decree 30/2020 layout.

Page 1 opens with a borderless two-column table: the governing body and issuing agency (with a short rule
under it) over the number on the left; the national title and motto (underlined) over the place and date
on the right. A titled kind follows with its title and summary centred; a công văn has its `V/v` summary
under the number instead. Then `Kính gửi`, the `Căn cứ` preamble, the body, and a closing table whose row
cannot split: `Nơi nhận` on the left, level with the signer's authority line on the right. Page numbers
sit centred in the top margin from page 2; the agency's contacts sit at the foot of page 1 only.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import ooxml, wording
from .decree30 import Profile, TextStyle, profile
from .metrics import text_width_mm
from .model import Bullet, Document, Heading, Paragraph, Signer, Table

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_RULE_SHARE = 0.4  # the issuer's and the summary's rules: between a third and a half of the text
_ASCENT = 0.891  # Times New Roman ascent per em, to put lines of different sizes on one baseline
_RED = RGBColor(0xFF, 0x00, 0x00)


@dataclass
class _Context:
    docx: docx.document.Document
    doc: Document
    profile: Profile

    def style(self, element: str) -> TextStyle:
        return self.profile.style(element)

    @property
    def words(self) -> dict[str, str]:
        return wording.labels(self.doc.language)


def build_docx(doc: Document) -> bytes:
    """The document as DOCX bytes."""
    ctx = _Context(docx.Document(), doc, profile(doc.profile))
    _page_setup(ctx)
    _header_table(ctx)
    if not doc.is_letter:
        _title(ctx)
    _recipients(ctx)
    for line in wording.punctuated(doc.preamble):
        _body_line(ctx, line, "preamble")
    _body(ctx)
    _closing(ctx)
    _page_numbers(ctx)
    _contacts(ctx)
    _properties(ctx)
    out = io.BytesIO()
    ctx.docx.save(out)
    return out.getvalue()


# --- paragraphs -----------------------------------------------------------------------------------------

def _next_paragraph(container):
    """The container's untouched first paragraph (cells, headers and footers come with one), or a new one."""
    paragraphs = container.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs:
        ppr = paragraphs[0]._p.pPr
        if ppr is None or all(child.tag == qn("w:pStyle") for child in ppr):
            return paragraphs[0]
    return container.add_paragraph()


def _write(container, text: str, style: TextStyle, *, align: str | None = None, before: float = 0,
           after: float = 0, first: float = 0, left: float = 0, right: float = 0, spacing: float = 1.0,
           keep_next: bool = False, underline: bool = False, color: RGBColor | None = None):
    """One paragraph of one run; lengths in mm, spacing before/after in pt."""
    paragraph = _next_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align or style.align]
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.left_indent, fmt.right_indent, fmt.first_line_indent = Mm(left), Mm(right), Mm(first)
    fmt.line_spacing = spacing
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    if text:
        _run(paragraph, text, style, underline=underline, color=color)
    ooxml.mark_size(paragraph, style.size)
    return paragraph


def _run(paragraph, text: str, style: TextStyle, *, underline: bool = False, color: RGBColor | None = None):
    run = paragraph.add_run(text.upper() if style.upper else text)
    run.font.size = Pt(style.size)
    run.font.bold, run.font.italic = style.bold, style.italic
    run.font.underline = underline or None
    if color is not None:
        run.font.color.rgb = color
    return run


def _rule(container, length_mm: float, area_mm: float, *, before: float = 3) -> None:
    """A short centred rule: the bottom border of an empty, thin paragraph indented from both sides, so
    the text above keeps the whole width."""
    indent = max(area_mm - length_mm, 0) / 2
    paragraph = _next_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.left_indent = fmt.right_indent = Mm(indent)
    fmt.first_line_indent = Mm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    ooxml.mark_size(paragraph, 1)
    ooxml.paragraph_border(paragraph, ("bottom",), space_pt=0)


def _longest_line(text: str, size: float, area: float) -> float:
    """The width of the longest line of bold text wrapped in `area` mm (a wrapped line is about `area`)."""
    return min(max(text_width_mm(line.strip(), size, bold=True) for line in text.strip().splitlines()), area)


def _body_line(ctx: _Context, text: str, element: str, *, style: TextStyle | None = None,
               keep_next: bool = False, before: float = 0) -> None:
    """Justified text, one paragraph per line: a line break inside would stretch the line before it."""
    for line in text.splitlines() or [""]:
        _write(ctx.docx, line, style or ctx.style(element), first=ctx.profile.first_line_indent, before=before,
               after=ctx.profile.paragraph_after, spacing=ctx.profile.line_spacing, keep_next=keep_next)


# --- page -----------------------------------------------------------------------------------------------

def _page_setup(ctx: _Context) -> None:
    page, margins = ctx.profile.page, ctx.profile.margins
    section = ctx.docx.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page[0]), Mm(page[1])
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    section.header_distance = Mm(ctx.profile.header_distance)
    section.footer_distance = Mm(ctx.profile.footer_distance)
    section.gutter = Mm(0)
    section.different_first_page_header_footer = True
    tag = wording.LANGUAGE_TAGS[ctx.doc.language]
    ooxml.set_defaults(ctx.docx, ctx.profile.sizes["body"], tag)
    normal = ctx.docx.styles["Normal"]
    ooxml.set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(ctx.profile.sizes["body"])


def _page_numbers(ctx: _Context) -> None:
    """The page number, centred in the top margin on every page but the first (titlePg)."""
    section = ctx.docx.sections[0]
    _write(section.first_page_header, "", ctx.style("page_number"))
    paragraph = _write(section.header, "", ctx.style("page_number"))
    for run in ooxml.add_field(paragraph, "PAGE", "2"):
        run.font.size = Pt(ctx.style("page_number").size)


def _contacts(ctx: _Context) -> None:
    """Address, phone and email at the foot of page 1, under a rule across the full width."""
    section = ctx.docx.sections[0]
    _write(section.footer, "", ctx.style("contacts"))
    c = ctx.doc.contacts
    lines = wording.contact_lines(c.address, c.phone, c.fax, c.email, c.website, ctx.doc.language) if c else []
    for n, line in enumerate(lines):
        paragraph = _write(section.first_page_footer, line, ctx.style("contacts"), before=2 if n == 0 else 0)
        if n == 0:
            ooxml.paragraph_border(paragraph, ("top",), space_pt=2)
    if not lines:
        _write(section.first_page_footer, "", ctx.style("contacts"))


def _properties(ctx: _Context) -> None:
    props, doc = ctx.docx.core_properties, ctx.doc
    props.author = props.last_modified_by = doc.issuer
    props.title = doc.summary
    props.subject = doc.kind
    props.category = doc.kind
    props.comments = props.keywords = ""
    props.language = wording.LANGUAGE_TAGS[doc.language]
    props.created = props.modified = dt.datetime.combine(doc.date, dt.time())
    props.revision = 1


# --- header ---------------------------------------------------------------------------------------------

def _header_table(ctx: _Context) -> None:
    widths = list(ctx.profile.header_columns)
    table = ctx.docx.add_table(rows=2, cols=2)
    ooxml.fix_table(table, widths, borders=False, cell_margin_mm=0)
    agency, national = table.rows[0].cells
    number, date = table.rows[1].cells
    _agency(ctx, agency, widths[0])
    _national_title(ctx, national)
    _number(ctx, number, widths[0])
    _write(date, wording.date_line(ctx.doc.place, ctx.doc.date, ctx.doc.language), ctx.style("place_date"),
           before=6)


def _agency(ctx: _Context, cell, width: float) -> None:
    doc, style = ctx.doc, ctx.style("issuer")
    if doc.governing_body.strip():
        _write(cell, doc.governing_body.strip(), ctx.style("governing_body"))
    _write(cell, doc.issuer.strip(), style)  # a "\n" in the name is a line break of the caller's choosing
    _rule(cell, _longest_line(doc.issuer.upper(), style.size, width) * _RULE_SHARE, width)


def _national_title(ctx: _Context, cell) -> None:
    _write(cell, wording.NATIONAL_TITLE, ctx.style("national_title"))
    _write(cell, wording.MOTTO, ctx.style("motto"), underline=True)
    if ctx.doc.language == "en":
        size = ctx.style("copies").size
        _write(cell, wording.NATIONAL_TITLE_EN, TextStyle(size, False, False, False, "center"), before=2)
        _write(cell, wording.MOTTO_EN, TextStyle(size, False, True, False, "center"))


def _number(ctx: _Context, cell, width: float) -> None:
    doc = ctx.doc
    _write(cell, wording.number_line(doc.number, doc.symbol, doc.language), ctx.style("number"), before=6)
    if doc.is_letter and doc.summary.strip():
        _write(cell, wording.letter_summary(doc.summary, doc.language), ctx.style("letter_summary"), before=6)
    if doc.urgency:
        style = ctx.style("urgency")
        box = min(text_width_mm(doc.urgency.upper(), style.size, bold=True) + 6, width)
        paragraph = _write(cell, doc.urgency, style, before=8, left=(width - box) / 2, right=(width - box) / 2,
                           color=_RED)
        ooxml.paragraph_border(paragraph, ("top", "left", "bottom", "right"), color="FF0000", space_pt=1)


# --- title, recipients, body ----------------------------------------------------------------------------

def _title(ctx: _Context) -> None:
    area = ctx.profile.text_width
    _write(ctx.docx, ctx.doc.kind, ctx.style("kind"), before=18, keep_next=True)
    if ctx.doc.summary.strip():
        style = ctx.style("summary")
        _write(ctx.docx, ctx.doc.summary.strip(), style, keep_next=True)
        _rule(ctx.docx, _longest_line(ctx.doc.summary, style.size, area) * _RULE_SHARE, area)


def _recipients(ctx: _Context) -> None:
    """One recipient on the `Kính gửi:` line, centred; several each on its own line, aligned after the colon."""
    lines = wording.punctuated(ctx.doc.recipients)
    if not lines:
        return
    style, label = ctx.style("recipients"), ctx.words["to"]
    if len(lines) == 1:
        _write(ctx.docx, f"{label} {lines[0]}", style, align="center", before=12, after=6)
        return
    hang = text_width_mm(label, style.size) + 2.5
    start = ctx.profile.first_line_indent + 12 + hang  # the dashes line up after the colon
    for n, line in enumerate(lines):
        first, last = n == 0, n == len(lines) - 1
        paragraph = _write(ctx.docx, f"{label}\t- {line}" if first else f"- {line}", style, left=start,
                           first=-hang if first else 0, before=12 if first else 0, after=6 if last else 0)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(start))


def _body(ctx: _Context) -> None:
    sections = subsections = 0
    for block in ctx.doc.body:
        if isinstance(block, Heading) and block.level == 1:
            sections, subsections = sections + 1, 0
            _body_line(ctx, f"{wording.roman(sections)}. {block.text}", "heading1", keep_next=True, before=6)
        elif isinstance(block, Heading):
            subsections += 1
            _body_line(ctx, f"{subsections}. {block.text}", "heading2", keep_next=True)
        elif isinstance(block, Paragraph):
            body = ctx.style("body")
            _body_line(ctx, block.text, "body", style=replace(body, italic=True) if block.italic else None)
        elif isinstance(block, Bullet):
            for line in block.text.splitlines():
                _body_line(ctx, f"- {line}", "body")
        elif isinstance(block, Table):
            _table(ctx, block)
        else:
            raise TypeError(f"not a document block: {block!r}")


def _table(ctx: _Context, block: Table) -> None:
    area = ctx.profile.text_width
    widths = list(block.widths) if block.widths else [area / len(block.header)] * len(block.header)
    if sum(widths) > area + 0.01:
        raise ValueError(f"the table is {sum(widths):.1f} mm wide; the text width is {area:.1f} mm")
    table = ctx.docx.add_table(rows=1 + len(block.rows), cols=len(block.header))
    ooxml.fix_table(table, widths, borders=True, cell_margin_mm=1.5)
    style = ctx.style("table")
    bold = TextStyle(style.size, True, False, False, "center")
    for row_index, (row, values) in enumerate(zip(table.rows, [block.header, *block.rows], strict=True)):
        ooxml.row_flags(row, cant_split=True, header=row_index == 0)
        for cell, value in zip(row.cells, values, strict=True):
            _write(cell, str(value), bold if row_index == 0 else style, before=2, after=2)
    _write(ctx.docx, "", TextStyle(6, False, False, False, "left"), after=ctx.profile.paragraph_after)


# --- signature and copies -------------------------------------------------------------------------------

def _closing(ctx: _Context) -> None:
    """`Nơi nhận` bottom left and the signer bottom right, in one row that never splits across pages."""
    doc = ctx.doc
    copies = wording.copies_lines(doc.copies_to, doc.archive, doc.language) if doc.copies_to else []
    if doc.signer is None and not copies:
        return
    widths = list(ctx.profile.header_columns)
    table = ctx.docx.add_table(rows=1, cols=2)
    ooxml.fix_table(table, widths, borders=False, cell_margin_mm=0)
    row = table.rows[0]
    ooxml.row_flags(row, cant_split=True)
    left, right = row.cells
    authority = ctx.style("signer_authority")
    if copies:
        label = ctx.style("copies_label")
        level = 6 + (authority.size - label.size) * _ASCENT  # same baseline as the authority line
        _write(left, ctx.words["copies"], label, before=level)
        for line in copies:
            _write(left, line, ctx.style("copies"))
    if doc.signer is not None:
        _signer(ctx, right, doc.signer)


def _signer(ctx: _Context, cell, signer: Signer) -> None:
    authority, name = ctx.style("signer_authority"), ctx.style("signer_name")
    lines = [line for line in (signer.authority.strip(), signer.position.strip()) if line]
    for n, line in enumerate(lines):
        _write(cell, line, authority, before=6 if n == 0 else 0)
    _write(cell, signer.name.strip(), name, before=ctx.profile.signature_space)
