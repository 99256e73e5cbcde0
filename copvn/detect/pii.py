"""Children's private information in Vietnamese text (Decree 56/2017 Art. 33): find it, tie it to persons,
decide who is a child, suggest a redaction. Framework-free.

`analyse(text, date)` returns {"persons", "findings", "redacted"} as `copvn pii` prints it. Offsets are into
the text as given (or into the article text extracted from HTML).

How it reads text: the patterns run on a *folded* copy — diacritics removed, case kept, đ→d — so "lớp 7",
"lop 7" and "LỚP 7" are one pattern; every folded character points back to its source character, so text
in decomposed Unicode (NFD) keeps exact offsets. Where the folded form is ambiguous ("phó"/"phố",
"quán"/"quận", "Dương"/"đường"), the word as written decides; in text written without diacritics the
folded form is accepted. Administrative units are checked against a gazetteer of units before and after the
July 2025 reorganisation (data/admin_units.tsv), so "tỉnh Trần Hòa Nam" is a person and "xã Cam Hải Tây"
a place. Names rely on capital letters, a family name, a title ("em", "bé", "cháu", "ông"…) or initials;
a lower-case name is taken after a title when its words are Vietnamese name syllables.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------------------------------------- folding

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


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, set[str]]:
    """Folded unit name → levels ("province", "district", "ward") in either era."""
    units: dict[str, set[str]] = {}
    for line in (DATA / "admin_units.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            level, _era, _type, name = line.split("\t")
            units.setdefault(key(name), set()).add(level)
    for alias in ("hcm", "tphcm", "ho chi minh", "sai gon", "hn"):
        units.setdefault(alias, set()).add("province")
    return units


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


# --------------------------------------------------------------------------------------------- vocabulary

FAMILY_NAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Trương", "Lương", "Mai", "Cao", "Lâm", "Trịnh", "Tô", "Hà",
                "Châu", "Tạ", "Từ", "Kiều", "Thái", "Quách", "Lưu", "La", "Phùng", "Tăng", "Chu", "Triệu", "Lò",
                "Sùng", "Giàng", "Vàng", "Thạch", "Kim", "Danh", "Nông", "Hứa", "Âu", "Khúc", "Lã", "Mạc", "Tiêu",
                "Thân", "Doãn", "Khổng", "Cù", "Giáp", "Bạch", "Đàm", "Đồng", "Kha", "Lại", "Mẫn", "Ông", "Phí",
                "Tôn", "Vương", "Vi", "Hầu", "Mã", "Quan", "Lục", "Ksor", "Rơ", "Siu", "Nay", "Rah", "Kpă", "Niê",
                "Mlô", "Byă", "Êban", "Hđơk", "Adrơng", "Bế", "Ma", "Lường", "Cầm", "Đào", "Văn"}
FAMILY_KEYS = {key(n) for n in FAMILY_NAMES}
CHILD_TITLES = ["cậu bé", "cô bé", "bé gái", "bé trai", "cháu bé", "học sinh", "nữ sinh", "nam sinh", "học trò",
                "con trai", "con gái", "thiếu niên", "em", "bé", "cháu", "trẻ"]
ADULT_TITLES = ["anh", "chị", "ông", "bà", "cô", "chú", "bác", "thầy", "cụ", "dì", "mợ", "thím", "dượng"]
CHILD_TITLE_WORDS, ADULT_TITLE_WORDS = set(CHILD_TITLES), set(ADULT_TITLES)
TITLE_FORMS = {key(t): t for t in ADULT_TITLES + CHILD_TITLES}  # folded → as written ("co" → "cô")
# words before a capitalised name that make it a place: streets and schools named after people, units
PLACE_WORDS = {key(w): w for w in ["đường", "phố", "trường", "cầu", "chợ", "công viên", "bệnh viện", "giải",
                                    "quảng trường", "đại lộ", "tp", "tp.", "thành phố", "tỉnh", "huyện", "quận",
                                    "phường", "xã", "thị xã", "thị trấn", "hẻm", "ngõ", "kiệt"]}
STREET_WORDS = {"đường", "phố", "trường", "cầu", "chợ", "đại lộ", "hẻm", "ngõ", "kiệt", "công viên", "quảng trường",
                "giải"}
PLACE_BEFORE = re.compile(r"(?i)\b(" + "|".join(sorted((re.escape(w) for w in PLACE_WORDS), key=len, reverse=True))
                          + r")\s*$")
# words that, after a title, start a role or a place rather than a name ("thầy Hiệu trưởng", "học sinh Trường")
NOT_A_NAME = {"trường", "đường", "phường", "xã", "huyện", "tỉnh", "thành", "quận", "bệnh", "công", "ủy", "ubnd",
              "bộ", "sở", "phòng", "trung", "viện", "khu", "thôn", "lớp", "hội", "đội", "nhà", "chợ", "trạm", "tổ",
              "ban", "hiệu", "chủ", "phó", "giám", "trưởng", "bí", "tổng", "thượng", "đại", "thiếu", "giáo",
              "tiến", "thạc", "bác", "facebook", "zalo", "tiktok", "youtube", "thcs", "thpt", "tp", "mầm",
              "tiểu", "tết", "trong", "theo", "sau", "khi", "do", "vì", "tại", "thi", "thể"}
NOT_A_NAME_PLAIN = {key(w) for w in NOT_A_NAME} - {"duong", "phuong", "trung", "thanh", "chu", "quan", "hieu",
                                                  "tong", "dai", "tien", "bac", "cong", "thi"}
# lower-case words after "bé"/"cháu" that are ordinary words even where some parent chose them as a name
COMMON_WORDS = {"học", "lại", "kể", "ăn", "chơi", "đi", "ở", "là", "có", "bị", "đã", "đang", "sẽ", "thì", "và", "với",
                "cùng", "này", "đó", "ấy", "nhỏ", "lớn", "ngoan", "yêu", "xinh", "đẹp", "ngủ", "khóc", "cười", "nói",
                "về", "đến", "từ", "cho", "mới", "vẫn", "chưa", "rất", "quá", "nhé", "nha", "ơi", "à", "nhỉ", "ta",
                "mình", "bạn", "họ", "nó", "được", "mà", "thấy", "biết", "muốn", "cũng", "còn", "nhà", "trai", "gái",
                "út", "cả", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "tuổi", "lớp", "hay",
                "làm", "bán", "mua", "gì", "nào", "đâu", "sao", "vậy", "thế", "an", "mai", "đông", "tây", "bắc"}
NICKNAMES = {"Na", "Bin", "Bon", "Su", "Bơ", "Tôm", "Ớt", "Thỏ", "Mít", "Ty", "Tí", "Tũn", "Bống", "Cún", "Bi", "Bo",
             "Ken", "Kem", "Sóc", "Gạo", "Bắp", "Cốm", "Nấm", "Mỡ", "Xu", "Tin", "Tun", "Bông", "Heo", "Mèo", "Na Na"}
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
                "mười một": 11, "mười hai": 12, "mười ba": 13, "mười bốn": 14, "mười lăm": 15, "mười sáu": 16,
                "mười bảy": 17}
NUMBER_KEYS = {key(k): v for k, v in NUMBER_WORDS.items()}
AGE_WORD = "|".join(sorted(NUMBER_KEYS, key=len, reverse=True))

# ----------------------------------------------------------------------------------------------- patterns
# All run on the folded text: no diacritics, case kept.

U, L = "A-Z", "a-z"
WORD = rf"[{U}](?:[{L}]+(?:'[{U}]?[{L}]+)?|'[{U}]?[{L}]+)"   # Lan, H'Nhung, Niê
WORD_OR_LETTER = rf"(?:{WORD}|[{U}](?=\s[{U}]))"              # "Y" in "Y Duy Niê"
NAME = rf"{WORD_OR_LETTER}(?:\s{WORD_OR_LETTER}){{0,3}}(?<=[{L}])(?:\s[{U}]\.(?![{U}{L}]))?"  # "Nguyễn Văn A."
INITIALS = rf"[{U}]\.(?:\s?[{U}]\.){{0,3}}(?:[{U}]\b)?"


def _alternatives(words) -> str:
    return "|".join(sorted({re.escape(key(w)) for w in words}, key=len, reverse=True))


def _title_pattern(words) -> str:
    return "(?i:" + _alternatives(words).replace(r"\ ", r"\s+") + ")"


TITLED_NAME = re.compile(rf"\b({_title_pattern(CHILD_TITLES + ADULT_TITLES)})\s+({INITIALS}|{NAME})")
LOWER_TITLED_NAME = re.compile(r"\b(em|be|chau|ban|con)\s+([a-z]+(?:\s[a-z]+){0,3})\b")
NAMED = re.compile(rf"\bten(?:\s+la)?\s+({NAME})")
BARE_INITIALS = re.compile(rf"(?<![\w.])(?:[{U}]\.){{2,4}}(?:[{U}]\b)?")
FULL_NAME = re.compile(rf"\b((?:{'|'.join(sorted({key(n).capitalize() for n in FAMILY_NAMES}, key=len, reverse=True))})"
                       rf"(?:\s{WORD_OR_LETTER}){{1,3}}(?<=[{L}])(?:\s[{U}]\.(?![{U}{L}]))?)(?<=[{L}.])(?![{L}])")
YEAR_AFTER_NAME = re.compile(r"\s\(((?:19|20)\d{2})\)")

TERMS = (r"tu ky|dong kinh|khuyet tat(?: van dong| tri tue)?|tram cam|hiv|ung thu(?: mau| nao| xuong| gan| phoi)?|"
         r"bach cau|(?:benh )?tim bam sinh|ho van tim|suy than|suy ho hap|viem (?:phoi|nao|mang nao|gan|da day|phe quan)|"
         r"sot xuat huyet|tay chan mieng|lao phoi|bong(?: do \d| nang)?|chan thuong so nao|gay (?:tay|chan)|"
         r"thieu mau|suy dinh duong(?: nang)?|cham phat trien|tang dong|roi loan [a-z]+(?: [a-z]+)?|bai nao|"
         r"bai liet|thieu nang(?: tri tue)?|hoi chung down|khiem thinh|khiem thi|cam diec|thalassemia|"
         r"tan mau bam sinh|co giat|mang thai(?: thang thu \d+)?|co thai|nhiem hiv|di tat[a-z ]{0,20}?")
HEALTH_TERM = re.compile(rf"(?i)\b(?:{TERMS})\b")
HEALTH_TRIGGER = re.compile(r"(?i)\b(?:bi|mac|nhiem|mang|chan doan|dau hieu|benh|chung|dieu tri|nhap vien|"
                            r"tinh trang|va)\s*$")
SELF_TRIGGERING = ("mang thai", "co thai", "nhiem hiv")
# folded words too ambiguous to read as the marked word when written without marks in a text that has marks
STRICT_PLAIN = {"anh", "hinh", "o", "tai", "ba", "ong", "ban", "pho", "to", "ngo", "quan", "duong", "buon", "ap",
                "co", "cu", "di", "ten", "nha", "den", "song"}

RELATIVE = "(?:anh|chi|ong|ba|co|chu|bac)"  # the title before a relative's name
RELATIVE_NAME = rf"(?-i:{INITIALS}|{NAME})"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("phone", re.compile(r"(?<![\d])(?:\+84|0)(?:[\s.-]?\d){9,10}(?![\d])")),
    ("national_id", re.compile(r"(?i)(?:cccd|can cuoc(?: cong dan)?|cmnd|cmt|chung minh nhan dan|"
                               r"so dinh danh(?: ca nhan)?)[^\d\n.;]{0,40}?(\d{12}|\d{9})(?!\d)")),
    ("student_id", re.compile(r"(?i)(?:ma (?:so )?hoc sinh|ma hs|mshs|ma sinh vien|mssv|ma dinh danh hoc sinh)"
                              r"[:\s]*([A-Z0-9]{4,15})\b")),
    ("social_handle", re.compile(r"(?i)(?:facebook\.com/|fb\.com/|tiktok\.com/@|instagram\.com/|zalo\.me/)[\w.]{3,40}|"
                                 r"(?<![\w@])@[A-Za-z][\w.]{2,29}\b")),
    ("birth_year", re.compile(r"(?i)(?:\bSN\s*|\bsinh nam\s+|\bnam sinh:?\s+|\bsinh ngay \d{1,2}/\d{1,2}/|"
                              r"\bngay sinh:?\s*\d{1,2}/\d{1,2}/)((?:19|20)\d{2})\b")),
    ("age", re.compile(rf"(?i)\b(\d{{1,2}}|{AGE_WORD})(?:\s*[-–]\s*\d{{1,2}})?\s*(thang\s+)?tuoi\b|"
                       rf"\b(?:moi|da|nam nay|vua)\s+len\s+(\d{{1,2}}|{AGE_WORD})\b|\b(\d{{1,2}})t\b")),
    ("class", re.compile(r"(?i)(?<!vao )(?<!len )(?<![./@\w])(?:(?:hoc sinh|hs|hoc)\s+)?lop\s*(?:(\d{1,2})(?:\s*/\s*\d{1,2}|"
                         r"[A-Za-z]\d{0,2})?|(mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)|(la|choi|mam))\b")),
    ("family", re.compile(rf"(?i)\b(?:bo|me|cha|ma|ba|ong noi|ong ngoai|ba noi|ba ngoai|ong|anh trai|chi gai|em trai|"
                          rf"em gai|anh ruot|chi ruot|chau noi|chau ngoai|con trai|con gai|nguoi giam ho|cha duong|"
                          rf"bo duong|me ke|me nuoi|bo nuoi|phu huynh)(?:\s+cua)?(?:\s+(?:em|chau|be|nan nhan|con)"
                          rf")?\s*(?:,\s*|\s+(?:ten\s+)?la\s+|\s+ten\s+)(?:{RELATIVE}\s+)?{RELATIVE_NAME}|"
                          rf"\b(?:con trai|con gai|con|chau noi|chau ngoai)\s+(?:cua\s+)?{RELATIVE}\s+{RELATIVE_NAME}"
                          rf"(?:\s+va\s+{RELATIVE}\s+{RELATIVE_NAME})?")),
    ("health", re.compile(r"(?i)\b(?:bi|mac|mang)\s+benh\s+[\w ]{2,30}?(?=[,.;]|$)|\b(?:dang dieu tri|cap cuu|"
                          r"nhap vien|dieu tri)\s+tai\s+(?:benh vien|trung tam y te|phong kham|tram y te|khoa)"
                          r"(?:\s+(?-i:[A-Z0-9][\w']*))*")),
    ("image", re.compile(r"(?i)\b(?:anh|hinh anh|hinh|tam hinh|clip|video)\s+(?:chan dung\s+|rieng tu\s+|nong\s+|"
                         r"khoa than\s+|nhay cam\s+)?(?:cua\s+)?(?:em|chau|be|hoc sinh|nu sinh|nam sinh|ban nu|"
                         r"ban nam)\b")),
]
# words whose folded form is ambiguous: the form as written must be this one, unless the text has no diacritics
WRITTEN = {"anh": "ảnh", "hinh": "hình", "lop": "lớp"}  # (first words of a finding)

SCHOOL_TYPES = (r"mam non(?: tu thuc)?|mau giao|tieu hoc|thcs(?:\s*[&-]\s*thpt)?|thpt(?: chuyen)?|th\s*&\s*thcs|"
                r"ptdtnt(?: thcs| thpt)?|ptdtbt(?: th| thcs| th\s*&\s*thcs)?|trung hoc co so|trung hoc pho thong|"
                r"pho thong(?: dan toc noi tru| dan toc ban tru)?|lien cap|quoc te|th|trung cap|cao dang")
SCHOOL = re.compile(rf"(?i)\b(?:(truong)\s+(?:{SCHOOL_TYPES})|(thcs|thpt|th\s*&\s*thcs|ptdtbt|ptdtnt))\s+"
                    rf"(?:(?:chuyen|so \d+|tu thuc)\s+)?([\w'&]+(?:\s[\w']+){{0,4}})")

# Units, folded → as written. Administrative units need a gazetteer name; the finer ones take any name or number.
ADMIN_UNITS = {"phuong": "phường", "xa": "xã", "thi tran": "thị trấn", "quan": "quận", "huyen": "huyện",
               "thi xa": "thị xã", "tinh": "tỉnh", "thanh pho": "thành phố", "tp": "tp", "tp.": "tp.",
               "p.": "p.", "q.": "q.", "dac khu": "đặc khu"}
LOCAL_UNITS = {"thon": "thôn", "xom": "xóm", "ap": "ấp", "ban": "bản", "buon": "buôn", "plei": "plei",
               "to dan pho": "tổ dân phố", "to": "tổ", "khu pho": "khu phố", "khom": "khóm", "duong": "đường",
               "pho": "phố", "hem": "hẻm", "ngo": "ngõ", "ngach": "ngách", "kiet": "kiệt", "so nha": "số nhà",
               "khu dan cu": "khu dân cư"}
UNIT = re.compile(r"(?i)\b(" + "|".join(sorted((re.escape(u) for u in {**ADMIN_UNITS, **LOCAL_UNITS}), key=len,
                                              reverse=True)) + r")(?:(?<=\.)|(?=[\s.]|$))\s*")  # "P.Vĩnh Hải"
ORGAN_BEFORE = re.compile(r"(?i)(?:cong an|ubnd|uy ban nhan dan|hdnd|dang uy|bien phong|tram y te|trung tam y te|"
                          r"benh vien|truong|cho|cau|ben|ben xe|chu tich|bi thu|lanh dao|doan|mat tran|"
                          r"(?:cap|tai|cua)\s+(?=(?:tinh|huyen|xa)\b))\s*$")
PLACE_CUE = re.compile(r"(?i)\b(?:o|tai|que|que o|que quan|ngu|ngu tai|tru|tru tai|song o|sinh song tai|nha o|"
                       r"den tu|thuong tru tai|tam tru tai)\s+$")
CUES_WRITTEN = {"o": "ở", "tai": "tại", "que": "quê", "ngu": "ngụ", "tru": "trú", "song": "sống", "nha": "nhà",
                "den": "đến"}
TOKEN = re.compile(r"[\w']+")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


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
    """"bà Trương Thị Mai" is a title, not a grandmother: a bare one-word relation needs "là", "tên" or a comma."""
    head = m.group(0).split()[0].lower()
    if head not in ("ba", "ong"):
        return True
    if not re.search(r"(?i)\b(?:la|ten|cua)\b|,", m.group(0)):
        return False
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


def _unit_name(t: _Text, position: int, admin: bool) -> int:
    """End of the unit's name that starts at `position` in the folded text, or -1. Administrative units need
    a gazetteer name (or a number: "quận 1"); local ones take capitalised words and numbers."""
    tokens = []
    for m in TOKEN.finditer(t.folded, position):
        if m.start() != (tokens[-1].end() + 1 if tokens else position) or len(tokens) == 5:
            break
        tokens.append(m)
    if not tokens:
        special = re.match(r"(?i)hcm\b", t.folded[position:])
        return position + special.end() if special else -1
    if re.fullmatch(r"\d+[a-z]?", tokens[0].group(0), re.I):
        end = tokens[0].end()
        slash = re.match(r"(?:/\d+)+", t.folded[end:])
        end += slash.end() if slash else 0
        if not admin:  # "hẻm 45 Phạm Văn Đồng": a number, then the street's name
            for m in tokens[1:]:
                if m.start() < end or not m.group(0)[0].isupper():
                    break
                end = m.end()
        return end
    if admin:
        units = gazetteer()
        for size in range(len(tokens), 0, -1):
            if key(t.folded[tokens[0].start():tokens[size - 1].end()]) in units:
                return tokens[size - 1].end()
        return -1
    end = -1
    for m in tokens:
        word = m.group(0)
        if word[0].isupper() or word.isdigit():
            end = m.end()
        else:
            break
    return end


def _addresses(t: _Text) -> list[Finding]:
    found: list[Finding] = []
    position, folded = 0, t.folded
    while True:
        m = UNIT.search(folded, position)
        if m is None:
            break
        start, end = _address_run(t, m)
        if start < 0:
            position = m.end()
            continue
        found.append(t.finding("address", start, end))
        position = end
    found += _places_after_cues(t, found)
    return found


def _unit_ok(t: _Text, m: re.Match) -> tuple[bool, bool]:
    """(is a unit here, is administrative)."""
    unit = key(m.group(1))
    if unit in ("tp", "tp.", "p.", "q."):  # abbreviations; "P." and "Q." only with a capital
        ok = unit.startswith("tp") or m.group(1)[0].isupper()
        return ok, ok
    admin = unit in ADMIN_UNITS
    form = ADMIN_UNITS.get(unit) or LOCAL_UNITS.get(unit) or unit
    if not t.written(m.start(1), m.end(1), form):
        if not (t.written(m.start(1), m.end(1), unit) and unit in ("to", "ngo", "ap", "ban", "pho")
                and re.match(r"\d", t.folded[m.end():])):
            return False, False
    # a capitalised unit word mid-sentence is part of a proper name ("chợ Xóm Mới")
    before = t.folded[max(0, m.start() - 2):m.start()]
    if m.group(1)[0].isupper() and before.strip() and not re.search(r"[.!?(\"“:]\s*$|^\s*$", before) \
            and m.start() > 1:
        return False, False
    return True, admin


def _address_run(t: _Text, m: re.Match) -> tuple[int, int]:
    ok, admin = _unit_ok(t, m)
    if not ok or ORGAN_BEFORE.search(t.folded[max(0, m.start() - 30):m.start()]):
        return -1, -1
    end = _unit_name(t, m.end(), admin)
    if end < 0:
        return -1, -1
    start = m.start()
    while True:  # the run goes on through ", xã …", " phường …" and ", Khánh Hòa"
        nxt = re.match(r"(?:,\s*|\s+|\s*-\s*)", t.folded[end:])
        if not nxt:
            break
        at = end + nxt.end()
        unit = UNIT.match(t.folded, at)
        if unit:
            ok, admin = _unit_ok(t, unit)
            more = _unit_name(t, unit.end(), admin) if ok else -1
        elif "," in nxt.group(0) or "-" in nxt.group(0):
            more = _unit_name(t, at, True)
            if more > 0 and not t.folded[at].isupper():
                more = -1
        else:
            more = -1
        if more < 0:
            break
        end = more
    return start, end


def _places_after_cues(t: _Text, found: list[Finding]) -> list[Finding]:
    """A home town or commune named after "ở", "tại", "quê", "ngụ", "trú"… without a unit word."""
    extra = []
    units = gazetteer()
    taken = _Spans((f.start, f.end) for f in found)
    for m in re.finditer(rf"[{U}][\w']*(?:\s[{U}][\w']*){{0,3}}", t.folded):
        origin = max(0, m.start() - 25)
        cue = PLACE_CUE.search(t.folded, origin, m.start())
        if not cue:
            continue
        head = key(cue.group(0)).split(" ")[0]
        if head in CUES_WRITTEN and not t.written(cue.start(), cue.start() + len(head), CUES_WRITTEN[head]):
            continue
        words = m.group(0).split(" ")
        for size in range(len(words), 1, -1):
            name = " ".join(words[:size])
            if key(name) in units:
                a, b = t.span(m.start(), m.start() + len(name))
                if not taken.overlaps(a, b):
                    extra.append(Finding("address", a, b, t.text[a:b]))
                break
    return extra


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
    for f in list(names):
        if f.type == "name":
            end = t.text.find(f.text, f.start) + len(f.text)
            after = YEAR_AFTER_NAME.match(t.text, end)
            if after and not any(n.type == "birth_year" and n.start == after.start(1) for n in names):
                names.append(Finding("birth_year", after.start(1), after.end(1), after.group(1),
                                     value=int(after.group(1))))
    return names


def _name_start_ok(t: _Text, start: int, name: str) -> bool:
    first = name.split()[0]
    a, b = t.span(start, start + len(first))
    written = unicodedata.normalize("NFC", t.text[a:b]).lower()
    if t.plain:
        return key(first) not in NOT_A_NAME_PLAIN
    return written not in NOT_A_NAME


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
        if inside and (f.type in ("name", "address") or any(k.type == f.type for k in inside)):
            continue
        if any(k.start < f.end and f.start < k.end and not (k.start <= f.start and f.end <= k.end)
               and (k.type == f.type or {k.type, f.type} <= {"name", "address", "school"}) for k in near):
            continue
        at = bisect_left(starts, f.start)
        starts.insert(at, f.start)
        kept.insert(at, f)
    return kept


class _Spans:
    """Taken spans, sorted, for overlap checks in logarithmic time."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.longest = max((b - a for a, b in self.spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        lo = bisect_left(self.starts, start - self.longest)
        return any(a < end and start < b for a, b in self.spans[lo:bisect_left(self.starts, end)])


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
    for f in found:
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


def initials(name: str) -> str:
    """"Nguyễn Thị Lan" → "N.T.L."; "em Lan" → "em L."; a title is kept, initials stay as they are."""
    words = name.split()
    title: list[str] = []
    for size in (2, 1):
        if len(words) > size and " ".join(words[:size]).lower() in CHILD_TITLE_WORDS | ADULT_TITLE_WORDS:
            title, words = words[:size], words[size:]
            break
    letters = "".join(w if w.endswith(".") else w[0].upper() + "." for w in words)
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


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(rows: list[dict]) -> list[dict]:
    """Precision, recall and F1 over an annotated set (tests/data/pii_eval.jsonl), per split and for all rows.

    A finding is right when an expected span of the same type overlaps it (each expected span counts once).
    Besides every type: `child` (the child decision: a child's name found and decided a child; adults and
    16–17-year-olds decided children are errors) and `child_name`, `child_age`, `child_address` (a child's
    item found and not given to an adult; a finding given to a child that is not a child's item is an error)."""
    from collections import Counter, defaultdict

    counts: dict[str, tuple[Counter, Counter, Counter]] = defaultdict(lambda: (Counter(), Counter(), Counter()))
    for row in rows:
        date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
        result = analyse(row["text"], date)
        persons, found = result["persons"], result["findings"]
        tp, fp, fn = counts[row.get("split", "all")]
        expected = [(e[0], (e[2], e[3]), bool(e[4]) if len(e) > 4 else False) for e in row["expect"]]
        used: set[int] = set()
        for f in found:
            span = (f["start"], f["end"])
            hit = next((i for i, (kind, want, _) in enumerate(expected)
                        if i not in used and kind == f["type"] and _overlaps(span, want)), None)
            if hit is None:
                fp[f["type"]] += 1
            else:
                used.add(hit)
                tp[f["type"]] += 1
            decided = f["person"] is not None and persons[f["person"]]["child"] is True
            if decided and f["type"] in ("name", "age", "address"):
                if not any(kind == f["type"] and mine and _overlaps(span, want) for kind, want, mine in expected):
                    fp["child_" + f["type"]] += 1
        for i, (kind, want, mine) in enumerate(expected):
            if i not in used:
                fn[kind] += 1
            if mine and kind in ("name", "age", "address"):
                ok = any(f["type"] == kind and _overlaps((f["start"], f["end"]), want)
                         and (f["person"] is None or persons[f["person"]]["child"] is not False) for f in found)
                tp["child_" + kind] += ok
                fn["child_" + kind] += not ok
        children = [(f["start"], f["end"]) for f in found if f["type"] == "name" and f["person"] is not None
                    and persons[f["person"]]["child"] is True]
        for _, start, end in row.get("children", []):
            hit = any(_overlaps((start, end), got) for got in children)
            tp["child"], fn["child"] = tp["child"] + hit, fn["child"] + (not hit)
        for _, start, end in row.get("adults", []) + row.get("minors", []):
            fp["child"] += any(_overlaps((start, end), got) for got in children)
    splits = sorted(counts)
    if len(splits) > 1:
        total: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        for part in counts.values():
            for into, add in zip(total, part, strict=True):
                into.update(add)
        counts["all"] = total
        splits.append("all")
    report = []
    for split in splits:
        tp, fp, fn = counts[split]
        for kind in sorted(set(tp) | set(fp) | set(fn)):
            p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
            r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
            report.append({"split": split, "type": kind, "precision": round(p, 3), "recall": round(r, 3),
                           "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "expected": tp[kind] + fn[kind]})
    return report
