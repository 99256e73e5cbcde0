"""Seed the harm taxonomy of BRIEF §4. Codes are storage keys: later migrations may add, never rename."""

from django.db import migrations

CATEGORIES = [
    # code, name_vi, name_en, dimension, legal basis, default handling, urgent, never display
    ("CSAM", "Xâm hại tình dục trẻ em, hình ảnh khiêu dâm trẻ em",
     "Child sexual abuse material, sexual exploitation, sextortion", "content",
     "Bộ luật Hình sự Điều 147, 326; Quyết định 830/QĐ-TTg",
     "Chỉ lưu mã băm và URL, không bao giờ hiển thị; chuyển công an ngay; báo Tổng đài 111", True, True),
    ("GROOM", "Dụ dỗ, lôi kéo, quấy rối, đe dọa, tống tiền", "Grooming, harassment, extortion", "contact",
     "Luật Trẻ em 2016; Nghị định 56/2017/NĐ-CP Điều 26(3)",
     "Chuyển công an và Tổng đài 111; đồng hồ 12 giờ khi trẻ gặp nguy hiểm nghiêm trọng", True, False),
    ("BULLY", "Bắt nạt, lăng mạ, xúc phạm trên mạng", "Cyberbullying, insult", "conduct",
     "Nghị định 147/2024/NĐ-CP", "Yêu cầu gỡ bỏ (24 giờ); chuyển nhà trường", False, False),
    ("PRIV", "Lộ bí mật đời sống riêng tư trẻ em", "Disclosure of a child's private information without consent",
     "conduct", "Luật Trẻ em Điều 6(11); Nghị định 56/2017/NĐ-CP Điều 33, 36",
     "Kiểm tra sổ đồng ý; yêu cầu gỡ bỏ", False, False),
    ("VIOL", "Bạo lực, kinh dị", "Violent or gory content", "content", "Nghị định 147/2024/NĐ-CP",
     "Gỡ bỏ hoặc giới hạn độ tuổi", False, False),
    ("PORN", "Khiêu dâm, đồi trụy", "Adult pornography reachable by children", "content",
     "Nghị định 147/2024/NĐ-CP; Bộ luật Hình sự Điều 326", "Gỡ bỏ; yêu cầu ISP chặn", False, False),
    ("SELFH", "Tự gây hại, tự tử, thử thách nguy hiểm", "Self-harm, suicide, dangerous challenges", "content",
     "Nghị định 56/2017/NĐ-CP Điều 26(3)", "Kiểm tra an toàn khẩn cấp qua Tổng đài 111; gỡ bỏ", True, False),
    ("DRUG", "Ma túy, rượu bia, thuốc lá", "Drugs, alcohol, tobacco", "content", "Nghị định 147/2024/NĐ-CP",
     "Gỡ bỏ; chuyển công an nếu mua bán", False, False),
    ("GAMB", "Cờ bạc, cá độ, game đổi thưởng", "Gambling", "contract", "Nghị định 147/2024/NĐ-CP",
     "Gỡ bỏ, chặn", False, False),
    ("SUPERST", "Mê tín dị đoan", "Superstition", "content", "Nghị định 147/2024/NĐ-CP", "Gỡ bỏ", False, False),
    ("HATE", "Kích động thù hằn, phân biệt đối xử, cực đoan", "Hate, discrimination, extremism", "content",
     "Nghị định 147/2024/NĐ-CP", "Gỡ bỏ", False, False),
    ("FRAUD", "Lừa đảo, mua bán người", "Scams, trafficking, labour exploitation", "contract",
     "Bộ luật Hình sự Điều 150, 151, 174", "Chuyển công an và Tổng đài 111", False, False),
    ("FAKE", "Thông tin sai sự thật xâm hại quyền trẻ em", "False information harming children", "content",
     "Nghị định 147/2024/NĐ-CP", "Gỡ bỏ", False, False),
    ("ADDICT", "Nghiện game, mạng", "Excessive use, game time limits", "conduct", "Nghị định 147/2024/NĐ-CP",
     "Kiểm tra tuân thủ của nhà cung cấp", False, False),
    ("UNSUIT", "Nội dung không phù hợp lứa tuổi", "Age-inappropriate content", "content",
     "Luật Trẻ em 2016; Nghị định 147/2024/NĐ-CP", "Cảnh báo, yêu cầu gắn nhãn độ tuổi", False, False),
    ("COMM", "Thu thập dữ liệu, quảng cáo nhắm tới trẻ em", "Commercial or data exploitation of children",
     "contract", "Luật Bảo vệ dữ liệu cá nhân 2025 Điều 24; Nghị định 13/2023/NĐ-CP Điều 20 (đến 31/12/2025)",
     "Chuyển cơ quan bảo vệ dữ liệu cá nhân", False, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("taxonomy", "Category")
    for order, (code, vi, en, dim, basis, handling, urgent, never) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults=dict(name_vi=vi, name_en=en, dimension=dim, legal_basis=basis, default_handling=handling,
                          urgent=urgent, never_display=never, sort_order=order * 10),
        )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
