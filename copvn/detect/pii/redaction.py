"""The suggested redaction: a child's name to initials, their birth year, school, class, exact address, contacts, ids
and family removed, every other character kept."""

from __future__ import annotations

from .model import Finding, Person
from .patterns import ADULT_TITLE_WORDS, CHILD_TITLE_WORDS, NEUTRAL_TITLE_WORDS


def initials(name: str) -> str:
    """"Nguyễn Thị Lan" → "N.T.L."; "em Lan" → "em L."; a title is kept, initials stay as they are."""
    words = name.split()
    title: list[str] = []
    for size in (3, 2, 1):
        if len(words) > size and " ".join(words[:size]).lower() in CHILD_TITLE_WORDS | ADULT_TITLE_WORDS | NEUTRAL_TITLE_WORDS:
            title, words = words[:size], words[size:]
            break
    letters = "".join(w if "." in w else w[0].upper() + "." for w in words)  # "B.K" stays "B.K"
    return " ".join([*title, letters]) if title else letters


REMOVED = "[đã lược bỏ]"


def redact(text: str, found: list[Finding], persons: list[Person]) -> str:
    """Children's names to initials; their school, class, exact address, phone, ids, e-mail and handles removed;
    everything else kept byte for byte."""
    children = {i for i, p in enumerate(persons) if p.child}
    removable = {"school", "class", "address", "birth_year", "phone", "national_id", "student_id", "email",
                 "social_handle", "family"}
    out, cursor = [], 0
    for f in found:
        if f.start < cursor:
            continue
        touches_child = f.person in children or (f.person is None and children and f.type in removable - {"class", "school"})
        if f.type == "name" and f.person in children:
            replacement = initials(f.text)
        elif f.type in removable and touches_child:
            replacement = REMOVED
        else:
            continue
        gap = text[cursor:f.start]
        if replacement == REMOVED and out and out[-1] == REMOVED and gap.strip() in ("", ","):
            cursor = f.end  # "[đã lược bỏ] [đã lược bỏ]" for a class and a school side by side: one
            continue
        out.append(gap)
        out.append(replacement)
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)
