"""`copvn demo`: a few weeks of the centre's work, so that every role signs in to a queue, not an empty list.

Everything is made up: account names, ids, reporters and the people in the screenshots. Descriptions are
written the way the centre records reports: soberly, without graphic detail. Screenshots are drawn here
(plain boxes and text). Each story goes through `copvn.intake.services.submit()` like a real report, with a
client key so that running the demo again returns the earlier copy instead of a second report.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from copvn.cases.models import Case, CaseURL
from copvn.intake.models import Report
from copvn.intake.services import ReportInput, submit
from copvn.orgs.models import Organisation


@dataclass(frozen=True)
class Chat:
    """A phone screenshot of a conversation: ("them" | "me", text) lines under a coloured title bar."""

    app: str
    contact: str
    colour: tuple[int, int, int]
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Story:
    key: str                  # the client key: "demo:NN"
    age: dt.timedelta         # how long ago the centre received it
    channel: str
    text: str
    urls: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()      # categories an officer chose (staff channels)
    harm: str = ""                   # the public form's plain-words choice (web)
    danger: bool = False             # a child in danger now: the 12-hour clock
    platform: str = ""
    email: str = ""
    org: str = ""                    # code of the referring organisation
    ref: str = ""                    # its reference number
    chat: Chat | None = None


def ago(days: int = 0, hours: int = 0) -> dt.timedelta:
    return dt.timedelta(days=days, hours=hours)


MESSENGER, ZALO = (0, 132, 255), (0, 104, 255)

GROOMING_CHAT = Chat("Messenger", "Tuấn Anh", MESSENGER, (
    ("them", "Em học lớp mấy rồi?"),
    ("me", "Em học lớp 6 ạ"),
    ("them", "Trường nào thế, mấy giờ em tan học?"),
    ("me", "Dạ 5 giờ ạ"),
    ("them", "Mai anh qua cổng trường đón em đi chơi nhé"),
    ("them", "Đừng kể với bố mẹ nha, bí mật của hai anh em thôi"),
))
GAME_CARD_CHAT = Chat("Zalo", "Game Thủ Pro", ZALO, (
    ("them", "Em chơi Liên Quân rank gì rồi?"),
    ("me", "Em mới Bạch Kim"),
    ("them", "Anh tặng em thẻ 100k nhé, tối nay ra công viên lấy"),
    ("them", "Đi một mình thôi, đừng nói với ai"),
))
CLASS_LIST_CHAT = Chat("Zalo", "Nhóm Rao vặt học thêm", ZALO, (
    ("them", "Ai cần danh sách lớp 9A để tư vấn học thêm thì lấy nhé"),
    ("them", "1. Nguyễn V. A – 12/03/2012\nPH: 09xx xxx 214\n2. Trần T. B – 05/07/2012\nPH: 09xx xxx 587\n"
             "3. Lê H. C – 21/10/2012\nPH: 09xx xxx 930"),
    ("me", "Sao lại đăng thông tin của các cháu lên đây?"),
))

FB_GROUP_POST = "https://www.facebook.com/groups/1843302759912044/posts/2051187345123609/"
NOHU_VIDEO = "https://www.tiktok.com/@caothu.nohu.vip88/video/7431876290145617153"
FIGHT_VIDEO = "https://www.youtube.com/watch?v=Xb7kQ2m9LpE"
CHALLENGE_VIDEO = "https://www.tiktok.com/@thu.thach.hot.trend/video/7444012345678901234"

STORIES = [
    Story("demo:01", ago(26, 3), "web", harm="bullying", platform="facebook",
          urls=(FB_GROUP_POST,),
          text=("Nhóm Facebook của học sinh một trường THCS ở Nha Trang đăng bài chế giễu ngoại hình một "
                "em lớp 7, kèm ảnh em chụp trong lớp học.\n"
                "Bài có hơn 200 bình luận xúc phạm, gọi tên em và lớp. Em đã nghỉ học hai ngày.")),
    Story("demo:02", ago(25, 20), "email", codes=("BULLY",), email="phuhuynh.lop7a@example.com",
          urls=("https://m.facebook.com/groups/1843302759912044/posts/2051187345123609/?mibextid=Nif5oz",),
          text=("Phụ huynh gửi thư: bài đăng trong nhóm Facebook bêu xấu con tôi vẫn còn, xin Trung tâm "
                "đề nghị gỡ.\n"
                "Gia đình đã báo nhà trường; nhà trường hướng dẫn liên hệ cơ quan chức năng.")),
    Story("demo:03", ago(22, 6), "agency", codes=("PRIV",), org="sgddt-kh", ref="1185/SGDĐT-CTTT",
          urls=("https://www.facebook.com/profile.php?id=100089457712306",),
          text=("Sở Giáo dục và Đào tạo chuyển phản ánh của một trường THCS: một trang cá nhân đăng bảng "
                "điểm, ảnh thẻ và số điện thoại phụ huynh của học sinh lớp 9, kèm họ tên và tên trường.\n"
                "Chưa gia đình nào đồng ý cho đăng.")),
    Story("demo:04", ago(20, 2), "web", harm="gambling", platform="tiktok",
          urls=(NOHU_VIDEO,),
          text=("kênh tiktok này toàn qc app nổ hũ, đổi thưởng, rủ tụi nhỏ nạp thẻ chơi. e trai mk lớp 8 "
                "bị dụ nạp mất 2 củ r mà ko rút đc. mn xử lý giùm vs")),
    Story("demo:05", ago(19, 4), "monitoring", codes=("GAMB",),
          urls=(NOHU_VIDEO, "https://nohu-vip88.example/dang-ky?aff=kh2911"),
          text=("Tổ theo dõi: video TikTok trong phản ánh trước dẫn tới trang game đổi thưởng; trang nhận "
                "nạp thẻ cào điện thoại, không hỏi tuổi người chơi.\n"
                "Đề xuất yêu cầu TikTok gỡ video, đề nghị nhà mạng chặn tên miền.")),
    Story("demo:06", ago(17, 9), "hotline_111", codes=("FRAUD",), platform="zalo", org="tong-dai-111",
          ref="111-KH-2611-0457",
          urls=("https://zalo.me/g/qkrfye362",),
          text=("Tổng đài 111 chuyển: một nhóm Zalo tuyển “cộng tác viên làm online tại nhà” nhắm vào học "
                "sinh 14–15 tuổi, yêu cầu chuyển 300.000 đồng “phí giữ chỗ” trước khi nhận việc.\n"
                "Một em ở Cam Ranh đã chuyển tiền và bị chặn liên lạc.")),
    Story("demo:07", ago(15, 1), "web", harm="porn", platform="web",
          urls=("https://truyentranh-hay.example/truyen/chien-binh-nho/chuong-37",),
          text=("Trang truyện tranh thiếu nhi mà học sinh tiểu học hay đọc hiện quảng cáo bật lên dẫn tới "
                "trang nội dung người lớn, không có cảnh báo độ tuổi.\n"
                "Quảng cáo xuất hiện mỗi khi bấm sang chương mới.")),
    Story("demo:08", ago(13, 7), "email", codes=("DRUG",), platform="tiktok",
          email="gvcn.thcs.8b@example.com",
          urls=("https://www.tiktok.com/@vape.ship.nhatrang/video/7433019857736240392",),
          text=("Giáo viên chủ nhiệm gửi thư: tài khoản TikTok quảng cáo thuốc lá điện tử vị trái cây, "
                "hướng dẫn đặt hàng qua tin nhắn và giao tận nơi, không hỏi tuổi.\n"
                "Nhiều học sinh lớp 8 trong trường theo dõi tài khoản này.")),
    Story("demo:09", ago(12, 5), "letter", codes=("PRIV",), org="ubnd-xa-22660", ref="87/UBND-VHXH",
          urls=("https://www.facebook.com/tintuc.dienkhanh24h/posts/pfbid02Wq8nYkT3bLx9FhR6cJm1sPdQ7vZ",),
          text=("Ủy ban nhân dân xã gửi công văn: một trang tin địa phương trên Facebook đăng ảnh, họ tên "
                "và địa chỉ nhà của một em bị tai nạn giao thông kèm lời kêu gọi quyên góp, chưa có sự "
                "đồng ý của gia đình.")),
    Story("demo:10", ago(11, 5), "web", harm="violence", platform="youtube",
          urls=(FIGHT_VIDEO,),
          text=("Kênh YouTube đăng lại đoạn video học sinh xô xát trước cổng trường ở Cam Ranh, tiêu đề "
                "giật gân, không làm mờ mặt các em.\n"
                "Video đã có hơn 50.000 lượt xem.")),
    Story("demo:11", ago(10, 3), "phone", codes=("VIOL", "PRIV"),
          urls=("https://youtu.be/Xb7kQ2m9LpE?si=Hq3xY",),
          text=("Mẹ của một em trong video gọi điện: video vẫn còn trên YouTube, bạn bè gửi cho nhau, em "
                "không muốn đến trường.\n"
                "Gia đình đề nghị gỡ video và xin hỗ trợ tâm lý cho em.")),
    Story("demo:12", ago(9, 8), "web", harm="hate",
          urls=("https://kenh14.vn/hoc-sinh-vung-cao-gianh-hoc-bong-215261119093012345.chn",),
          text=("Bài báo về học sinh vùng cao giành học bổng có nhiều bình luận kỳ thị các em người dân "
                "tộc thiểu số ở Khánh Sơn; các bình luận vẫn hiển thị sau ba ngày.")),
    Story("demo:13", ago(8, 2), "monitoring", codes=("HATE",),
          urls=("https://www.facebook.com/watch/?v=1187349026615523",),
          text=("Tổ theo dõi phát hiện video trên một trang Facebook gọi trẻ em khuyết tật là “gánh "
                "nặng”, kêu gọi không cho các em học chung lớp; video được chia sẻ trong nhiều nhóm phụ "
                "huynh ở Ninh Hòa.")),
    Story("demo:14", ago(6, 4), "email", codes=("PRIV",), platform="zalo",
          email="hoi.phuhuynh.9a@example.org", chat=CLASS_LIST_CHAT,
          text=("Phụ huynh gửi ảnh chụp: một nhóm Zalo công khai đăng danh sách học sinh lớp 9A kèm ngày "
                "sinh và số điện thoại phụ huynh.\n"
                "Nhóm có hơn 1.000 thành viên, phần lớn không phải phụ huynh của lớp.")),
    Story("demo:15", ago(4, 6), "web", harm="bullying", platform="tiktok",
          urls=("https://www.tiktok.com/@beo.lop7b.official/video/7441209387123456789",),
          text=("ac c ơi, có đứa lập acc tiktok giả mạo bạn e r đăng video bêu xấu bạn ấy, cả lớp đều xem "
                "hết. bạn e ko dám đi học nữa, báo cô r mà acc vẫn còn")),
    Story("demo:16", ago(3, 2), "agency", codes=("DRUG",), platform="telegram", org="pa05-kh", ref="214/PA05",
          urls=("https://t.me/nuocvui_giaonhanh_nt",),
          text=("Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao chuyển: kênh Telegram "
                "rao bán “nước vui” và thuốc lá điện tử pha chất cấm, giới thiệu là “hợp với học sinh”, "
                "giao hàng quanh các trường ở Nha Trang.\n"
                "Đề nghị Trung tâm yêu cầu gỡ kênh.")),
    Story("demo:17", ago(2, 5), "web", harm="fraud", platform="facebook",
          urls=("https://www.facebook.com/tuyenmaunhi.nhatrang.casting/posts/pfbid0Zq3LmT8xVb2Kc7RnWd4Yh",),
          text=("fanpage nay tuyen mau nhi 6-12 tuoi chup quang cao, bat phu huynh chuyen 1.500.000d phi "
                "lam ho so, chuyen xong thi bi chan. nhieu phu huynh o nha trang bi lua roi")),
    Story("demo:18", ago(1, 6), "hotline_111", codes=("SELFH",), danger=True, org="tong-dai-111",
          ref="111-KH-3011-0912",
          urls=("https://www.tiktok.com/@buon.lam.roi.2013/video/7443567812345678901",),
          text=("Tổng đài 111 chuyển: một em 13 tuổi ở Diên Khánh đăng video nói muốn làm hại bản thân; "
                "bạn cùng lớp đã báo giáo viên.\n"
                "Cần xác minh, báo gia đình và cán bộ bảo vệ trẻ em cấp xã kiểm tra an toàn ngay.")),
    Story("demo:19", ago(hours=9), "monitoring", codes=("SELFH",),
          urls=(CHALLENGE_VIDEO,),
          text=("Tổ theo dõi: trào lưu “thử thách nín thở” lan trong học sinh tiểu học ở Diên Khánh; ít "
                "nhất ba video có trẻ em tham gia.\n"
                "Đề nghị yêu cầu TikTok gỡ video và thông báo các trường.")),
    Story("demo:20", ago(hours=7), "agency", codes=("SELFH",), org="sgddt-kh", ref="1342/SGDĐT-CTHSSV",
          urls=("https://m.tiktok.com/@thu.thach.hot.trend/video/7444012345678901234?is_from_webapp=1",),
          text=("Sở Giáo dục và Đào tạo chuyển báo cáo của một trường tiểu học: học sinh bắt chước thử "
                "thách trong video này giờ ra chơi; nhà trường đã nhắc nhở và báo phụ huynh.")),
    Story("demo:21", ago(hours=5), "web", harm="grooming", danger=True, platform="facebook",
          email="me.be.lop6@example.com", chat=GROOMING_CHAT,
          urls=("https://www.facebook.com/profile.php?id=100091873265540",),
          text=("Một tài khoản Facebook tự xưng là học sinh lớp trên nhắn tin làm quen với con gái tôi "
                "học lớp 6, hỏi trường, giờ tan học, hẹn gặp riêng và dặn không được kể với bố mẹ.\n"
                "Tôi gửi kèm ảnh chụp tin nhắn.")),
    Story("demo:22", ago(hours=3), "email", codes=("GROOM",), danger=True, email="gvcn.lop6c@example.com",
          chat=GROOMING_CHAT,
          text=("Giáo viên chủ nhiệm gửi lại ảnh chụp tin nhắn mà phụ huynh đã cung cấp, đề nghị phối hợp "
                "với công an xác minh người nhắn tin; em học sinh hiện được gia đình đưa đón.")),
    Story("demo:23", ago(hours=2), "web", harm="grooming", danger=True, platform="zalo", chat=GAME_CARD_CHAT,
          urls=("https://zalo.me/g/mnqzvr847",),
          text=("co nguoi la tren zalo hua tang the game cho con toi 11 tuoi neu toi nay ra cong vien gap "
                "mat, dan khong duoc noi voi ai. con toi da dua dien thoai cho toi xem. mong can bo xu ly "
                "gap")),
]


def add_cases(intake_officer) -> int:
    """Submit every story not yet in the database, oldest first; return how many reports were added."""
    now, touched, added = timezone.now(), set(), 0
    for story in sorted(STORIES, key=lambda s: s.age, reverse=True):
        actor = None if story.channel == "web" else intake_officer
        report, created = submit(_input(story), actor=actor)
        if created:
            Report.objects.filter(pk=report.pk).update(received_at=now - story.age)
            report.uploads.update(received_at=now - story.age)
            touched.add(report.case_id)
            added += 1
    for case in Case.objects.filter(pk__in=touched):
        _settle(case)
    return added


def _input(story: Story) -> ReportInput:
    org = Organisation.objects.get(code=story.org).pk if story.org else None
    uploads = [(screenshot(story.chat), "anh-chup-man-hinh.png")] if story.chat else []
    return ReportInput(
        channel=story.channel, urls=list(story.urls), description=story.text, harm_words=story.harm,
        category_codes=list(story.codes), child_in_danger=story.danger, platform_hint=story.platform,
        reporter_email=story.email, referring_org_id=org, external_ref=story.ref, client_key=story.key,
        uploads=uploads,
    )


def _settle(case: Case) -> None:
    """Times as if the reports had come in over the weeks: the case, its URLs, and its 12-hour clock."""
    reports = Report.objects.filter(case=case)
    first = reports.aggregate(at=Min("received_at"))["at"]
    Case.objects.filter(pk=case.pk).update(received_at=first)
    for url in CaseURL.objects.filter(case=case):
        added = reports.filter(urls__case_url=url).aggregate(at=Min("received_at"))["at"]
        CaseURL.objects.filter(pk=url.pk).update(added_at=added or first)
    if case.urgent:
        urgent = reports.filter(Q(child_in_danger=True) | Q(categories__urgent=True))
        since = urgent.aggregate(at=Min("received_at"))["at"] or first
        deadline = since + dt.timedelta(hours=settings.URGENT_HOURS)
        Case.objects.filter(pk=case.pk).update(urgent_deadline=deadline)


# Screenshots: a phone-sized PNG, drawn on the fly.

WIDTH, PAD, LINE = 360, 12, 20
FONT_FILES = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "Arial.ttf",
              "arial.ttf")


@functools.cache
def _font(size: int) -> tuple[ImageFont.FreeTypeFont, bool]:
    """A font with Vietnamese letters if the system has one; else Pillow's own, and text without marks."""
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _printable(text: str, vietnamese: bool) -> str:
    if vietnamese:
        return text
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _wrap(text: str, font, width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and font.getlength(candidate) > width:
                lines.append(line)
                candidate = word
            line = candidate
        lines.append(line)
    return lines


def screenshot(chat: Chat) -> bytes:
    font, vietnamese = _font(15)
    bubbles = [(side, _wrap(_printable(text, vietnamese), font, WIDTH * 4 // 5)) for side, text in chat.lines]
    height = 64 + sum(len(lines) * LINE + 12 + PAD for _side, lines in bubbles) + PAD
    image = Image.new("RGB", (WIDTH, height), (242, 243, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 52), fill=chat.colour)
    draw.text((PAD + 4, 10), _printable(chat.contact, vietnamese), font=font, fill="white")
    draw.text((PAD + 4, 30), chat.app, font=_font(11)[0], fill="white")
    top = 64
    for side, lines in bubbles:
        top = _bubble(draw, font, side, lines, top, chat.colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _bubble(draw: ImageDraw.ImageDraw, font, side: str, lines: list[str], top: int, colour) -> int:
    width = int(max(font.getlength(line) for line in lines)) + 2 * PAD
    height = len(lines) * LINE + 12
    left = PAD if side == "them" else WIDTH - PAD - width
    fill = (255, 255, 255) if side == "them" else tuple(c + (255 - c) * 4 // 5 for c in colour)
    draw.rounded_rectangle((left, top, left + width, top + height), radius=10, fill=fill)
    for i, line in enumerate(lines):
        draw.text((left + PAD, top + 6 + i * LINE), line, font=font, fill=(28, 30, 33))
    return top + height + PAD
