"""PDQ list memory across processes: one memory-mapped index file shared by two processes, against the
library's in-memory PDQIndex loaded by each process, on the same hashes and queries, side by side.

    .venv/bin/python bench/pdq_list_memory.py [--size 10000000] [--queries 2000] [--threshold 31]

It writes a list of random 256-bit hashes as the platform does (copvn.lists.store.write_base: the PDQIndex
arrays and the entry ids, in a folder of its own), then starts two separate Python processes for each side.
Each loads the index — copvn.lists.store.open_base, the loader under copvn.lists.matching (mapped
read-only and shared), or PDQIndex.load(mmap=False) for the peer (a private copy) — answers every query
one at a time twice and times the second pass, then waits. While both are alive the parent reads each one's
VmRSS (/proc/PID/status) and Rss, Pss and its anonymous and file-backed parts (/proc/PID/smaps_rollup): Pss
divides a page shared by n processes by n, so it is the honest share of each. Half the queries are
near-duplicates of listed hashes (distance 1–30), half random. The list file is freshly written, so it is in
the page cache: these are warm figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VERSION, TOKEN = 1, "bench"


def proc_kib(pid: int | str, name: str, fields: tuple[str, ...]) -> dict[str, float]:
    """Fields (in MiB) of /proc/PID/<name>, read from lines `Field:   123 kB`."""
    found = {}
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        key, _colon, rest = line.partition(":")
        if key in fields:
            found[key] = int(rest.split()[0]) / 1024
    return found


def make_list(size: int, queries: int, folder: Path, seed: int = 830) -> dict:
    import numpy as np

    from copvn.lists import store

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    hashes = rng.integers(0, np.iinfo(np.uint64).max, size=(size, 4), dtype=np.uint64, endpoint=True)
    near = hashes[rng.integers(0, size, size=queries // 2)].copy()
    for row, distance in zip(near, rng.integers(1, 31, size=len(near)), strict=True):
        for bit in rng.choice(256, distance, replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    random = rng.integers(0, np.iinfo(np.uint64).max, size=(queries - len(near), 4), dtype=np.uint64, endpoint=True)
    np.save(folder / "queries.npy", np.vstack([near, random]))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    base = store.write_base(folder / "list", VERSION, TOKEN, hashes, np.arange(1, size + 1, dtype=np.int64))
    return {"generate_s": generated, "build_s": time.perf_counter() - started,
            "file_mib": store.size_on_disk(base.folder) / 2**20}


def worker(side: str, folder: Path, threshold: int) -> None:
    """One process: load the index, answer the queries, report, then wait for a line on stdin."""
    import numpy as np

    from copvn.detect.index import PDQIndex
    from copvn.lists import store

    queries = np.load(folder / "queries.npy")
    tiny = np.ascontiguousarray(queries[:64])
    PDQIndex.build(tiny).search(tiny[:2], threshold)  # compile the kernels (in-memory arrays), not timed
    runtime = proc_kib("self", "status", ("VmRSS",))["VmRSS"]
    started = time.perf_counter()
    path = folder / "list" / f"v{VERSION}-{TOKEN}"
    if side == "mmap":
        base = store.open_base(folder / "list", VERSION, TOKEN)
        search = base.search
    else:
        index = PDQIndex.load(path, mmap=False)
        entry_ids = np.load(path / store.ENTRIES)
        def search(q, t):
            _q, found, distance = index.search(q, t)
            return list(zip(entry_ids[found].tolist(), distance.tolist(), strict=True))
    load_s = time.perf_counter() - started
    search(queries[:1], threshold)  # the read-only (mapped) arrays compile their own specialisation
    for _ in range(2):
        started = time.perf_counter()
        matches = sum(len(search(q[None, :], threshold)) for q in queries)
        elapsed = time.perf_counter() - started
    print(json.dumps({"load_s": load_s, "query_us": elapsed / len(queries) * 1e6, "matches": matches,
                      "runtime_mib": runtime}), flush=True)
    sys.stdin.readline()


def run_side(side: str, folder: Path, threshold: int) -> list[dict]:
    """Two processes of one side, started one after the other, measured while both are alive."""
    processes, rows = [], []
    try:
        for _ in range(2):
            process = subprocess.Popen([sys.executable, __file__, "--worker", side, "--folder", str(folder),
                                        "--threshold", str(threshold)], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True)
            processes.append(process)
            rows.append(json.loads(process.stdout.readline()))
        for process, row in zip(processes, rows, strict=True):
            row.update(proc_kib(process.pid, "status", ("VmRSS",)))
            row.update(proc_kib(process.pid, "smaps_rollup", ("Rss", "Pss", "Pss_Anon", "Pss_File",
                                                                "Shared_Clean", "Private_Clean", "Private_Dirty")))
    finally:
        for process in processes:
            if process.stdin:
                process.stdin.write("\n")
                process.stdin.close()
            process.wait(timeout=60)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--threshold", type=int, default=31)
    parser.add_argument("--worker", choices=["mmap", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.folder, args.threshold)
        return
    with tempfile.TemporaryDirectory(prefix="copvn-pdq-list-") as scratch:
        folder = Path(scratch)
        made = make_list(args.size, args.queries, folder)
        print(f"{args.size:,} hashes: generated in {made['generate_s']:.1f} s, index built and written in "
              f"{made['build_s']:.1f} s; list file {made['file_mib']:,.0f} MiB", file=sys.stderr, flush=True)
        sides = {"mmap": run_side("mmap", folder, args.threshold),
                 "memory": run_side("memory", folder, args.threshold)}
    print_table(args, made, sides)


def print_table(args, made: dict, sides: dict[str, list[dict]]) -> None:
    names = {"mmap": "copvn.lists (memory-mapped, shared)", "memory": "PDQIndex in memory (peer)"}
    print(f"\nPDQ list of {args.size:,} hashes, file {made['file_mib']:,.0f} MiB; {args.queries:,} queries one at a "
          f"time, threshold {args.threshold}; two processes per side, measured while both are alive (MiB; "
          f"'of it index': VmRSS less the process's own before loading, {sides['mmap'][0]['runtime_mib']:,.0f} MiB "
          f"of Python, numpy and numba)\n")
    header = ("side", "proc", "VmRSS", "of it index", "Pss", "Pss anon", "Pss file", "shared", "private",
              "load s", "µs/query", "matches")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for side, rows in sides.items():
        for number, row in enumerate(rows, start=1):
            private = row.get("Private_Clean", 0) + row.get("Private_Dirty", 0)
            cells = (names[side], number, f"{row['VmRSS']:,.0f}", f"{row['VmRSS'] - row['runtime_mib']:,.0f}",
                     f"{row['Pss']:,.0f}", f"{row['Pss_Anon']:,.0f}", f"{row['Pss_File']:,.0f}",
                     f"{row['Shared_Clean']:,.0f}", f"{private:,.0f}", f"{row['load_s']:.2f}",
                     f"{row['query_us']:,.0f}", row["matches"])
            print("| " + " | ".join(str(c) for c in cells) + " |")
    for side, rows in sides.items():
        print(f"{names[side]}: both processes together Pss {sum(r['Pss'] for r in rows):,.0f} MiB, "
              f"VmRSS {sum(r['VmRSS'] for r in rows):,.0f} MiB")


if __name__ == "__main__":
    main()
