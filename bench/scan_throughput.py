"""Bulk scans: posts per second per core of `copvn scan` (abuse classifier, category lexicons and learned models,
children's private information, a URL list) against a plain single-process loop over the same detectors, in
the same run: in this process, on a pool of 2 processes, and on a local Dask cluster (Dask's own LocalCluster,
processes, one thread each) with 1 and 2 workers, with the peak memory of each worker.

    .venv/bin/python bench/scan_throughput.py --data ../shared/data [--posts 40000] [--list 100000]

Posts are real comments (UIT-ViHSD dev) joined to about 200 characters, each with a URL; one in fifty is a
grooming message or a child's details, so alerts are found. The URL list has `--list` entries (domains,
prefixes and exact URLs), a hundred of which the posts' URLs fall under.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXTRA = ["Em năm nay bao nhiêu tuổi rồi, gửi ảnh cho anh xem trước nhé, đừng nói với bố mẹ, anh chuyển tiền cho",
         "Cháu Nguyễn Văn An, 9 tuổi, học lớp 4 trường Tiểu học Lê Lợi, trú tại thôn 2 xã Ninh Hòa, nhà gần chợ"]


def make_posts(data: Path, n: int, path: Path) -> int:
    from copvn.detect.text.training import read_vihsd

    texts, _labels = read_vihsd(data / "vihsd" / "dev.csv")
    rng = random.Random(7)
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = ""
            while len(text) < 190:
                text = (text + " " + rng.choice(texts)).strip()
            text = EXTRA[i % 2] if i % 50 == 0 else text[:230]
            chars += len(text)
            host = f"site{i % 500}.example" if i % 400 else "bad0.example"
            out.write(json.dumps({"id": f"p{i}", "url": f"https://{host}/posts/{i}", "text": text, "author": f"a{i % 97}",
                                  "time": "2026-11-20T08:00:00+07:00"}, ensure_ascii=False) + "\n")
    return round(chars / n)


def make_lists(entries: int):
    from copvn.detect.scan import Lists, ListSnapshot

    values = [f"domain:bad{i}.example" for i in range(entries // 2)]
    values += [f"prefix:https://host{i}.example/groups/{i}" for i in range(entries // 4)]
    values += [f"https://host{i}.example/p/{i}" for i in range(entries - len(values))]
    return Lists([ListSnapshot("bench", "url", "PORN", False, 1, values)])


def plain_loop(path: Path, lists) -> tuple[float, int]:
    """The peer: read, parse, the same detectors (one Scanner, batches of 1,000), write — no chunking machinery."""
    from copvn.detect.scan import Scanner, Thresholds

    scanner = Scanner(lists, Thresholds())
    started, done, out, batch = time.perf_counter(), 0, io.StringIO(), []
    with path.open("rb") as f:
        for line in f:
            batch.append(json.loads(line))
            if len(batch) == 1000:
                out.write("\n".join(json.dumps(r, ensure_ascii=False) for r in scanner.scan_posts(batch)) + "\n")
                done, batch = done + len(batch), []
    if batch:
        out.write("\n".join(json.dumps(r, ensure_ascii=False) for r in scanner.scan_posts(batch)) + "\n")
        done += len(batch)
    return time.perf_counter() - started, done


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def on_dask(path: Path, lists, workers: int) -> dict:
    from distributed import Client, LocalCluster

    from copvn.detect import bulk

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        warm = io.StringIO()  # load the models on every worker first: start-up is not the scan
        bulk.run([str(path)], warm, cluster=cluster.scheduler_address, lists=lists, chunk_lines=10)
        before = client.run(_peak_mb)
        out = io.StringIO()
        summary = bulk.run([str(path)], out, cluster=cluster.scheduler_address, lists=lists)
        return {"posts_per_s": summary.per_second, "seconds": summary.seconds, "lines": summary.lines,
                "peak_mb_per_worker": sorted(client.run(_peak_mb).values()),
                "peak_mb_before_scan": sorted(before.values())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=40000)
    parser.add_argument("--list", type=int, default=100_000)
    args = parser.parse_args()

    from copvn.detect import bulk
    from copvn.detect.scan import Thresholds, scanner_for

    folder = Path(tempfile.mkdtemp(prefix="copvn-scan-bench-"))
    path = folder / "posts.jsonl"
    average = make_posts(args.data, args.posts, path)
    lists = make_lists(args.list)
    small = folder / "small.jsonl"
    small.write_text("".join(path.open(encoding="utf-8").readlines()[:2000]), encoding="utf-8")
    figures = {"posts": args.posts, "average_chars": average, "list_entries": args.list, "cpus": os.cpu_count()}

    started = time.perf_counter()
    scanner_for(lists, Thresholds())  # models and lists loaded once, as a worker does
    figures["load_s"] = round(time.perf_counter() - started, 2)
    seconds, done = plain_loop(path, lists)
    figures["plain_loop_posts_per_s"] = round(done / seconds, 1)
    out = io.StringIO()
    summary = bulk.run([str(path)], out, workers=1, lists=lists)
    figures["scan_1_process_posts_per_s"] = summary.per_second
    figures["scan_alerts"] = summary.alerts
    bulk.run([str(small)], io.StringIO(), workers=2, lists=lists)  # the pool's start-up, not timed
    summary = bulk.run([str(path)], io.StringIO(), workers=2, lists=lists)
    figures["scan_pool_2_posts_per_s"] = summary.per_second
    figures["peak_mb_this_process"] = _peak_mb()
    figures["dask_1_worker"] = on_dask(path, lists, 1)
    figures["dask_2_workers"] = on_dask(path, lists, 2)
    figures["dask_speedup_2_over_1"] = round(figures["dask_2_workers"]["posts_per_s"]
                                             / figures["dask_1_worker"]["posts_per_s"], 2)
    for name in ("plain_loop_posts_per_s", "scan_1_process_posts_per_s", "scan_pool_2_posts_per_s"):
        print(f"{name:32} {figures[name]:>10,.1f}", file=sys.stderr)
    for name in ("dask_1_worker", "dask_2_workers"):
        d = figures[name]
        print(f"{name:32} {d['posts_per_s']:>10,.1f}  peak MB/worker {d['peak_mb_per_worker']}", file=sys.stderr)
    print(json.dumps(figures))
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
