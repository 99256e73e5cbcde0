"""The harm categories in plain words for the public form, each mapped to taxonomy codes."""

from django.utils.translation import gettext_lazy as _

# key (stored on the report) -> (label shown to the public, taxonomy codes)
HARM_WORDS = {
    "sexual_abuse": (_("Hình ảnh, video xâm hại tình dục trẻ em"), ["CSAM"]),
    "grooming": (_("Người lạ dụ dỗ, làm quen, đòi ảnh, đe dọa hoặc tống tiền trẻ em"), ["GROOM"]),
    "bullying": (_("Bắt nạt, lăng mạ, bêu xấu trẻ em"), ["BULLY"]),
    "privacy": (_("Đăng thông tin, hình ảnh riêng tư của trẻ em"), ["PRIV"]),
    "self_harm": (_("Tự làm hại bản thân, tự tử, thử thách nguy hiểm"), ["SELFH"]),
    "violence": (_("Bạo lực, kinh dị"), ["VIOL"]),
    "porn": (_("Nội dung khiêu dâm mà trẻ em xem được"), ["PORN"]),
    "drugs": (_("Ma túy, rượu bia, thuốc lá"), ["DRUG"]),
    "gambling": (_("Cờ bạc, cá độ, game đổi thưởng"), ["GAMB"]),
    "fraud": (_("Lừa đảo, rủ rê đi làm, mua bán người"), ["FRAUD"]),
    "hate": (_("Kích động thù hằn, phân biệt đối xử"), ["HATE"]),
    "false_info": (_("Thông tin sai sự thật về trẻ em"), ["FAKE"]),
    "other": (_("Khác / không rõ"), []),
}


def choices():
    return [(key, label) for key, (label, _codes) in HARM_WORDS.items()]


def codes_for(key: str) -> list[str]:
    return HARM_WORDS.get(key, ("", []))[1]
