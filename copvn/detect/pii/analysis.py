"""`find` (every finding in a text, overlaps resolved) and `analyse` (findings, persons, child decision and
redaction), with the finders that need more than one pattern: family, health and schools."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left

from .folding import key
from .model import Finding, _Text
from .patterns import HEALTH_TERM, HEALTH_TRIGGER, NUMBER_KEYS, PATTERNS, SCHOOL, SELF_TRIGGERING, WRITTEN
from .persons import _coreference, _decide, _group, _names, name_syllables
from .places import _addresses
from .redaction import redact


def _number(text: str) -> int | None:
    text = key(text)
    return int(text) if text.isdigit() else NUMBER_KEYS.get(text)


def find(text: str) -> list[Finding]:
    t = _Text(text)
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(t.folded):
            start, end = m.span()
            value = None
            if kind == "age":
                value = 0 if m.group(2) else _number(next(g for g in (m.group(1), m.group(3), m.group(4)) if g))
            elif kind == "birth_year":
                value = int(m.group(1))
            elif kind == "class":
                value = int(m.group(1)) if m.group(1) else NUMBER_KEYS.get(m.group(2).lower()) if m.group(2) else 0
            elif kind in ("national_id", "student_id"):
                start, end = m.span(1)
            first = key(t.folded[start:end]).split(" ")[0]
            if first in WRITTEN and not t.written(start, start + len(first), WRITTEN[first]):
                continue
            if kind == "family" and not _family_ok(t, m):
                continue
            found.append(t.finding(kind, start, end, value=value))
    found += _health(t) + _schools(t) + _addresses(t) + _names(t)
    return _without_overlaps(found)


def _family_ok(t: _Text, m: re.Match) -> bool:
    """"bà Trương Thị Mai" is a title, not a grandmother: a bare one-word relation needs "tên", "của" or a comma."""
    head = m.group(0).split()[0].lower()
    if head == "con":  # "còn chị T." is "while Ms T.", not a child of hers
        return t.written(m.start(), m.start() + 3, "con")
    if head not in ("ba", "ong"):
        return True
    if not re.search(r"(?i)\b(?:ten|cua)\b|,", m.group(0)):
        return False  # "ông là chị Thanh": "ông" is "he", not a grandfather
    return t.plain or t.written(m.start(), m.start() + len(head), {"ba": "bà", "ong": "ông"}[head])


def _health(t: _Text) -> list[Finding]:
    found = []
    for m in HEALTH_TERM.finditer(t.folded):
        before = re.split(r"[.;!?()]", t.folded[max(0, m.start() - 40):m.start()])[-1]
        if key(m.group(0)).startswith(SELF_TRIGGERING) or HEALTH_TRIGGER.search(before) or re.search(
                r"(?i)\b(?:bi|mac|nhiem|benh|chung)\b", before):
            found.append(t.finding("health", *m.span()))
    return found


def _schools(t: _Text) -> list[Finding]:
    found = []
    for m in SCHOOL.finditer(t.folded):
        words = list(re.finditer(r"[\w'&]+", m.group(3)))
        keep = 0
        for i, w in enumerate(words):
            word = w.group(0)
            if word[0].isupper() or word.isdigit() or (key(word) in name_syllables() and not any(
                    x[0].isupper() for x in (v.group(0) for v in words[:i]))):
                keep = i + 1
            else:
                break
        if keep:
            end = m.start(3) + words[keep - 1].end()
            found.append(t.finding("school", m.start(), end))
    return found


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Longest first; a finding inside a longer one of another kind is kept only for ages, years and classes
    (they carry the evidence), names inside schools, addresses or family are dropped. Only the neighbours of a
    finding are compared, so a long text stays linear."""
    longest = max((f.end - f.start for f in found), default=0)
    starts: list[int] = []
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        near = kept[bisect_left(starts, f.start - longest):bisect_left(starts, f.end)]
        inside = [k for k in near if k.start <= f.start and f.end <= k.end]
        if inside and (f.type in ("name", "address") or any(k.type == f.type for k in inside)) and not (
                f.type == "name" and all(k.type == "family" for k in inside)):  # a relative's name stays a name
            continue
        if any(k.start < f.end and f.start < k.end and not (k.start <= f.start and f.end <= k.end)
               and (k.type == f.type or {k.type, f.type} <= {"name", "address", "school"}) for k in near):
            continue
        at = bisect_left(starts, f.start)
        starts.insert(at, f.start)
        kept.insert(at, f)
    return kept


def article_text(html: str) -> str:
    from ..page import extract_text

    return extract_text(html)


def analyse(text: str, date: dt.date | None = None) -> dict:
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if re.match(r"\s*<(?:!doctype|html|body|article|div|p)\b", text, re.I):
        text = article_text(text)
    date = date or dt.date.today()
    found = find(text)
    persons = _group(text, found)
    found = _coreference(text, found, persons)
    mine: dict[int, list[Finding]] = {}
    for f in found:
        if f.person is not None:
            mine.setdefault(f.person, []).append(f)
    for index, person in enumerate(persons):
        _decide(person, mine.get(index, []), index, date)
    return {
        "persons": [{"child": p.child, "minor": p.minor, "evidence": p.evidence,
                     "mentions": [list(m) for m in sorted(p.mentions)]} for p in persons],
        "findings": [{"type": f.type, "start": f.start, "end": f.end, "text": f.text, "person": f.person} for f in found],
        "redacted": redact(text, found, persons),
        "text": text,
    }
