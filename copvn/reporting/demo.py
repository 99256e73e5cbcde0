"""Demo coordination: the tasks of letter 9121/UBND-KGVX's four parts given to the agencies that carry them out,
their activity records, an obstacle raised and one answered, and submissions for the last month."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copvn.coordination import services as coordination
from copvn.coordination.models import Task
from copvn.orgs.models import Organisation

from . import services
from .models import ReportType
from .periods import containing, previous

TASKS = [  # (organisation, title, part of the letter, days from now to the due date)
    ("trung-tam-tiep-nhan-kh", "Theo dõi, kịp thời ngăn chặn, gỡ bỏ thông tin có hại cho trẻ em trên môi trường mạng",
     "Phần 1: Sở chủ trì và Tổ theo dõi, xử lý thông tin sai sự thật, xấu, độc", 30),
    ("sgddt-kh", "Tổ chức giáo dục định kỳ về an toàn trên môi trường mạng tại các trường học",
     "Phần 2: Các sở, ban, ngành, UBND cấp xã thực hiện theo chức năng, nhiệm vụ", 45),
    ("pa05-kh", "Phát hiện, điều tra, xử lý hành vi xâm hại trẻ em trên môi trường mạng",
     "Phần 2: Các sở, ban, ngành, UBND cấp xã thực hiện theo chức năng, nhiệm vụ", 60),
    ("tong-dai-111", "Tiếp nhận, hỗ trợ, can thiệp cho trẻ em bị xâm hại trên môi trường mạng",
     "Phần 2: Các sở, ban, ngành, UBND cấp xã thực hiện theo chức năng, nhiệm vụ", 30),
    ("ubnd-xa-22366", "Tuyên truyền cho cha mẹ về kỹ năng bảo vệ trẻ em trên môi trường mạng tại khu dân cư",
     "Phần 2: Các sở, ban, ngành, UBND cấp xã thực hiện theo chức năng, nhiệm vụ", -3),
    ("mttq-kh", "Tuyên truyền, vận động, giáo dục thanh thiếu niên về môi trường mạng an toàn, lành mạnh",
     "Phần 3: Mặt trận Tổ quốc và các tổ chức chính trị - xã hội", 60),
    ("bao-ptth-kh", "Tăng cường thời lượng, tin bài về bảo vệ trẻ em trên môi trường mạng; xin ý kiến cha mẹ và trẻ em "
     "từ đủ 7 tuổi trước khi đưa thông tin của trẻ lên mạng", "Phần 4: Các cơ quan báo chí", 30),
]

ACTIVITIES = [  # (organisation, kind, days ago, title, figures)
    ("sgddt-kh", "school", 20, "Chuyên đề “An toàn trên không gian mạng” cho học sinh THCS", {"schools": 38, "people_reached": 9200}),
    ("sgddt-kh", "training", 35, "Tập huấn giáo viên chủ nhiệm về phòng, chống bắt nạt trực tuyến", {"people_reached": 410, "schools": 41}),
    ("mttq-kh", "awareness", 12, "Ngày hội “Gia đình an toàn trên mạng” tại phường Nha Trang", {"people_reached": 650}),
    ("bao-ptth-kh", "press", 9, "Chuyên mục “Con an toàn trên mạng” (4 số)", {"articles": 4, "airtime_minutes": 60}),
    ("tong-dai-111", "victim_support", 15, "Hỗ trợ trẻ bị đe dọa tung ảnh qua mạng xã hội", {"support_requests": 6, "children_supported": 6}),
    ("pa05-kh", "inspection", 18, "Kiểm tra các trang quảng cáo cờ bạc nhắm tới học sinh", {"violations_found": 5, "violations_handled": 4}),
]


def add_coordination(lead, people: dict) -> None:
    if Task.objects.filter(origin=Task.Origin.ORDER).exists():
        return  # filled before (`copvn demo --force`)
    today = timezone.localdate()
    for code, title, part, days in TASKS:
        org = Organisation.objects.get(code=code)
        task = coordination.create(org, title, details=f"Công văn số 9121/UBND-KGVX ngày 17/9/2021 — {part}.",
                                   due=today + dt.timedelta(days=days), origin=Task.Origin.ORDER, by=lead)
        if days < 0:
            Task.objects.filter(pk=task.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    for code, kind, ago, title, values in ACTIVITIES:
        org = Organisation.objects.get(code=code)
        author = people.get(code) or lead
        coordination.record_activity(org, author, {"kind": kind, "day": today - dt.timedelta(days=ago), "title": title,
                                                   **values})
    school = people["sgddt-kh"]
    coordination.raise_obstacle(school.organisation, school, "Thiếu tài liệu chuẩn về an toàn trên mạng cho tiểu học",
                                "Đề nghị sở chủ trì cung cấp bộ tài liệu thống nhất để các trường tiểu học sử dụng.")
    answered = coordination.raise_obstacle(
        people["bao-ptth-kh"].organisation, people["bao-ptth-kh"], "Mẫu giấy đồng ý công bố thông tin trẻ em",
        "Đề nghị hướng dẫn mẫu giấy đồng ý dùng chung cho các cơ quan báo chí.")
    coordination.answer_obstacle(answered, lead, "Đã có mẫu giấy đồng ý in từ copvn (trang Đồng ý công bố thông tin "
                                                 "trẻ em, “Tải mẫu giấy đồng ý”).")
    monthly = ReportType.objects.get(code="monthly")
    last = previous(containing("monthly", today))
    sent = services.save_draft(monthly, last.key, school.organisation, school, {
        "results": "Tổ chức chuyên đề tại 38 trường THCS; tập huấn 410 giáo viên.",
        "next_tasks": "Mở rộng chuyên đề tới các trường tiểu học.", "proposals": "Cấp tài liệu thống nhất."})
    services.submit(sent, school)
    press = people["bao-ptth-kh"]
    services.save_draft(monthly, last.key, press.organisation, press, {"results": "Phát 4 số chuyên mục."})
