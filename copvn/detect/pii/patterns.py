"""Word lists and regular expressions. The word lists are written with diacritics (and folded with `key` where
they are compared); the patterns run on the folded text."""

from __future__ import annotations

import re

from .folding import key

# --------------------------------------------------------------------------------------------- vocabulary

FAMILY_NAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Trương", "Lương", "Mai", "Cao", "Lâm", "Trịnh", "Tô", "Hà",
                "Châu", "Tạ", "Từ", "Kiều", "Thái", "Quách", "Lưu", "La", "Phùng", "Tăng", "Chu", "Triệu", "Lò",
                "Sùng", "Giàng", "Vàng", "Thạch", "Kim", "Danh", "Nông", "Hứa", "Âu", "Khúc", "Lã", "Mạc", "Tiêu",
                "Thân", "Doãn", "Khổng", "Cù", "Giáp", "Bạch", "Đàm", "Đồng", "Kha", "Lại", "Mẫn", "Ông", "Phí",
                "Tôn", "Vương", "Vi", "Hầu", "Mã", "Quan", "Lục", "Ksor", "Rơ", "Siu", "Nay", "Rah", "Kpă", "Niê",
                "Mlô", "Byă", "Êban", "Hđơk", "Adrơng", "Bế", "Ma", "Lường", "Cầm", "Đào", "Văn", "Tẩn", "Lầu", "Tao",
                "Thần", "Phàn", "Hờ", "Mùa", "Chảo", "Quàng", "Cà", "Điêu", "Bạc", "Lỳ", "Sần", "Vừ", "Thào", "Cứ",
                "Ly", "Hạng", "Sầm", "Mông", "Tòng", "Lữ", "Khương", "Ninh", "Diệp"}
FAMILY_KEYS = {key(n) for n in FAMILY_NAMES}
CHILD_TITLES = ["cậu bé", "cô bé", "bé gái", "bé trai", "cháu bé", "học sinh", "nữ sinh", "nam sinh", "học trò",
                "con trai", "con gái", "thiếu niên", "em", "bé", "cháu", "trẻ", "bệnh nhi", "bạn nhỏ", "em bé",
                "cậu học trò", "cô học trò", "nữ sinh lớp", "bé sơ sinh", "cháu gái", "cháu trai"]
ADULT_TITLES = ["anh", "chị", "ông", "bà", "cô", "chú", "bác", "thầy", "cụ", "dì", "mợ", "thím", "dượng",
                # professions and ranks: whoever holds one is an adult ("y tá P.", "kỹ sư Q.", "Thượng tá Hưởng")
                "bác sĩ", "y tá", "điều dưỡng", "kỹ sư", "luật sư", "giáo viên", "cô giáo", "thầy giáo", "nhà báo",
                "phóng viên", "sinh viên", "công nhân", "nông dân", "tài xế", "lái xe", "thượng tá", "trung tá",
                "đại tá", "thiếu tá", "đại úy", "thượng úy", "trung úy", "thiếu úy", "thiếu tướng", "trung tướng",
                "chiến sĩ", "cán bộ", "bà mẹ", "người mẹ", "người cha", "chị gái", "anh trai", "vợ", "chồng",
                "hiệu trưởng", "giám đốc", "chủ tịch", "trưởng công an", "nghệ nhân", "thạc sĩ", "tiến sĩ"]
# roles that say nothing of age: a suspect, a victim or a patient may be a child or an adult
NEUTRAL_TITLES = ["bị can", "bị cáo", "đối tượng", "nghi phạm", "nghi can", "nạn nhân", "bị hại", "người bị hại",
                  "bệnh nhân", "cầu thủ", "vận động viên", "thí sinh", "tân binh", "người bệnh", "sản phụ"]
CHILD_TITLE_WORDS, ADULT_TITLE_WORDS, NEUTRAL_TITLE_WORDS = set(CHILD_TITLES), set(ADULT_TITLES), set(NEUTRAL_TITLES)
TITLE_FORMS = {key(t): t for t in NEUTRAL_TITLES + ADULT_TITLES + CHILD_TITLES}  # folded → as written ("co" → "cô")
# words before a capitalised name that make it a place: streets and schools named after people, units
PLACE_WORDS = {key(w): w for w in ["đường", "phố", "trường", "cầu", "chợ", "công viên", "bệnh viện", "giải",
                                    "quảng trường", "đại lộ", "tp", "tp.", "thành phố", "tỉnh", "huyện", "quận",
                                    "phường", "xã", "thị xã", "thị trấn", "hẻm", "ngõ", "kiệt"]}
STREET_WORDS = {"đường", "phố", "trường", "cầu", "chợ", "đại lộ", "hẻm", "ngõ", "kiệt", "công viên", "quảng trường",
                "giải"}
PLACE_BEFORE = re.compile(r"(?i)\b(" + "|".join(sorted((re.escape(w) for w in PLACE_WORDS), key=len, reverse=True))
                          + r")\s*$")
# words that, after a title, start a role or a place rather than a name ("thầy Hiệu trưởng", "học sinh Trường")
NOT_A_NAME = {"trường", "đường", "phường", "xã", "huyện", "tỉnh", "quận", "bệnh", "công", "ủy", "ubnd",
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
INITIALS = (rf"(?:[{U}][{L}]?\.(?:\s?[{U}][{L}]?\.){{0,3}}(?:[{U}]\b)?|[{U}][{U}]\.(?!\w)|[{U}](?:\.[{U}]){{1,3}}\b|"
            rf"[{U}]{{1,3}}(?![\w.'])(?!\s[{U}]))")  # "P.", "Kh.", "T.T.H", "NG.", and dotless "H", "NT" after a title


def _alternatives(words) -> str:
    return "|".join(sorted({re.escape(key(w)) for w in words}, key=len, reverse=True))


def _title_pattern(words) -> str:
    return "(?i:" + _alternatives(words).replace(r"\ ", r"\s+") + ")"


TITLED_NAME = re.compile(rf"\b({_title_pattern(CHILD_TITLES + ADULT_TITLES + NEUTRAL_TITLES)})\s+({INITIALS}|{NAME})")
LOWER_TITLED_NAME = re.compile(r"\b(em|be|chau|ban|con)\s+([a-z]+(?:\s[a-z]+){0,3})\b")
NAMED = re.compile(rf"\bten(?:\s+la)?\s+({NAME})")
BARE_INITIALS = re.compile(rf"(?<![\w.])(?:(?:[{U}]\.){{2,4}}(?:[{U}]\b)?|[{U}](?:\.[{U}]){{1,3}}\b\.?)")  # "B.K", "T.T.H"
FULL_NAME = re.compile(rf"\b((?:{'|'.join(sorted({key(n).capitalize() for n in FAMILY_NAMES}, key=len, reverse=True))})"
                       rf"(?:\s{WORD_OR_LETTER}){{1,3}}(?<=[{L}])(?:\s[{U}][{L}]?\.(?![{U}{L}])|\s[{U}](?![\w.']))?)"
                       rf"(?<=[{L}.{U}])(?![{L}])")  # "Nguyễn Văn A.", "Hà Văn H", "Lê Minh Kh."
# a lone initial standing for a person mid-sentence: "S. hẹn chở T. đi chơi", "khiến Đ. phải nhập viện"
LONE_INITIAL = re.compile(r"(?<![\w.])([A-ZĐ][a-zđ]?\.)(?=\s*[,;)(]|\s+\w)")  # on the text as written
# a capitalised given name and the word after it that make an ordinary word instead ("Công an", "Thành phố")
NOT_A_BARE_NAME = {"co quan", "gia dinh", "the thao", "thuong binh", "sang ngay", "sang nam", "binh luan", "loi dung",
                   "bang cach", "truong hop", "truong thanh", "sau khi", "sau do", "tuy nhien", "tham gia", "luat su",
                   "bao cao", "kinh te", "dai dien", "thuong tich", "hoc sinh", "nguoi dan", "cong an", "thanh pho", "trung tam", "trung uong", "quoc hoi", "quoc te", "quoc gia", "nam gioi",
                   "an toan", "an ninh", "hai quan", "nha nuoc", "nha truong", "dang uy", "binh thuong", "hoa binh",
                   "tam ly", "mai tang", "kim loai", "thanh nien", "thanh tra", "cong ty", "cong dan", "hung thu",
                   "tuan tra", "dung cu", "hoa hoc", "tam thoi", "chinh quyen", "chinh phu", "thong tin", "thong tu",
                   "phuc loi", "hanh chinh", "tin nhan", "phong chong", "quang cao", "thuy dien", "binh dan", "dan su",
                   "nhan dan", "quan doi", "quan su", "thai do", "nghia vu", "tinh cam", "vinh vien", "hieu truong",
                   "ngoc trinh", "hanh vi", "hanh dong", "tri thuc", "viet nam", "thien tai", "an giang", "tien giang",
                   "kien giang", "hau giang", "loc ninh", "hai phong", "hai duong", "ha noi", "ha nam", "ha tinh"}
# words (as written) after which a capitalised word is a place or a brand, not a person
PLACE_PREPOSITIONS = {"ở", "tại", "về", "ra", "vào", "đến", "từ", "tới", "qua", "khắp", "tỉnh", "tp", "huyện", "xã",
                      "phường", "quận", "thôn", "xóm", "đường", "phố", "chợ", "cầu", "sông", "núi", "chùa", "đền",
                      "đình", "khu", "trường", "lớp", "đội", "nhóm", "báo", "đài", "hãng", "nhãn", "hiệu", "mạng",
                      "quán", "tiệm", "cửa", "nick", "facebook", "tên", "làng", "bản", "ấp", "buôn", "tổ", "miền",
                      "vùng", "đảo", "biển", "hồ", "vịnh", "đèo", "thị", "thành", "tp.", "công", "ty", "đoàn"}
# a given name standing alone is a person only beside words that go with a person: what they did or said
# after it ("Danh dụ dỗ", "Lan kể"), or a word that points to a person before it ("với Tùng", "bắt Trang")
PERSON_AFTER = {"kể", "nói", "cho", "khai", "bị", "được", "đã", "đang", "vẫn", "thừa", "dụ", "đưa", "chở", "đánh",
                "nhắn", "hẹn", "rủ", "gọi", "mới", "và", "về", "đi", "sống", "học", "làm", "là", "còn", "cũng", "liền",
                "tiếp", "bỏ", "lại", "không", "chưa", "thì", "vừa", "luôn", "từng", "sẽ", "muốn", "thấy", "biết",
                "nhận", "nhớ", "xin", "hỏi", "đe", "ép", "lừa", "mua", "bán", "giới", "chia", "tâm", "cười", "khóc",
                "nhìn", "ngồi", "đứng", "chạy", "ôm", "nắm", "quen", "yêu", "gặp", "đón", "dẫn", "theo", "phủ",
                "thú", "bật", "xúc", "hồi", "bày", "chăm", "cùng", "với", "ở", "năm", "hiện", "sinh", "tử", "mất",
                "phát", "tìm", "trốn", "chống", "dùng", "mang", "lấy", "ngủ", "ăn", "uống", "bơi", "ngã", "đoạt",
                "giành", "quê", "đạt", "tham", "tranh", "lên", "xuống", "viết", "vẽ", "hát", "mơ", "ước"}
PERSON_BEFORE = {"với", "cùng", "của", "cho", "bắt", "chở", "đưa", "gặp", "rủ", "đánh", "giúp", "nhờ", "hỏi", "và",
                 "gọi", "mời", "đón", "dụ", "lừa", "ép", "khiến", "để", "thấy", "bảo", "dặn", "nhắn", "tên", "là",
                 "cứu", "kéo", "bế", "ôm", "theo", "đòi", "xin", "thương", "giữ", "giao", "tìm", "thăm", "tặng",
                 "đình", "đội", "bạn", "mẹ", "bố", "ba", "cha", "con"}
BARE_GIVEN = {"an", "mai", "lành", "thang"}  # given names that are also common words: taken when standing alone
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
    ("age", re.compile(rf"(?i)\b(\d{{1,2}}|1[01]\d|120|{AGE_WORD})(?:\s*[-–]\s*\d{{1,2}})?\s*(thang\s+)?tuoi\b|"
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
               "khu dan cu": "khu dân cư", "nha so": "nhà số", "toa": "tòa", "toa nha": "tòa nhà", "chung cu": "chung cư",
               "khu chung cu": "khu chung cư", "khu tap the": "khu tập thể", "lang": "làng", "khu do thi": "khu đô thị",
               "cum dan cu": "cụm dân cư", "doi": "đội", "khu": "khu", "block": "block", "lo": "lô", "can ho": "căn hộ"}
UNIT = re.compile(r"(?i)\b(" + "|".join(sorted((re.escape(u) for u in {**ADMIN_UNITS, **LOCAL_UNITS}), key=len,
                                              reverse=True)) + r")(?:(?<=\.)|(?=[\s.]|$))\s*")  # "P.Vĩnh Hải"
ORGAN_BEFORE = re.compile(r"(?i)(?:cong an|ubnd|uy ban nhan dan|hdnd|dang uy|bien phong|tram y te|trung tam y te|"
                          r"benh vien|truong|cho|cau|ben|ben xe|chu tich|bi thu|lanh dao|doan|mat tran|"
                          r"(?:cap|tai|cua)\s+(?=(?:tinh|huyen|xa)\b))\s*$")
PLACE_CUE = re.compile(r"(?i)(?:\b(?:o|tai|que|que o|que quan|ngu|ngu tai|tru|tru tai|song o|sinh song tai|nha o|"
                       r"den tu|thuong tru tai|tam tru tai|tu)\s+|(?:tuoi|\b(?:sn|sinh nam) \d{4}),\s*)$")
CUES_WRITTEN = {"o": "ở", "tai": "tại", "que": "quê", "ngu": "ngụ", "tru": "trú", "song": "sống", "nha": "nhà",
                "den": "đến", "tu": "từ"}
TOKEN = re.compile(r"[\w']+")
SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\b[A-ZĐ])\.(?!\s+[A-ZĐ][a-zà-ỹđ]{2})|\.(?=\w))+[.!?]?")  # "T.T.H" stays in its sentence
