"""The fixed wording of an official document in Vietnamese and in English, and how numbers, dates and
lists are written (Decree 30/2020/NĐ-CP, Appendix I, Part I §II)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_TITLE_EN = "SOCIALIST REPUBLIC OF VIET NAM"
MOTTO_EN = "Independence - Freedom - Happiness"

LABELS = {
    "vi": {"number": "Số:", "to": "Kính gửi:", "copies": "Nơi nhận:", "archive": "Lưu", "letter": "V/v ",
           "phone": "Điện thoại", "fax": "Fax", "email": "Email", "website": "Website"},
    "en": {"number": "No.:", "to": "To:", "copies": "Copies to:", "archive": "Archive", "letter": "Re: ",
           "phone": "Tel", "fax": "Fax", "email": "Email", "website": "Website"},
}
LANGUAGE_TAGS = {"vi": "vi-VN", "en": "en-GB"}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def labels(language: str) -> dict[str, str]:
    try:
        return LABELS[language]
    except KeyError:
        raise ValueError(f"unsupported document language {language!r}: use 'vi' or 'en'") from None


def number_line(number: str | int, symbol: str, language: str = "vi") -> str:
    """`Số: 05/BC-UBND`: numbers below 10 get a leading 0; an empty number leaves room for the clerk,
    who assigns it after signing."""
    text = str(number).strip()
    if text.isdigit() and int(text) < 10:
        text = f"{int(text):02d}"
    if not text:
        text = "\u00a0" * 8
    tail = f"/{symbol.strip()}" if symbol.strip() else ""
    return f"{labels(language)['number']} {text}{tail}"


def date_line(place: str, date: dt.date, language: str = "vi") -> str:
    """`Khánh Hòa, ngày 05 tháng 02 năm 2026`: days below 10 and the months 1 and 2 get a leading 0."""
    if language == "en":
        return f"{place}, {date.day:02d} {MONTHS_EN[date.month - 1]} {date.year}"
    labels(language)
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def letter_summary(summary: str, language: str = "vi") -> str:
    """The trích yếu of a công văn starts with `V/v` (or `Re:` in English)."""
    prefix = labels(language)["letter"]
    text = summary.strip()
    return text if text.lower().startswith(prefix.strip().lower()) else f"{prefix}{text}"


def punctuated(items: Iterable[str]) -> list[str]:
    """List lines end with `;`, the last with `.`; whatever punctuation they came with is replaced."""
    cleaned = [item.strip().rstrip(";.,").rstrip() for item in items if item and item.strip()]
    return [f"{text}{'.' if n == len(cleaned) - 1 else ';'}" for n, text in enumerate(cleaned)]


def copies_lines(copies_to: Iterable[str], archive: str, language: str = "vi") -> list[str]:
    """The `Nơi nhận` list: `- Name;` per line, the last `- Lưu: VT, <unit>.`"""
    items = list(copies_to)
    if archive.strip():
        items.append(f"{labels(language)['archive']}: {archive.strip()}")
    return [f"- {line}" for line in punctuated(items)]


def contact_lines(address: str, phone: str, fax: str, email: str, website: str, language: str = "vi") -> list[str]:
    """The page-1 footer: the address on its own line, then the ways to reach the agency."""
    words = labels(language)
    reach = [f"{words[key]}: {value.strip()}" for key, value in
             (("phone", phone), ("fax", fax), ("email", email), ("website", website)) if value.strip()]
    return [line for line in (address.strip(), "; ".join(reach)) if line]


def roman(number: int) -> str:
    """Roman numerals for sections (I, II, …) and appendices."""
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        out += numeral * count
    return out
