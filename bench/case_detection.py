"""Detection on every case: time of `copvn.review.detection.detect_case` per case, per detector and in total,
over synthetic cases made through the intake service (SQLite in a throwaway data directory, one core).

    .venv/bin/python bench/case_detection.py [--cases 200] [--pdq-entries 10000]

Each case has a report (a description: grooming cues, a child's details, or plain text), one screenshot and
one URL, and a finished capture whose text is a news-style article of ~300 words. The lists hold
`--pdq-entries` random PDQ hashes, as many SHA-256 values and a URL list. "text" is the abuse classifier and
the category lexicons, "pii" children's private information, "lists" the hash and URL lists, "store" the
transaction that writes the findings; the first case (loading the model and the lists) is timed apart.
A second pass over the same cases (nothing new to store) is reported as "rerun".
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTIONS = [
    'Con tôi nhận tin nhắn: "Em học lớp mấy rồi? Đừng nói với bố mẹ là anh nhắn tin cho em nhé"',
    "Em Nguyễn Thị Lan, 12 tuổi, học lớp 6A2 Trường THCS Nguyễn Du, bị lộ ảnh trên nhóm kín.",
    "Trang này đăng nhiều bài quảng cáo, đề nghị kiểm tra.",
]


def setup_django() -> Path:
    data = Path(tempfile.mkdtemp(prefix="copvn-bench-detect-"))
    os.environ.update({"COPVN_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "copvn.settings",
                       "COPVN_LOG_LEVEL": "WARNING"})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return data


def image(rng: random.Random) -> bytes:
    from PIL import Image

    pixels = bytes(rng.randrange(256) for _ in range(160 * 120 * 3))
    out = io.BytesIO()
    Image.frombytes("RGB", (160, 120), pixels).resize((480, 360)).save(out, format="PNG")
    return out.getvalue()


def article(rng: random.Random) -> str:
    source = ROOT / "tests" / "data" / "pii_eval.jsonl"
    paragraphs = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines()]
    chosen = []
    while sum(len(p.split()) for p in chosen) < 300:
        chosen.append(rng.choice(paragraphs))
    return "\n".join(chosen)


def make_lists(rng: random.Random, entries: int) -> None:
    from copvn.lists import services

    for slug, kind, code in [("bench-pdq", "pdq", "CSAM"), ("bench-sha256", "sha256", "CSAM"),
                             ("bench-urls", "url", "GAMB")]:
        hash_list = services.create_list(name=slug, slug=slug, kind=kind, category_code=code)
        values = [f"https://bet{n}.example.vn/" for n in range(entries // 10)] if kind == "url" else \
            [f"{rng.getrandbits(256):064x}" for _ in range(entries)]
        services.add_entries(hash_list, values)


def make_cases(rng: random.Random, count: int) -> list[int]:
    from django.utils import timezone

    from copvn.cases.models import Capture
    from copvn.intake.services import ReportInput, submit

    ids = []
    for n in range(count):
        report, _created = submit(ReportInput(channel="hotline_111", description=DESCRIPTIONS[n % 3],
                                              urls=[f"https://www.facebook.com/groups/{n}/posts/{n + 1}"],
                                              uploads=[(image(rng), "anh.png")]))
        url = report.case.urls.get()
        Capture.objects.create(case_url=url, requested_url=url.first_url, status="done", final_url=url.first_url,
                               title=f"Bài đăng số {n}", text=article(rng), finished_at=timezone.now())
        ids.append(report.case_id)
    return ids


def timed(name: str, function, spent: dict):
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    return run


def instrument(spent: dict) -> None:
    from copvn.review import detection

    for name, group in (("abuse", "text"), ("lexicon", "text"), ("pii", "pii")):
        detection.TEXT_DETECTORS[name] = timed(group, detection.TEXT_DETECTORS[name], spent)
    detection.prime_abuse = timed("text", detection.prime_abuse, spent)
    detection.media_drafts = timed("lists", detection.media_drafts, spent)
    detection.url_drafts = timed("lists", detection.url_drafts, spent)
    detection.store = timed("store", detection.store, spent)


def run_all(ids: list[int], spent: dict) -> dict[str, list[float]]:
    from copvn.review.detection import detect_case

    per_case: dict[str, list[float]] = defaultdict(list)
    for case_id in ids:
        spent.clear()
        started = time.perf_counter()
        result = detect_case(case_id)
        per_case["total"].append(time.perf_counter() - started)
        for name in ("text", "pii", "lists", "store"):
            per_case[name].append(spent[name])
        per_case["new"].append(result["new"])
    return per_case


def summary(per_case: dict[str, list[float]]) -> dict:
    out = {}
    for name in ("text", "pii", "lists", "store", "total"):
        values = per_case[name]
        p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
        out[name] = {"median_ms": round(statistics.median(values) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}
    out["findings_per_case"] = round(statistics.mean(per_case["new"]), 2)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--pdq-entries", type=int, default=10_000)
    args = parser.parse_args()
    data = setup_django()
    rng = random.Random(2026)
    make_lists(rng, args.pdq_entries)
    ids = make_cases(rng, args.cases + 1)
    spent: dict[str, float] = defaultdict(float)
    instrument(spent)
    first = run_all(ids[:1], spent)
    timings = run_all(ids[1:], spent)
    rerun = run_all(ids[1:], spent)
    print(json.dumps({"bench": "case-detection", "cases": args.cases, "pdq_entries": args.pdq_entries,
                      "first_case_ms": round(first["total"][0] * 1000, 1), **summary(timings)},
                     ensure_ascii=False), flush=True)
    print(json.dumps({"bench": "case-detection-rerun", "cases": args.cases, **summary(rerun)}), flush=True)
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
