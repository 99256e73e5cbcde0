"""Children's private information in Vietnamese text (Decree 56/2017 Art. 33): find it, tie it to persons,
decide who is a child, suggest a redaction. Framework-free.

`analyse(text, date)` returns {"persons", "findings", "redacted"} as `copvn pii` prints it. Offsets are into
the text as given (or into the article text extracted from HTML). Patterns work on the text as written;
names rely on capital letters, as news and most posts write them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .text.normalise import strip_diacritics

UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
WORD = f"[{UPPER}][{LOWER}]+"
NAME = f"{WORD}(?:\\s{WORD}){{0,3}}"
FAMILY_NAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Trương", "Lương", "Mai", "Cao", "Lâm", "Trịnh", "Tô", "Hà",
                "Châu", "Tạ", "Từ", "Kiều", "Thái", "Quách", "Văn", "Lưu", "La", "Phùng", "Tăng", "Chu", "Triệu"}
FAMILY_NAMES |= {strip_diacritics(n.lower()).capitalize() for n in FAMILY_NAMES}  # "Nguyen" as well as "Nguyễn"
CHILD_TITLES = r"(?:em|bé|cháu|học sinh|nữ sinh|nam sinh|học trò|con trai|con gái|thiếu niên|trẻ)"
NOT_A_PERSON_BEFORE = re.compile(r"(?:đường|phố|trường|thcs|thpt|tiểu học|mầm non|phường|xã|quận|huyện|tỉnh|"
                                 r"thành phố|cầu|chợ|bệnh viện|công viên|ngõ|hẻm|khu|thôn|ấp|làng|giải)\s*$", re.I)
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
                "mười một": 11, "mười hai": 12, "mười ba": 13, "mười bốn": 14, "mười lăm": 15}
AGE_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("phone", re.compile(r"(?<![\d])(?:\+84|0)(?:[\s.-]?\d){9,10}(?![\d])")),
    ("national_id", re.compile(r"(?i)(?:(?:cccd|căn cước(?: công dân)?|cmnd|cmt|số định danh)[:\s]*(?:số\s*)?)(\d{9}|\d{12})\b")),
    ("student_id", re.compile(r"(?i)(?:mã (?:số )?học sinh|mã hs|mshs|mã sinh viên|mssv)[:\s]*([A-Z0-9]{4,15})\b")),
    ("social_handle", re.compile(r"(?i)(?:facebook\.com/|fb\.com/|tiktok\.com/@|instagram\.com/|zalo\.me/)[\w.]{3,40}|"
                                 r"(?<![\w@])@[A-Za-z][\w.]{2,29}\b")),
    ("birth_year", re.compile(r"(?i)(?:\bSN|sinh năm|năm sinh|sinh ngày \d{1,2}/\d{1,2}/)\s*((?:19|20)\d{2})\b")),
    ("age", re.compile(rf"(?i)\b(\d{{1,2}}|{AGE_WORD})\s*tuổi\b|\bmới lên (\d{{1,2}}|{AGE_WORD})\b|\b(\d{{1,2}})t\b")),
    ("class", re.compile(r"(?i)\b(?:học sinh |hs )?lớp\s*(\d{1,2})([A-Z]\d{0,2})?\b")),
    ("school", re.compile(rf"\b[Tt]rường\s+(?:Mầm non|Mẫu giáo|Tiểu học|THCS|THPT|PTDTNT|PTDTBT|Trung học cơ sở|"
                          rf"Trung học phổ thông|Phổ thông|Liên cấp|Quốc tế|TH&THCS|TH)\s+{NAME}")),
    ("address", re.compile(rf"\b(?:[Ss]ố nhà \d+[\w/]*,?\s*)?(?:[Tt]hôn|[Xx]óm|[Ấấ]p|[Tt]ổ dân phố|[Tt]ổ \d+|[Kk]hu phố|[Bb]ản|"
                           rf"[Pp]hường|[Xx]ã|[Tt]hị trấn|[Qq]uận|[Hh]uyện|[Tt]hị xã|[Tt]ỉnh|[Đđ]ường)\s+(?:\d+\w*|{NAME})"
                           rf"(?:,\s*(?:[Pp]hường|[Xx]ã|[Qq]uận|[Hh]uyện|[Tt]ỉnh|[Tt]hành phố|TP\.?)\s+{NAME})*")),
    ("family", re.compile(rf"(?i)\b(?:bố|mẹ|cha|má|ba|ông|bà|anh trai|chị gái|em trai|em gái|người giám hộ)"
                          rf"(?: của (?:em|cháu|bé)(?: {WORD})?)?\s+(?:là|tên(?: là)?)\s+(?:anh|chị|ông|bà)?\s*{NAME}")),
    ("health", re.compile(r"(?i)\b(?:bị|mắc|mang)\s+bệnh\s+[\w ]{2,30}?(?=[,.;]|$)|\b(?:bị|mắc|mang)\s+(?:ung thư|"
                          r"tự kỷ|động kinh|khuyết tật|trầm cảm|hiv|viêm \w+|thiểu năng|bại não)\b|\b(?:đang điều trị tại|"
                          r"nhập viện|cấp cứu tại)\s+[\w ]{2,40}?(?=[,.;]|$)")),
    ("image", re.compile(r"(?i)\b(?:ảnh|hình ảnh|hình|clip|video)\s+(?:chân dung\s+|riêng tư\s+)?(?:của\s+)?"
                         r"(?:em|cháu|bé|học sinh|nữ sinh|nam sinh)\b")),
]
TITLED_NAME = re.compile(rf"\b((?i:{CHILD_TITLES}|anh|chị|ông|bà|cô|chú|bác|thầy))\s+({NAME}|(?:[{UPPER}]\.){{1,4}})")
INITIALS = re.compile(rf"\b(?:[{UPPER}]\.){{2,4}}(?:[{UPPER}]\b)?")
FULL_NAME = re.compile(rf"\b((?:{'|'.join(sorted(FAMILY_NAMES, key=len, reverse=True))})(?:\s{WORD}){{1,3}})\b")
CHILD_TITLE_WORDS = {"em", "bé", "cháu", "học sinh", "nữ sinh", "nam sinh", "học trò", "con trai", "con gái", "thiếu niên", "trẻ"}
ADULT_TITLE_WORDS = {"anh", "chị", "ông", "bà", "cô", "chú", "bác", "thầy"}
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass
class Finding:
    type: str
    start: int
    end: int
    text: str
    person: int | None = None
    value: int | None = None  # an age, a birth year or a grade


@dataclass
class Person:
    mentions: list[tuple[int, int]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    child: bool | None = None
    minor: bool | None = None
    name: str = ""


def _number(text: str) -> int | None:
    text = text.strip().lower()
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text)


def find(text: str) -> list[Finding]:
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            value = None
            if kind == "age":
                value = _number(next(g for g in m.groups() if g))
            elif kind in ("birth_year", "class"):
                value = int(m.group(1))
            elif kind in ("national_id", "student_id"):
                start, end = m.span(1)
            found.append(Finding(kind, start, end, text[start:end], value=value))
    found += _names(text)
    return _without_overlaps(found)


def _names(text: str) -> list[Finding]:
    names = []
    for m in TITLED_NAME.finditer(text):
        names.append(Finding("name", m.start(), m.end(), m.group(0), value=None))
        names[-1].title = m.group(1).lower()  # type: ignore[attr-defined]
    for m in INITIALS.finditer(text):
        names.append(Finding("name", m.start(), m.end(), m.group(0)))
    for m in FULL_NAME.finditer(text):
        if not NOT_A_PERSON_BEFORE.search(text[max(0, m.start() - 25):m.start()]):
            names.append(Finding("name", m.start(), m.end(), m.group(1)))
    return names


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Longest first; a finding inside a longer one of another kind is kept only for ages, years and classes
    (they carry the evidence), names inside schools or addresses are dropped."""
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        inside = [k for k in kept if k.start <= f.start and f.end <= k.end]
        if inside and (f.type == "name" or any(k.type == f.type for k in inside)):
            continue
        if any(k.start < f.end and f.start < k.end and not (k.start <= f.start and f.end <= k.end) and k.type == f.type for k in kept):
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


def _name_key(finding: Finding) -> str:
    words = finding.text.split()
    title = getattr(finding, "title", "")
    if title and words and words[0].lower() == title.split()[0]:
        words = words[len(title.split()):]
    return words[-1].strip(".").lower() if words else ""


def _group(text: str, found: list[Finding]) -> list[Person]:
    """Each name starts or joins a person (same given name); other findings join the person named last in the
    same sentence, or the only person so far."""
    persons: list[Person] = []
    keys: dict[str, int] = {}
    sentences = [m.span() for m in SENTENCE.finditer(text)]

    def sentence_of(position: int) -> int:
        return next((i for i, (a, b) in enumerate(sentences) if a <= position < b), -1)

    last: tuple[int, int] | None = None  # (person, sentence)
    for f in found:
        if f.type == "name":
            key = _name_key(f)
            if key not in keys:
                keys[key] = len(persons)
                persons.append(Person(name=f.text))
            f.person = keys[key]
            persons[f.person].mentions.append((f.start, f.end))
            title = getattr(f, "title", "")
            if title in CHILD_TITLE_WORDS:
                persons[f.person].evidence.append(f"title:{title}")
            elif title in ADULT_TITLE_WORDS:
                persons[f.person].evidence.append(f"adult-title:{title}")
            last = (f.person, sentence_of(f.start))
        elif last is not None and (last[1] == sentence_of(f.start) or len(persons) == 1):
            f.person = last[0]
            persons[f.person].mentions.append((f.start, f.end))
    return persons


def _decide(person: Person, found: list[Finding], index: int, date: dt.date) -> None:
    ages = [f.value for f in found if f.person == index and f.type == "age" and f.value is not None]
    ages += [date.year - f.value for f in found if f.person == index and f.type == "birth_year" and f.value]
    grades = [f.value for f in found if f.person == index and f.type == "class" and f.value]
    for age in ages:
        person.evidence.append(f"age:{age}")
    for grade in grades:
        person.evidence.append(f"grade:{grade}")
    if any(f.person == index and f.type == "school" for f in found):
        person.evidence.append("school")
    if ages:
        age = min(ages)
        person.child, person.minor = age < 16, age < 18
    elif grades:
        grade = min(grades)
        person.child, person.minor = grade <= 9, grade <= 12
    elif any(e.startswith("title:") for e in person.evidence) or "school" in person.evidence:
        person.child, person.minor = True, True
    elif any(e.startswith("adult-title:") for e in person.evidence):
        person.child, person.minor = False, False


def initials(name: str) -> str:
    """"Nguyễn Thị Lan" → "N.T.L."; "em Lan" → "em L."; a title is kept, initials stay as they are."""
    words = name.split()
    title: list[str] = []
    for size in (2, 1):
        if len(words) > size and " ".join(words[:size]).lower() in CHILD_TITLE_WORDS | ADULT_TITLE_WORDS:
            title, words = words[:size], words[size:]
            break
    letters = "".join(w if w.endswith(".") else w[0] + "." for w in words)
    return " ".join([*title, letters]) if title else letters


REMOVED = "[đã lược bỏ]"


def redact(text: str, found: list[Finding], persons: list[Person]) -> str:
    """Children's names to initials; their school, class, exact address, phone, ids, e-mail and handles removed;
    everything else kept byte for byte."""
    children = {i for i, p in enumerate(persons) if p.child}
    removable = {"school", "class", "address", "phone", "national_id", "student_id", "email", "social_handle", "family"}
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
        out.append(text[cursor:f.start])
        out.append(replacement)
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)


def article_text(html: str) -> str:
    from .page import extract_text

    return extract_text(html)


def analyse(text: str, date: dt.date | None = None) -> dict:
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if re.match(r"\s*<(?:!doctype|html|body|article|div|p)\b", text, re.I):
        text = article_text(text)
    date = date or dt.date.today()
    found = find(text)
    persons = _group(text, found)
    for index, person in enumerate(persons):
        _decide(person, found, index, date)
    return {
        "persons": [{"child": p.child, "minor": p.minor, "evidence": p.evidence, "mentions": [list(m) for m in p.mentions]}
                    for p in persons],
        "findings": [{"type": f.type, "start": f.start, "end": f.end, "text": f.text, "person": f.person} for f in found],
        "redacted": redact(text, found, persons),
        "text": text,
    }


def evaluate(rows: list[dict]) -> list[dict]:
    """Precision, recall and F1 per finding type (a finding is right when type and text match an expected one)
    and for the child decision, over an annotated set (tests/data/pii_eval.jsonl)."""
    from collections import Counter

    tp, fp, fn = Counter(), Counter(), Counter()
    for row in rows:
        date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
        result = analyse(row["text"], date)
        got = Counter((f["type"], f["text"]) for f in result["findings"])
        want = Counter(tuple(e) for e in row["expect"])
        for key in got | want:
            tp[key[0]] += min(got[key], want[key])
            fp[key[0]] += max(0, got[key] - want[key])
            fn[key[0]] += max(0, want[key] - got[key])
        names = {f["text"]: f["person"] for f in result["findings"] if f["type"] == "name"}
        decided = {i for i, p in enumerate(result["persons"]) if p["child"]}
        for name in row.get("children", []):
            hit = names.get(name) in decided
            tp["child"], fn["child"] = tp["child"] + hit, fn["child"] + (not hit)
        for name in row.get("adults", []) + row.get("minors", []):
            fp["child"] += names.get(name) in decided
    report = []
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
        report.append({"type": kind, "precision": round(p, 3), "recall": round(r, 3),
                       "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "expected": tp[kind] + fn[kind]})
    return report
