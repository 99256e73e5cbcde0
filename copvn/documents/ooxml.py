"""WordprocessingML details python-docx has no API for: fonts for every script, table grids, borders,
fields. Elements are inserted in the order the schema requires, which Word insists on."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

FONT = "Times New Roman"
TWIPS_PER_MM = 1440 / 25.4

# successors of each element we add, per the schema's sequence (CT_PPr, CT_TblPr, CT_TcPr, CT_TrPr)
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
               "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_TRPR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
               "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
               "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def twips(mm: float) -> str:
    return str(round(mm * TWIPS_PER_MM))


def _element(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _replace(parent, child, order: tuple[str, ...]) -> None:
    """Put `child` into `parent` in schema order, replacing an element of the same tag."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    later = order[order.index(_prefixed(tag)) + 1:]
    parent.insert_element_before(child, *later)


def _prefixed(clark: str) -> str:
    return "w:" + clark.rsplit("}", 1)[1]


def set_fonts(rpr, font: str = FONT) -> None:
    """Name the font for Latin, East Asian and complex scripts alike, dropping theme fonts (which win)."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, _element("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))


def set_defaults(document, size_pt: float, language: str) -> None:
    """docDefaults: the font for every script, the size, the language, no spacing after paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(round(size_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), language)
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    ppr.append(_element("w:spacing", after="0", line="240", lineRule="auto"))


def fix_table(table, widths_mm: list[float], *, borders: bool, cell_margin_mm: float) -> None:
    """Fixed layout, the widths written to tblW, tblGrid and every cell (LibreOffice reads the grid)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    _replace(tblpr, _element("w:tblW", w=twips(sum(widths_mm)), type="dxa"), _TBLPR_ORDER)
    # LibreOffice and Word put the cell text, not the border, at the indent: shift by the cell margin
    _replace(tblpr, _element("w:tblInd", w=twips(cell_margin_mm), type="dxa"), _TBLPR_ORDER)
    _replace(tblpr, _table_borders(borders), _TBLPR_ORDER)
    _replace(tblpr, _element("w:tblLayout", type="fixed"), _TBLPR_ORDER)
    margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w=twips(cell_margin_mm), type="dxa"))
    _replace(tblpr, margins, _TBLPR_ORDER)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _table_borders(visible: bool):
    borders = _element("w:tblBorders")
    for side in _SIDES:
        attrs = {"val": "single", "sz": "4", "space": "0", "color": "000000"} if visible else {"val": "nil"}
        borders.append(_element(f"w:{side}", **attrs))
    return borders


def row_flags(row, *, cant_split: bool = False, header: bool = False) -> None:
    """`cantSplit` keeps a row on one page; `tblHeader` repeats it at the top of every page."""
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        _replace(trpr, _element("w:cantSplit"), _TRPR_ORDER)
    if header:
        _replace(trpr, _element("w:tblHeader"), _TRPR_ORDER)


def cell_top_margin(cell, top_mm: float, bottom_mm: float) -> None:
    margins = _element("w:tcMar")
    margins.append(_element("w:top", w=twips(top_mm), type="dxa"))
    margins.append(_element("w:bottom", w=twips(bottom_mm), type="dxa"))
    _replace(cell._tc.get_or_add_tcPr(), margins, _TCPR_ORDER)


def paragraph_border(paragraph, sides: tuple[str, ...], *, size_eighths: int = 6, color: str = "000000",
                     space_pt: int = 1) -> None:
    """A solid border on the given sides of a paragraph (its length follows the paragraph's indents)."""
    border = _element("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            border.append(_element(f"w:{side}", val="single", sz=str(size_eighths), space=str(space_pt),
                                   color=color))
    _replace(paragraph._p.get_or_add_pPr(), border, ("w:pBdr", *_AFTER_PBDR))


def mark_size(paragraph, size_pt: float) -> None:
    """The size of the paragraph mark, which sets the height of an empty paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = _element("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    for tag in ("w:sz", "w:szCs"):
        rpr.append(_element(tag, val=str(round(size_pt * 2))))


def add_field(paragraph, instruction: str, placeholder: str = "1") -> list:
    """A complex field (PAGE, NUMPAGES, …), one run per part as Word writes it; returns the runs."""
    begin, code, separate, shown, end = (paragraph.add_run() for _ in range(5))
    begin._r.append(_element("w:fldChar", fldCharType="begin"))
    instr = _element("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    code._r.append(instr)
    separate._r.append(_element("w:fldChar", fldCharType="separate"))
    shown.text = placeholder
    end._r.append(_element("w:fldChar", fldCharType="end"))
    return [begin, code, separate, shown, end]
