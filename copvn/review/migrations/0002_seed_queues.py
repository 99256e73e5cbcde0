"""The province's starting queues and routing rules (data: administrators change them on the rules page)."""

from django.db import migrations

QUEUES = [
    ("csam", "Xâm hại tình dục trẻ em (CSAM)", "Chỉ người được cấp quyền. Nội dung không bao giờ hiển thị.", True, 10),
    ("urgent", "Khẩn cấp: trẻ em đang gặp nguy hiểm", "Đồng hồ 12 giờ (Nghị định 56/2017 Điều 26).", False, 20),
    ("contact", "Dụ dỗ, lừa đảo, tống tiền", "Tiếp xúc nguy hiểm với trẻ em: GROOM, FRAUD.", False, 30),
    ("general", "Chung", "Mọi vụ việc khác.", False, 90),
]
RULES = [
    (10, "CSAM vào hàng đợi CSAM", ["CSAM"], False, "csam"),
    (20, "Trẻ em đang gặp nguy hiểm", [], True, "urgent"),
    (30, "Dụ dỗ, lừa đảo", ["GROOM", "FRAUD"], False, "contact"),
]


def seed(apps, schema_editor):
    Queue = apps.get_model("review", "Queue")
    RoutingRule = apps.get_model("review", "RoutingRule")
    for code, name, description, clearance, order in QUEUES:
        Queue.objects.update_or_create(code=code, defaults={"name": name, "description": description,
                                                            "needs_clearance": clearance, "sort_order": order})
    for sequence, name, categories, urgent, queue in RULES:
        RoutingRule.objects.get_or_create(sequence=sequence, defaults={
            "name": name, "categories": categories, "urgent_only": urgent,
            "queue": Queue.objects.get(code=queue)})


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
