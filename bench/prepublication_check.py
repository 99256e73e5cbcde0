"""The pre-publication check end to end — HTTP in, verdicts out — for a 1,000-word article naming 3 children,
against 20 consent records of the agency; beside it, `copvn.detect.pii.analyse` alone on the same article.

    .venv/bin/python bench/prepublication_check.py [--requests 100] [--warmup 5]

A fresh data directory and SQLite database; the app served by waitress on 127.0.0.1 in this process; each
request is a real HTTP POST /api/v1/prepublication-checks with a press agency's partner key (the check is also
stored and audited, as in production). Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0
PII_TARGET_MS = 50.0  # the detector alone on a 1,000-word article
CHILDREN = ("Em Nguyễn Thị Lan (6 tuổi), học lớp 1A Trường Tiểu học Vĩnh Hải, rất thích vẽ tranh về biển. ",
            "Bạn cùng trường là em Trần Minh Khoa, 9 tuổi, học lớp 4B, nhà ở phường Vĩnh Hải. ",
            "Còn em Lê Gia Bảo, 11 tuổi, học sinh lớp 6/2 Trường THCS Lý Thường Kiệt, đã đoạt giải nhì. ")
FILLER = ("Cuộc thi vẽ tranh thiếu nhi năm nay thu hút hơn ba trăm bài dự thi từ các trường trên địa bàn tỉnh, "
          "ban tổ chức cho biết chất lượng tác phẩm ngày càng cao và nhiều em thể hiện góc nhìn độc đáo về quê hương. ")


def article() -> str:
    words, parts = 0, []
    for child in CHILDREN:
        parts.append(child)
        words += len(child.split())
    while words < 1000:
        parts.insert(len(parts) // 2, FILLER)
        words += len(FILLER.split())
    return "".join(parts)


def real_news(words: int = 1000) -> str:
    """About `words` words of the real-news evaluation set (tests/data/pii_news.jsonl), paragraph after paragraph."""
    paragraphs, count = [], 0
    for line in (ROOT / "tests" / "data" / "pii_news.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        paragraphs.append(text)
        count += len(text.split())
        if count >= words:
            break
    return "\n".join(paragraphs)


def setup() -> tuple[str, str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copvn.settings")
    os.environ["COPVN_DATA_DIR"] = tempfile.mkdtemp(prefix="copvn-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["COPVN_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from copvn.accounts.models import User
    from copvn.consent import services
    from copvn.intake import keys
    from copvn.orgs.models import Organisation

    agency = Organisation.objects.create(code="bao-kh", name="Báo Khánh Hòa", short_name="BKH", kind="press",
                                         valid_from=dt.date(2020, 1, 1))
    editor = User.objects.create_user("bientap", role="press_editor", organisation=agency)
    names = ["Nguyễn Thị Lan", "Trần Minh Khoa"] + [f"Phạm Văn Tên{i}" for i in range(18)]
    for i, name in enumerate(names):
        services.register(agency, editor, services.ConsentInput(
            child_name=name, valid_from=dt.date(2026, 1, 1), categories=["identity", "school", "residence"],
            media=["online"], date_of_birth=dt.date(2020 if i == 0 else 2016 + i % 5, 3, 1), school="Trường Tiểu học Vĩnh Hải",
            signers=[services.SignerInput(role="parent", full_name="Phụ huynh", signed_on=dt.date(2026, 11, 1))]))
    _key, secret = keys.issue(agency, "bench", "high")
    return secret, article()


def serve():
    from waitress import create_server

    from copvn.wsgi import application

    server = create_server(application, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server.effective_port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    secret, text = setup()
    port = serve()
    body = json.dumps({"title": "Những họa sĩ nhí", "text": text, "publication_date": "2026-12-10"}).encode()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    times, verdicts = [], None
    for i in range(args.warmup + args.requests):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        connection.request("POST", "/api/v1/prepublication-checks", body, headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {payload[:300]!r}")
        if i >= args.warmup:
            times.append(elapsed)
        verdicts = [(v["name"], v["verdict"]) for v in json.loads(payload)["verdicts"]]
    from copvn.detect import pii

    peer = []
    for _ in range(args.requests):
        started = time.perf_counter()
        pii.analyse(text, dt.date(2026, 12, 10))
        peer.append((time.perf_counter() - started) * 1000)
    news, real = real_news(), []
    for _ in range(args.requests):
        started = time.perf_counter()
        pii.analyse(news, dt.date(2026, 12, 10))
        real.append((time.perf_counter() - started) * 1000)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    peer95 = sorted(peer)[int(0.95 * (len(peer) - 1))]
    real95 = sorted(real)[int(0.95 * (len(real) - 1))]
    print(f"article: {len(text.split())} words, 3 children, 20 consent records of the agency")
    print(f"{'what':44} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'POST /api/v1/prepublication-checks (HTTP)':44} {statistics.median(times):8.1f} {p95:8.1f}"
          f"   target p95 < {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'MISSED'}")
    print(f"{'peer: pii.analyse alone, no HTTP, no DB':44} {statistics.median(peer):8.1f} {peer95:8.1f}")
    print(f"{'pii.analyse, 1,000 words of real news':44} {statistics.median(real):8.1f} {real95:8.1f}"
          f"   target < {PII_TARGET_MS:.0f} ms: {'met' if real95 < PII_TARGET_MS else 'MISSED'}")
    print(f"verdicts: {verdicts}")
    print(json.dumps({"bench": "prepublication-check", "words": len(text.split()), "p50_ms": round(statistics.median(times), 1),
                      "p95_ms": round(p95, 1), "peer_p50_ms": round(statistics.median(peer), 1),
                      "peer_p95_ms": round(peer95, 1), "real_news_p95_ms": round(real95, 1), "verdicts": verdicts}, ensure_ascii=False))


if __name__ == "__main__":
    main()
