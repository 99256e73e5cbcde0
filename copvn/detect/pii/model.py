"""Findings, persons, and the text as read: the text as given, its folded form and the way back."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field

from .folding import fold, key
from .patterns import STRICT_PLAIN


@dataclass
class Finding:
    type: str
    start: int
    end: int
    text: str
    person: int | None = None
    value: int | None = None  # an age, a birth year or a grade
    title: str = ""


@dataclass
class Person:
    mentions: list[tuple[int, int]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    child: bool | None = None
    minor: bool | None = None
    name: str = ""
    key: str = ""


class _Text:
    """The text as given, its folded form and the way back."""

    def __init__(self, text: str):
        self.text = text
        self.folded, self._source = fold(text)
        letters = [c for c in text if c.isalpha()]
        self.plain = sum(c > "\x7f" for c in letters) < max(1, len(letters)) * 0.02  # written without diacritics

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._source is None:
            return start, end
        if start >= len(self._source):
            return len(self.text), len(self.text)
        last = self._source[end - 1] + 1 if end > start else self._source[start]
        while last < len(self.text) and 0x300 <= ord(self.text[last]) < 0x370:
            last += 1  # keep the marks of the last letter
        return self._source[start], last

    def finding(self, kind: str, start: int, end: int, **extra) -> Finding:
        a, b = self.span(start, end)
        return Finding(kind, a, b, self.text[a:b], **extra)

    def written(self, start: int, end: int, form: str) -> bool:
        """The folded span [start, end) is written as `form` (or the text has no diacritics at all)."""
        a, b = self.span(start, end)
        written = " ".join(unicodedata.normalize("NFC", self.text[a:b]).lower().split())
        if written == form:
            return True
        if written != key(form):
            return False  # the same letters with other marks: another word
        return self.plain or key(form) not in STRICT_PLAIN


class _Spans:
    """Taken spans, sorted, for overlap checks in logarithmic time."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.longest = max((b - a for a, b in self.spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        lo = bisect_left(self.starts, start - self.longest)
        return any(a < end and start < b for a, b in self.spans[lo:bisect_left(self.starts, end)])
