"""Persons: name mentions (titles, family names, "tên là", initials, lower-case names that are name
syllables of data/given_names.txt), grouping mentions into persons, later mentions by given name alone, and
the child decision."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from .folding import key
from .model import Finding, Person, _Spans, _Text
from .patterns import (
    ADULT_TITLE_WORDS,
    BARE_GIVEN,
    BARE_INITIALS,
    CHILD_TITLE_WORDS,
    COMMON_WORDS,
    FAMILY_KEYS,
    FAMILY_NAMES,
    FULL_NAME,
    LONE_INITIAL,
    LOWER_TITLED_NAME,
    NAMED,
    NICKNAMES,
    NOT_A_BARE_NAME,
    NOT_A_NAME,
    NOT_A_NAME_PLAIN,
    PERSON_AFTER,
    PERSON_BEFORE,
    PLACE_BEFORE,
    PLACE_PREPOSITIONS,
    PLACE_WORDS,
    SENTENCE,
    STREET_WORDS,
    TITLE_FORMS,
    TITLED_NAME,
    YEAR_AFTER_NAME,
)
from .places import DATA, gazetteer


@lru_cache(maxsize=1)
def name_syllables() -> frozenset[str]:
    """Folded syllables of Vietnamese given and family names (for names written in lower case)."""
    return frozenset(key(w) for w in accented_syllables()) - {key(w) for w in COMMON_WORDS}


@lru_cache(maxsize=1)
def accented_syllables() -> frozenset[str]:
    """The same syllables as written, lower case ("lan", "thảo"), without common words."""
    words = {w.lower() for w in FAMILY_NAMES | NICKNAMES} | {"văn", "thị"}
    for line in (DATA / "given_names.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.update(unicodedata.normalize("NFC", line).lower().split())
    return frozenset(words - COMMON_WORDS)


def _names(t: _Text) -> list[Finding]:
    names: list[Finding] = []
    folded = t.folded
    units = gazetteer()
    for m in TITLED_NAME.finditer(folded):
        title = TITLE_FORMS[" ".join(m.group(1).lower().split())]
        if not t.written(m.start(1), m.end(1), title):
            continue  # "có", "Châu", "ba"… are other words
        if not _name_start_ok(t, m.start(2), m.group(2)):
            continue
        names.append(t.finding("name", m.start(), m.end(), title=title))
    for m in LOWER_TITLED_NAME.finditer(folded):
        a, b = t.span(m.start(2), m.end(2))
        written = unicodedata.normalize("NFC", t.text[a:b]).lower().split()
        syllables = name_syllables() if t.plain else accented_syllables()
        words = m.group(2).split(" ") if t.plain else written
        if len(words) != len(m.group(2).split(" ")) or not t.written(m.start(1), m.end(1), TITLE_FORMS.get(
                m.group(1), {"ban": "bạn", "con": "con"}.get(m.group(1), ""))):
            continue
        if key(words[0]) in FAMILY_KEYS and len(words) >= 3 and all(w in syllables for w in words[:3]):
            size = 3 + (len(words) > 3 and words[3] in syllables)
        elif m.group(1) in ("be", "chau") and words[0] in syllables and len(words[0]) > 1 and (
                len(words) == 1 or words[1] not in syllables):
            size = 1
        else:
            continue
        end = m.start(2) + len(" ".join(words[:size]))
        title = m.group(1)
        names.append(t.finding("name", m.start() if title != "ban" else m.start(2), end,
                               title="" if title == "ban" else title))
    for m in NAMED.finditer(folded):
        if t.written(m.start(), m.start() + 3, "tên") and _name_start_ok(t, m.start(1), m.group(1)):
            names.append(t.finding("name", *m.span(1)))
    for m in BARE_INITIALS.finditer(folded):
        names.append(t.finding("name", *m.span()))
    for m in FULL_NAME.finditer(folded):
        before = folded[max(0, m.start() - 25):m.start()]
        place = PLACE_BEFORE.search(before)
        if place and t.written(m.start() - len(before) + place.start(1), m.start() - len(before) + place.end(1),
                               PLACE_WORDS[" ".join(place.group(1).lower().split())]):
            if key(m.group(1)) in units or PLACE_WORDS[" ".join(place.group(1).lower().split())] in STREET_WORDS:
                continue
        if key(m.group(1)) in units and not re.search(r"(?i)\b(?:ong|ba|anh|chi|em|chau|be)\s*$", before):
            continue  # "Hà Nội", "Lâm Đồng"
        if not _name_start_ok(t, m.start(1), m.group(1)):
            continue
        names.append(t.finding("name", *m.span(1)))
        after = YEAR_AFTER_NAME.match(folded, m.end())
        if after:
            names.append(t.finding("birth_year", *after.span(1), value=int(after.group(1))))
    names += _bare_mentions(t, names)
    for f in list(names):
        if f.type == "name":
            end = t.text.find(f.text, f.start) + len(f.text)
            after = YEAR_AFTER_NAME.match(t.text, end)
            if after and not any(n.type == "birth_year" and n.start == after.start(1) for n in names):
                names.append(Finding("birth_year", after.start(1), after.end(1), after.group(1),
                                     value=int(after.group(1))))
    return names


@lru_cache(maxsize=1)
def bare_given() -> frozenset[str]:
    """The syllables a capitalised word standing alone may be a given name from (built once)."""
    return accented_syllables() | BARE_GIVEN


WORD_AT = re.compile(r"[^\W\d_][\w']*")
TITLE_WORDS = frozenset(t for t in TITLE_FORMS.values() if " " not in t)


def _bare_mentions(t: _Text, names: list[Finding]) -> list[Finding]:
    """A person named by a lone initial ("S. hẹn chở T. đi chơi") or by a given name alone, capitalised and
    standing by itself ("Danh dụ dỗ bé", "bị An và Lành bạo hành"), outside the spans already found."""
    if t.plain:
        return []  # without diacritics a capital alone says too little
    taken = _Spans((f.start, f.end) for f in names)
    text, extra = t.text, []
    for m in LONE_INITIAL.finditer(text):
        before = text[max(0, m.start() - 3):m.start()]
        after = text[m.end(1):m.end(1) + 3].lstrip()
        if after[:1].isalpha() and not after[:1].islower():
            continue  # "P. Phước Mỹ", "TP. Huế": an abbreviation before a name
        if not taken.overlaps(*m.span(1)) and not re.search(r"[A-ZĐ]\.?\s*$", before):
            extra.append(Finding("name", *m.span(1), m.group(1)))
    given, units = bare_given(), gazetteer()
    words = list(WORD_AT.finditer(text))

    def capital_given(m) -> bool:
        word = m.group(0)
        return len(word) >= 2 and word[0].isupper() and word[1:].lower() == word[1:] and word.lower() in given \
            and word.lower() not in TITLE_WORDS  # "Anh thấy em…": a pronoun, not a person named Anh

    i = 0
    while i < len(words):
        m = words[i]
        if not capital_given(m) or taken.overlaps(m.start(), m.end()):
            i += 1
            continue
        last = i + 1 if i + 1 < len(words) and text[m.end():words[i + 1].start()] == " " and capital_given(
            words[i + 1]) and not taken.overlaps(words[i + 1].start(), words[i + 1].end()) else i  # "Quỳnh Anh"
        run = text[m.start():words[last].end()]
        prev = words[i - 1] if i else None
        nxt = words[last + 1] if last + 1 < len(words) else None
        i = last + 1
        gap_before = text[prev.end():m.start()] if prev else ""
        gap_after = text[words[last].end():nxt.start()] if nxt else ""
        starts_sentence = prev is None or bool(re.search(r"[.!?:…\n\"“]\s*$", gap_before))
        if prev is not None and gap_before.strip() == "" and prev.group(0)[0].isupper() and not starts_sentence:
            continue  # inside a run of capitalised words: a place or a full name
        if nxt is not None and gap_after.strip() in ("", "-") and nxt.group(0)[0].isupper():
            continue
        if nxt is not None and gap_after.strip() == "" and key(f"{words[last].group(0)} {nxt.group(0)}") in NOT_A_BARE_NAME:
            continue
        if prev is not None and gap_before.strip() in ("", ",") and prev.group(0).lower() in PLACE_PREPOSITIONS:
            continue
        if key(run) in units:
            continue
        after_ok = nxt is not None and gap_after.strip() == "" and nxt.group(0).lower() in PERSON_AFTER
        before_ok = prev is not None and gap_before.strip() == "" and prev.group(0).lower() in PERSON_BEFORE
        if not (after_ok or before_ok):
            continue
        extra.append(Finding("name", m.start(), words[last].end(), run))
    return extra


def _name_start_ok(t: _Text, start: int, name: str) -> bool:
    first = name.split()[0]
    a, b = t.span(start, start + len(first))
    written = unicodedata.normalize("NFC", t.text[a:b]).lower()
    if key(name).startswith("thanh pho") or key(name).startswith("thanh vien"):
        return False  # "Thành phố", "Thành viên"; "cháu Thành" is a name
    if t.plain:
        return key(first) not in NOT_A_NAME_PLAIN
    return written not in NOT_A_NAME


def _name_key(finding: Finding) -> str:
    words = finding.text.split()
    if finding.title and words and key(" ".join(words[:len(finding.title.split())])) == key(finding.title):
        words = words[len(finding.title.split()):]
    return key(words[-1]).strip(".") if words else ""


def _group(text: str, found: list[Finding]) -> list[Person]:
    """Each name starts or joins a person (same given name); other findings join the person named last in the
    same sentence, or the only person so far."""
    persons: list[Person] = []
    keys: dict[str, int] = {}
    sentence_starts = [m.start() for m in SENTENCE.finditer(text)]

    def sentence_of(position: int) -> int:
        return bisect_right(sentence_starts, position) - 1

    last: tuple[int, int] | None = None  # (person, sentence)
    relatives = [(f.start, f.end) for f in found if f.type == "family"]
    for f in found:
        if f.type == "name" and any(a <= f.start and f.end <= b for a, b in relatives):
            continue  # a relative's name inside "bố của em là anh …": part of the child's family finding
        if f.type == "name":
            name_key = _name_key(f)
            if name_key not in keys:
                keys[name_key] = len(persons)
                persons.append(Person(name=f.text, key=name_key))
            f.person = keys[name_key]
            persons[f.person].mentions.append((f.start, f.end))
            title = f.title
            if title in CHILD_TITLE_WORDS:
                persons[f.person].evidence.append(f"title:{title}")
            elif title in ADULT_TITLE_WORDS:
                persons[f.person].evidence.append(f"adult-title:{title}")
            last = (f.person, sentence_of(f.start))
        elif last is not None and (last[1] == sentence_of(f.start) or len(persons) == 1):
            f.person = last[0]
            persons[f.person].mentions.append((f.start, f.end))
    return persons


COREFERENCE_WINDOW = 3000  # characters after a person's last mention where the given name alone still means them


def _coreference(text: str, found: list[Finding], persons: list[Person]) -> list[Finding]:
    """Later mentions of a person by given name alone ("Hà hiện đã nghỉ học"), capitalised as written, within
    a few paragraphs of the last mention."""
    taken = _Spans((f.start, f.end) for f in found)
    by_given: dict[str, int] = {}
    last_seen: dict[int, int] = {}
    events = sorted((f.start, f.person) for f in found if f.type == "name" and f.person is not None)
    extra, upcoming = [], 0
    for m in re.finditer(r"(?<![\w.])[^\W\d_][\w]*", text):
        while upcoming < len(events) and events[upcoming][0] <= m.start():
            index = events[upcoming][1]
            upcoming += 1
            person = persons[index]
            last_seen[index] = m.start()
            given = person.name.split()[-1]
            if len(person.key) >= 2 and "." not in person.name and given[:1].isupper():
                by_given[given] = index
        index = by_given.get(m.group(0))
        if index is None or m.start() - last_seen.get(index, -COREFERENCE_WINDOW) > COREFERENCE_WINDOW:
            continue
        if taken.overlaps(m.start(), m.end()):
            continue
        before, after = text[max(0, m.start() - 12):m.start()], text[m.end():m.end() + 4]
        if (len(after) > 1 and after[0].isspace() and after[1].isupper()) or re.match(r"\s(?:ấy|ta)\b", after):
            continue  # part of another name, or "Anh ấy"
        if re.search(r"(?i)(?:đường|phố|trường|phường|xã|huyện|tỉnh)\s*$", before):
            continue
        extra.append(Finding("name", m.start(), m.end(), m.group(0), person=index))
        persons[index].mentions.append(m.span())
        last_seen[index] = m.start()
    return sorted(extra + found, key=lambda f: (f.start, f.end))


def _decide(person: Person, found: list[Finding], index: int, date: dt.date) -> None:
    """Child, minor or adult from the person's own findings (`found` holds them, maybe with others)."""
    ages = [f.value for f in found if f.person == index and f.type == "age" and f.value is not None]
    ages += [date.year - f.value for f in found if f.person == index and f.type == "birth_year" and f.value]
    grades = [f.value for f in found if f.person == index and f.type == "class" and f.value is not None]
    for age in ages:
        person.evidence.append(f"age:{age}")
    for grade in grades:
        person.evidence.append(f"grade:{grade}")
    if any(f.person == index and f.type == "school" for f in found):
        person.evidence.append("school")
    adult = any(e.startswith("adult-title:") for e in person.evidence)
    if adult:  # "ông", "chị"…: an age under 16 near them is someone else's ("chị Hoa đăng ảnh con gái 5 tuổi")
        for f in found:
            if f.person == index and f.type in ("age", "birth_year") and f.value is not None and (
                    f.value if f.type == "age" else date.year - f.value) < 16:
                f.person = None
                person.mentions.remove((f.start, f.end))
        person.child, person.minor = False, any(16 <= age < 18 for age in ages) and all(age < 18 for age in ages)
    elif ages:
        age = min(ages)
        person.child, person.minor = age < 16, age < 18
    elif grades:
        grade = min(grades)
        person.child, person.minor = grade <= 9, grade <= 12
    elif any(e.startswith("title:") for e in person.evidence) or "school" in person.evidence:
        person.child, person.minor = True, True
