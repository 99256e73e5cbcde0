"""Time to check a 1,000-word Vietnamese article for children's private information, one core; median of
repeated runs, with the import time reported apart.

    .venv/bin/python bench/pii_speed.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

PARAGRAPH = ("Em Nguyễn Thị Lan (12 tuổi, học sinh lớp 6A2 Trường THCS Nguyễn Du, phường Bắc Nha Trang) bị bạn "
             "đánh. Bố của em là anh Nguyễn Văn Hùng, số điện thoại 0905 123 456. Ông Trần Văn Bình, hiệu trưởng, "
             "cho biết nhà trường đã vào cuộc và sẽ có biện pháp xử lý nghiêm các học sinh liên quan trong thời "
             "gian tới. ")


def article(words: int = 1000) -> str:
    """About 1,000 words of varied news and social text: the evaluation paragraphs one after another (the
    first paragraph repeated when the set is not at hand)."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "tests" / "data" / "pii_eval.jsonl"
    paragraphs = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines()] \
        if source.exists() else [PARAGRAPH]
    chosen, count = [], 0
    while count < words:
        chosen.append(paragraphs[len(chosen) % len(paragraphs)])
        count += len(chosen[-1].split())
    return "\n".join(chosen)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    started = time.perf_counter()
    from copvn.detect.pii import accented_syllables, analyse, gazetteer, name_syllables

    gazetteer(), accented_syllables(), name_syllables()  # data files, loaded once per process
    load_s = time.perf_counter() - started
    text = article()
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        analyse(text)
        timings.append(time.perf_counter() - started)
    huge = "\n".join([text] * (1_000_000 // len(text.encode("utf-8")) + 1))
    started = time.perf_counter()
    analyse(huge)
    huge_s = time.perf_counter() - started
    print(json.dumps({"bench": "pii-article", "words": len(text.split()), "median_ms": round(statistics.median(timings) * 1000, 2),
                      "p90_ms": round(sorted(timings)[int(0.9 * len(timings))] * 1000, 2), "load_s": round(load_s, 3),
                      "one_mb_text_s": round(huge_s, 2), "one_mb_bytes": len(huge.encode("utf-8"))}))


if __name__ == "__main__":
    main()
