"""The layout rules of Decree 30/2020/NĐ-CP, Appendix I, as data.

`RULES` is the Decree's table (Part I, §V): for each element, the allowed font sizes, case, weight, slant
and alignment. A `Profile` picks one size per element inside those ranges and fixes the page geometry;
`PROFILES["12/13"]` (the default) uses the sizes of the Decree's own example column, `PROFILES["13/14"]`
the upper end for agencies that prefer it. Building a profile outside the Decree's ranges raises.

Widths measured with Liberation Serif 2 (metric-compatible with Times New Roman), which decide the header
columns: the national title in bold is 88.3 mm at 12 pt and 95.7 mm at 13 pt, so the right column is
100 mm (13 pt fits with a little room); the left column takes the rest of the 165 mm text width.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Rule:
    """One row of the Decree's table: what an element looks like, whatever the profile."""

    label: str  # the element's name in the Decree
    sizes: tuple[float, float]  # allowed font sizes in pt, inclusive
    bold: bool = False
    italic: bool = False
    upper: bool = False
    align: Align = "center"


@dataclass(frozen=True)
class TextStyle:
    """A rule with the profile's size chosen: everything the builder needs to write one run."""

    size: float
    bold: bool
    italic: bool
    upper: bool
    align: Align


RULES = MappingProxyType({
    "national_title": Rule("Quốc hiệu", (12, 13), bold=True, upper=True),
    "motto": Rule("Tiêu ngữ", (13, 14), bold=True),
    "governing_body": Rule("Tên cơ quan, tổ chức chủ quản", (12, 13), upper=True),
    "issuer": Rule("Tên cơ quan, tổ chức ban hành", (12, 13), bold=True, upper=True),
    "number": Rule("Số, ký hiệu", (13, 13)),
    "place_date": Rule("Địa danh, thời gian ban hành", (13, 14), italic=True),
    "kind": Rule("Tên loại văn bản", (13, 14), bold=True, upper=True),
    "summary": Rule("Trích yếu nội dung", (13, 14), bold=True),
    "letter_summary": Rule("Trích yếu nội dung công văn", (12, 13)),
    "urgency": Rule("Dấu chỉ mức độ khẩn", (13, 14), bold=True, upper=True),
    "recipients": Rule("Kính gửi", (13, 14), align="left"),
    "preamble": Rule("Căn cứ ban hành", (13, 14), italic=True, align="justify"),
    "heading1": Rule("Mục (I, II, …)", (13, 14), bold=True, upper=True, align="justify"),
    "heading2": Rule("Khoản có tiêu đề (1, 2, …)", (13, 14), bold=True, align="justify"),
    "body": Rule("Nội dung", (13, 14), align="justify"),
    "table": Rule("Bảng trong nội dung", (11, 14), align="left"),
    "signer_authority": Rule("Quyền hạn, chức vụ của người ký", (13, 14), bold=True, upper=True),
    "signer_name": Rule("Họ tên người ký", (13, 14), bold=True),
    "copies_label": Rule("Nơi nhận", (12, 12), bold=True, italic=True, align="left"),
    "copies": Rule("Tên cơ quan, đơn vị nhận", (11, 11), align="left"),
    "contacts": Rule("Địa chỉ, thư điện tử, điện thoại", (11, 12), align="left"),
    "page_number": Rule("Số trang", (13, 14)),
})

# The Decree's example column (Part I, §V, the sizes used in its own samples).
EXAMPLE_SIZES = MappingProxyType({
    "national_title": 12, "motto": 13, "governing_body": 12, "issuer": 12, "number": 13, "place_date": 13,
    "kind": 14, "summary": 14, "letter_summary": 12, "urgency": 13, "recipients": 14, "preamble": 14,
    "heading1": 14, "heading2": 14, "body": 14, "table": 13, "signer_authority": 14, "signer_name": 14,
    "copies_label": 12, "copies": 11, "contacts": 11, "page_number": 13,
})

UPPER_SIZES = MappingProxyType(EXAMPLE_SIZES | {
    "national_title": 13, "motto": 14, "governing_body": 13, "issuer": 13, "place_date": 14,
    "letter_summary": 13, "page_number": 14,
})


@dataclass(frozen=True)
class Margins:
    """Page margins in mm (Part I, §I: top and bottom 20–25, left 30–35, right 15–20)."""

    top: float = 20
    bottom: float = 20
    left: float = 30
    right: float = 15

    LIMITS = MappingProxyType({"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)})


@dataclass(frozen=True)
class Profile:
    """One choice of sizes inside the Decree's ranges plus the page geometry (lengths in mm)."""

    name: str
    sizes: MappingProxyType
    margins: Margins = field(default_factory=Margins)
    page: tuple[float, float] = (210, 297)  # A4 portrait
    header_columns: tuple[float, float] = (65, 100)  # agency | national title, = the text width
    header_distance: float = 10  # top edge to the page-number line
    footer_distance: float = 10
    first_line_indent: float = 12.7  # 1.27 cm (the Decree allows 1 cm or 1.27 cm)
    paragraph_after: float = 6  # pt, the Decree asks for at least 6 pt
    line_spacing: float = 1.15  # single to 1.5 lines
    signature_space: float = 72  # pt left blank between the position and the name for the signature

    def __post_init__(self) -> None:
        missing = set(RULES) - set(self.sizes)
        if missing:
            raise ValueError(f"profile {self.name}: no size for {', '.join(sorted(missing))}")
        for element, size in self.sizes.items():
            low, high = RULES[element].sizes
            if not low <= size <= high:
                raise ValueError(f"profile {self.name}: {element} at {size} pt is outside the Decree's {low}–{high} pt")
        for side, (low, high) in Margins.LIMITS.items():
            if not low <= getattr(self.margins, side) <= high:
                raise ValueError(f"profile {self.name}: {side} margin outside the Decree's {low}–{high} mm")
        if abs(sum(self.header_columns) - self.text_width) > 0.01:
            raise ValueError(f"profile {self.name}: header columns must add up to the text width")

    @property
    def text_width(self) -> float:
        return self.page[0] - self.margins.left - self.margins.right

    def style(self, element: str) -> TextStyle:
        rule = RULES[element]
        return TextStyle(self.sizes[element], rule.bold, rule.italic, rule.upper, rule.align)


PROFILES = MappingProxyType({
    "12/13": Profile("12/13", EXAMPLE_SIZES),
    "13/14": Profile("13/14", UPPER_SIZES),
})
DEFAULT_PROFILE = "12/13"


def profile(name: str | None = None) -> Profile:
    """The named profile; an unknown name raises with the known ones."""
    key = name or DEFAULT_PROFILE
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"unknown layout profile {key!r}: use one of {', '.join(PROFILES)}") from None
