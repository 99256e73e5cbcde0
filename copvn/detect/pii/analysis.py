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

LEGAL_THRESHOLD = re.compile(r"(?i)(?:\b(?:nguoi|tre em|tre|do tuoi|lua tuoi|nhom tuoi)\s+(?:tu\s+)?(?:du|duoi|tren|chua du|tu)"
                             r"|\bden (?:duoi|du))\s*$")


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
            if kind == "age" and LEGAL_THRESHOLD.search(t.folded, max(0, start - 40), start):
                continue  # "người dưới 16 tuổi", "từ đủ 13 tuổi đến dưới 16 tuổi": the law's ages, nobody's
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
    found = _without_overlaps(found)
    return [f for f in found if f.type != "address" or _residence(text, f, found)]


# A place is private information when it is where a person lives or comes from: after a word that says so
# ("trú", "ngụ", "quê", "sống", "nhà ở"…), inside the brackets that follow a person ("(7 tuổi, trú xã …)",
# "(SN 2018, thôn …)"), after "ở"/"tại" right after a person, or an address down to the house. The commune
# whose police speak, the road where an accident happened and the school's district are not.
RESIDENCE_CUE = re.compile(r"(?:\b(?:tru|ngu|que|que quan|nguyen quan|song|sinh song|thuong tru|tam tru|cu tru|"
                           r"ho khau(?: thuong tru)?|nha o|nha rieng|den tu|cu dan|nha|o cung|cung tru|cung ngu|"
                           r"dia chi|gia dinh o|gia dinh song|lon len|sinh ra|ve que|que nha|song(?: [a-z]+){1,5}|"
                           r"(?:gia dinh|nha)(?: [a-z]+){1,5})(?:\s+(?:tai|o|cung|tren|duoi))?)\s*:?\s*$")
WEAK_CUE = re.compile(r"\b(?:o|tai)\s*$")
HOUSE = re.compile(r"(?i)^(?:nha so|so nha|can ho|phong \d|toa|chung cu|khu tap the|to dan pho|ngo|ngach|hem|kiet)\b")


def _residence(text: str, f: Finding, found: list[Finding]) -> bool:
    before = key(text[max(0, f.start - 60):f.start])
    clause = re.split(r"[.;!?]", before)[-1]
    if RESIDENCE_CUE.search(clause) or HOUSE.match(key(f.text)):
        return True
    person = [g for g in found if g.type in ("name", "age", "birth_year") and g.end <= f.start
              and f.start - g.end <= 45 and not re.search(r"[.;!?]", text[g.end:f.start])]
    opened = text.rfind("(", 0, f.start)
    if opened >= 0 and ")" not in text[opened:f.start] and f.start - opened <= 45:
        inside = [g for g in person if g.start > opened]
        named_before = any(g.type == "name" and 0 <= opened - g.end <= 2 for g in found)
        if inside or named_before:
            return True  # "(7 tuổi, trú xã …)", "Nguyễn Văn A (xã …)"
    return bool(WEAK_CUE.search(clause) and person)


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


def _shared(text: str, found: list[Finding]) -> dict[int, list[Finding]]:
    """"A, B và C (cùng 15 tuổi)", "… (cùng học lớp 6)": an age, birth year or class said once for several
    persons named before it in the sentence counts as evidence for each of them (not as their finding)."""
    from dataclasses import replace

    out: dict[int, list[Finding]] = {}
    for f in found:
        if f.type not in ("age", "birth_year", "class") or not re.search(r"(?i)\bcùng(?:\s+(?:học|là|sinh))?\s*$",
                                                                          text[max(0, f.start - 12):f.start]):
            continue
        sentence_start = max(text.rfind(". ", 0, f.start), text.rfind("; ", 0, f.start), 0)
        for g in found:
            if g.type == "name" and g.person is not None and sentence_start <= g.start < f.start \
                    and g.person != f.person:
                out.setdefault(g.person, []).append(replace(f, person=g.person))
    return out


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
    for index, shared in _shared(text, found).items():
        mine.setdefault(index, []).extend(shared)
    for index, person in enumerate(persons):
        _decide(person, mine.get(index, []), index, date)
    return {
        "persons": [{"child": p.child, "minor": p.minor, "evidence": p.evidence,
                     "mentions": [list(m) for m in sorted(p.mentions)]} for p in persons],
        "findings": [{"type": f.type, "start": f.start, "end": f.end, "text": f.text, "person": f.person} for f in found],
        "redacted": redact(text, found, persons),
        "text": text,
    }
