"""What an official document says, independent of how it is laid out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

LETTER = "CÔNG VĂN"  # the kind without a title: its trích yếu goes under the number
URGENCY_MARKS = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")


@dataclass(frozen=True)
class Heading:
    """`I. TITLE` at level 1 (upper case, bold), `1. Title` at level 2 (bold), numbered in order."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2):
            raise ValueError("a heading is level 1 (I, II, …) or level 2 (1, 2, …)")


@dataclass(frozen=True)
class Paragraph:
    """Justified text with a first-line indent; one paragraph, no line breaks inside."""

    text: str
    italic: bool = False


@dataclass(frozen=True)
class Bullet:
    """A `- …` item."""

    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table whose header row repeats on every page; widths in mm, or equal columns."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None

    def __post_init__(self) -> None:
        if any(len(row) != len(self.header) for row in self.rows):
            raise ValueError("every table row needs one cell per header column")
        if self.widths is not None and len(self.widths) != len(self.header):
            raise ValueError("a table needs one width per column")


Block = Heading | Paragraph | Bullet | Table


@dataclass(frozen=True)
class Signer:
    """The signature block: `KT. GIÁM ĐỐC` / `PHÓ GIÁM ĐỐC` / space for the signature / the full name."""

    position: str
    name: str = ""
    authority: str = ""  # TM., KT., TL., TUQ., Q. with the head's title; empty when signing in one's own right


@dataclass(frozen=True)
class Contacts:
    """The agency's address and ways to reach it, printed at the foot of page 1."""

    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Document:
    """An official document in the Decree 30/2020 layout."""

    issuer: str
    place: str
    date: dt.date
    summary: str
    governing_body: str = ""
    number: str = ""  # empty: left blank for the clerk, who numbers after signing
    symbol: str = ""
    kind: str = LETTER
    recipients: Sequence[str] = ()
    preamble: Sequence[str] = ()
    body: Sequence[Block] = ()
    signer: Signer | None = None
    copies_to: Sequence[str] = ()
    archive: str = "VT"
    contacts: Contacts | None = None
    urgency: str = ""
    language: str = "vi"
    profile: str = "12/13"

    def __post_init__(self) -> None:
        if self.urgency and self.urgency.upper() not in URGENCY_MARKS:
            raise ValueError(f"unknown urgency mark {self.urgency!r}: use one of {', '.join(URGENCY_MARKS)}")
        if self.language not in ("vi", "en"):
            raise ValueError(f"unsupported document language {self.language!r}: use 'vi' or 'en'")

    @property
    def is_letter(self) -> bool:
        return self.kind.strip().upper() in (LETTER, "")
