"""Normalising Vietnamese social-media text, keeping a map back to the original offsets.

Steps, in order (each tested in tests/test_text_normalise.py):
1. Unicode NFC (decomposed input such as "hoà" typed with combining marks becomes precomposed), lower case.
2. One tone-mark placement: the tone of an open syllable ending in oa/oe/uy goes on the first vowel
   ("hoà" → "hòa", "thuý" → "thúy", "khoẻ" → "khỏe"), the form most Vietnamese news sites use.
3. Letters written apart are joined: "n.g.u", "n g u", "n-g-u" → "ngu" (three or more single letters).
4. Digits used as letters inside words: "ng0" → "ngo", "d1t" → "dit", "ch3t" → "chet"; amounts and units
   such as "50k", "12h", "3g" are left alone.
5. Repeated letters collapsed: "đẹppppp" → "đẹp", "quáaaa" → "quá" (three or more of a letter, or a
   doubled consonant; a doubled vowel such as "xoong" stays).
6. Teencode and abbreviations expanded on whole tokens: "ko" → "không", "đc" → "được", "ny" → "người yêu"
   (copvn/detect/text/data/teencode.tsv, extendable; or another table given to `Normaliser`).
7. Emoji and other symbols stay, each as its own token.

`Normalised.plain` is the same text without diacritics ("mày ngu" → "may ngu"), character for character, so
that a match found in either form maps back through `Normalised.source_span` to the input as given.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_BASE = {}
for _ch in "àáảãạăằắẳẵặâầấẩẫậ":
    _BASE[_ch] = "a"
for _group, _base in [("èéẻẽẹêềếểễệ", "e"), ("ìíỉĩị", "i"), ("òóỏõọôồốổỗộơờớởỡợ", "o"),
                      ("ùúủũụưừứửữự", "u"), ("ỳýỷỹỵ", "y"), ("đ", "d")]:
    for _ch in _group:
        _BASE[_ch] = _base
_STRIP = str.maketrans(_BASE)

# vowel -> (toneless vowel, tone index); tone 0 none, 1 grave, 2 acute, 3 hook, 4 tilde, 5 dot
_TONES = {}
for _row in ["aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ",
             "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ"]:
    for _i, _ch in enumerate(_row):
        _TONES[_ch] = (_row, _i)

SPACED = r"(?P<spaced>(?<![^\W\d_])[^\W\d_](?P<sep>[.*_\- ])[^\W\d_](?:(?P=sep)[^\W\d_])+(?![^\W\d_]))"
WORDS = r"(?P<word>[^\W_]+)|(?P<other>[\W_]+?(?=[^\W_]|$)|[\W_]+)"
TOKEN = re.compile(SPACED + "|" + WORDS, re.S)
WORD_ONLY = re.compile(r"(?P<word>[^\W_]+)")
HAS_SPACED = re.compile(SPACED, re.S)
UNIT = re.compile(r"^\d+[a-z]{0,3}$|^[a-z]\d+$")
DIGIT_AS_LETTER = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
VOWELS = set("aăâeêioôơuưy")


def strip_diacritics(text: str) -> str:
    return text.translate(_STRIP)


@lru_cache(maxsize=8)
def load_table(path: str) -> dict[str, str]:
    table = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            key, value = line.split("\t", 1)
            table[unicodedata.normalize("NFC", key.strip().lower())] = value.strip()
    return table


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    plain: str
    # One row per token: where it starts in `text`, the original span it came from, and whether its
    # characters map one to one (then offsets inside it map exactly, else to the whole original token).
    piece_starts: tuple[int, ...]
    pieces: tuple[tuple[int, int, bool], ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original input that produced text[start:end]."""
        if not self.pieces:
            return 0, 0
        return self._source(start, True), self._source(max(end - 1, start), False)

    def _source(self, position: int, opening: bool) -> int:
        index = max(bisect_right(self.piece_starts, position) - 1, 0)
        orig_start, orig_end, exact = self.pieces[index]
        if exact:
            offset = position - self.piece_starts[index]
            return orig_start + offset + (0 if opening else 1)
        return orig_start if opening else orig_end


class Normaliser:
    def __init__(self, table: str | Path | None = None, expand: bool = True):
        self.table = load_table(str(table or DATA / "teencode.tsv")) if expand else {}
        self._word = lru_cache(maxsize=200_000)(self._transform_word)

    def __call__(self, original: str) -> Normalised:
        nfc, origin = _nfc_with_origin(original)
        lowered = nfc.lower()
        if len(lowered) != len(nfc):  # a few letters change length when lower-cased: keep the map exact
            lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in nfc)
        changes: list[tuple[int, int, str]] = []
        pattern = TOKEN if HAS_SPACED.search(lowered) else WORD_ONLY

        def replace(match: re.Match) -> str:
            value = match.group()
            if match.lastgroup == "spaced":
                new = "".join(ch for ch in value if not (ch.isspace() or ch in ".*_-"))
            elif match.lastgroup == "word":
                new = self._word(value)
            else:
                return value
            if new != value:
                changes.append((match.start(), match.end(), new))
            return new

        text = pattern.sub(replace, lowered)
        piece_starts, pieces = _pieces(len(lowered), changes, origin)
        return Normalised(original, text, strip_diacritics(text), piece_starts, pieces)

    def _transform_word(self, word: str) -> str:
        word = _unify_tone(_collapse_repeats(_digits_as_letters(word)))
        return self.table.get(word, word)


def _pieces(length: int, changes, origin):
    """Offsets map: unchanged stretches map one to one; a changed token maps to its whole original span."""
    starts, pieces, position, cursor = [], [], 0, 0

    def unchanged(a: int, b: int, position: int) -> None:
        if origin is None:
            starts.append(position)
            pieces.append((a, b, True))
        else:  # input that was not NFC: one piece per character, each with its original cluster
            for offset, i in enumerate(range(a, b)):
                starts.append(position + offset)
                pieces.append((origin[i][0], origin[i][1], False))

    for a, b, new in changes:
        if a > cursor:
            unchanged(cursor, a, position)
            position += a - cursor
        starts.append(position)
        pieces.append(_span(a, b, origin, len(new) == b - a and not any(c in new for c in ". *_-")))
        position, cursor = position + len(new), b
    if cursor < length:
        unchanged(cursor, length, position)
    if not pieces:
        starts.append(0)
        pieces.append((0, 0, False))
    return tuple(starts), tuple(pieces)


def _span(a: int, b: int, origin, exact: bool) -> tuple[int, int, bool]:
    if origin is None:
        return a, b, exact
    if a >= b:
        return (origin[a][0], origin[a][0], False) if a < len(origin) else (0, 0, False)
    return origin[a][0], origin[b - 1][1], False


def _nfc_with_origin(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """NFC text and, when that changed anything, the original span of each NFC character (else None)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out, origin, i = [], [], 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch)
            origin.append((i, j))
        i = j
    return "".join(out), origin


def _digits_as_letters(word: str) -> str:
    if word.isalpha() or word.isdigit() or UNIT.match(word):
        return word
    letters = sum(ch.isalpha() for ch in word)
    return word.translate(DIGIT_AS_LETTER) if letters >= 2 else word


def _collapse_repeats(word: str) -> str:
    """Runs of one letter: three or more become one; two consonants become one; two vowels stay."""
    out, i = [], 0
    while i < len(word):
        base = _BASE.get(word[i], word[i])
        j = i + 1
        while j < len(word) and _BASE.get(word[j], word[j]) == base and word[j].isalpha():
            j += 1
        length = j - i
        if length >= 3 or (length == 2 and base not in VOWELS and base.isalpha()):
            out.append(word[i])
        else:
            out.append(word[i:j])
        i = j
    return "".join(out)


def _unify_tone(word: str) -> str:
    """hoà → hòa, thuý → thúy, khoẻ → khỏe: the tone of an open oa/oe/uy syllable on its first vowel."""
    if len(word) < 2:
        return word
    last, before = word[-1], word[-2]
    if last not in _TONES or before not in _TONES:
        return word
    (last_row, last_tone), (before_row, before_tone) = _TONES[last], _TONES[before]
    pair = before_row[0] + last_row[0]
    if last_tone == 0 or before_tone != 0 or pair not in {"oa", "oe", "uy"}:
        return word
    if pair == "uy" and len(word) >= 3 and word[-3] == "q":
        return word  # "quý": the u belongs to qu, the tone rightly sits on y
    return word[:-2] + before_row[last_tone] + last_row[0]
