"""Demo monitoring: a drop source whose file of posts goes through the real check (so the monitoring page
shows items, alerts by category and the queue items they made), and a feed paused after errors."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from . import services, watch
from .models import Source

POSTS = [
    ("dl-1", "https://www.facebook.com/groups/tuyenmaunhi/posts/1001",
     "Tuyển mẫu ảnh nhí 12-15 tuổi, lương cao, nhắn riêng cho anh, gửi ảnh toàn thân trước, không cần hỏi bố mẹ"),
    ("dl-2", "https://www.tiktok.com/@thu-thach/video/2002",
     "Thử thách nín thở đến khi ngất, ai làm được quay lại gửi anh, lớp nào nhiều người làm nhất được thưởng"),
    ("dl-3", "https://www.facebook.com/groups/phuhuynh-nhatrang/posts/3003",
     "Các phụ huynh cho hỏi lịch tiêm chủng mở rộng tháng này ở trạm y tế phường Lộc Thọ là ngày nào ạ"),
    ("dl-4", "https://www.facebook.com/groups/keonhacai/posts/4004",
     "Nạp 50k nhận 200k, tài xỉu đổi thưởng uy tín, học sinh sinh viên chơi kiếm tiền tiêu vặt mỗi ngày"),
    ("dl-5", "https://www.facebook.com/groups/tuyenmaunhi/posts/1005",
     "Tuyển mẫu ảnh nhí 12-15 tuổi, lương cao, nhắn riêng cho anh, gửi ảnh toàn thân trước, không cần hỏi bố mẹ nha"),
]


DROP_NAME = "Tệp từ công cụ lắng nghe mạng xã hội"


def add_monitoring(analyst) -> None:
    if Source.objects.filter(name=DROP_NAME).exists():
        return  # filled before (`copvn demo --force`): nothing twice
    drop = services.create(analyst, {"name": DROP_NAME, "kind": Source.Kind.DROP,
                                     "interval_minutes": 30, "enabled": True})
    content = "\n".join(json.dumps({"id": i, "url": u, "text": t, "author": "", "time": ""}, ensure_ascii=False)
                        for i, u, t in POSTS).encode()
    services.add_drop(drop, analyst, "lang-nghe-2026-11.jsonl", content)
    watch.check([drop])
    feed = services.create(analyst, {"name": "Báo điện tử tỉnh — tin mới", "kind": Source.Kind.FEED,
                                     "url": "https://baokhanhhoa.vn/rss/tin-moi.rss", "interval_minutes": 60,
                                     "enabled": False})
    now = timezone.now()
    Source.objects.filter(pk=feed.pk).update(
        status=Source.Status.ERROR, failures=3, last_checked_at=now - dt.timedelta(hours=5),
        last_error_code="fetch.timeout", last_error_params={"host": "baokhanhhoa.vn"},
        last_error="baokhanhhoa.vn: the time limit ran out", checks=41, not_modified=37)
