"""Text widths in Times New Roman, to size the short rules the Decree asks for.

Advance widths (1/1000 em) are those of Adobe's Times AFM, which Times New Roman and Liberation Serif share.
A Vietnamese letter is measured as its base letter; the horned Ơ Ư ơ ư are a little wider. Kerning is
ignored, so widths are within about 2% of what a word processor lays out — enough for a rule that only
has to be a third to a half of its text.
"""

from __future__ import annotations

import unicodedata

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_WIDTHS = {
    False: dict(
        zip(_UPPER, (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667,
                     556, 611, 722, 722, 944, 722, 722, 611), strict=True),
        **dict(zip(_LOWER, (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500,
                            333, 389, 278, 500, 500, 722, 500, 500, 444), strict=True)),
    ),
    True: dict(
        zip(_UPPER, (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722,
                     556, 667, 722, 722, 1000, 722, 722, 667), strict=True),
        **dict(zip(_LOWER, (500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556,
                            444, 389, 333, 556, 500, 722, 500, 500, 444), strict=True)),
    ),
}
_PUNCTUATION = {" ": 250, "-": 333, ",": 250, ".": 250, ":": 300, ";": 300, "/": 278, "(": 333, ")": 333}
_HORN = 50  # Ơ Ư ơ ư: the horn widens the letter
_PT_TO_MM = 25.4 / 72


def _base(char: str) -> str:
    if char in "Đđ":
        return "D" if char == "Đ" else "d"
    return unicodedata.normalize("NFD", char)[0]


def char_width(char: str, bold: bool = False) -> int:
    """Advance width of one character in 1/1000 em."""
    if char.isdigit():
        return 500
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    horn = _HORN if "\u031b" in unicodedata.normalize("NFD", char) else 0
    return _WIDTHS[bold].get(_base(char), 500) + horn


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of `text` on one line at `size_pt`, in millimetres."""
    return sum(char_width(c, bold) for c in text) / 1000 * size_pt * _PT_TO_MM
