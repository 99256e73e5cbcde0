"""Folding: Vietnamese text without diacritics (case kept, đ→d), with the way back to the source characters,
and `key`, the folded lower-case form that names and units are compared in."""

from __future__ import annotations

import unicodedata

_FOLD = {}
for _group, _base in [("àáảãạăằắẳẵặâầấẩẫậ", "a"), ("èéẻẽẹêềếểễệ", "e"), ("ìíỉĩị", "i"),
                      ("òóỏõọôồốổỗộơờớởỡợ", "o"), ("ùúủũụưừứửữự", "u"), ("ỳýỷỹỵ", "y"), ("đ", "d")]:
    for _ch in _group:
        _FOLD[ord(_ch)] = _base
        _FOLD[ord(_ch.upper())] = _base.upper()
for _mark in range(0x300, 0x370):
    _FOLD[_mark] = None
_FOLD_TABLE = str.maketrans({chr(k): v for k, v in _FOLD.items()})


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text without diacritics (case kept) and, when lengths differ (combining marks), the index of the
    source character of every folded character; None means the identity."""
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text):
        return folded, None
    source = [i for i, ch in enumerate(text) if not 0x300 <= ord(ch) < 0x370]
    return folded, source


def key(text: str) -> str:
    """Folded, lower-cased, one space between words: the form names and units are compared in."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).lower().replace("'", "").split())
