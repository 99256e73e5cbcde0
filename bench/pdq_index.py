"""PDQ index: build time, resident memory, queries per second on one core and recall, for copvn's index and
python-threatexchange's PDQIndex (what HMA uses), on the same hashes and queries, side by side.

    .venv/bin/python bench/pdq_index.py [--sizes 1000000,10000000,30000000] [--peer-up-to 10000000]
                                        [--truth-up-to 30000000] [--queries 2000] [--threshold 31] [--no-peer]

Half the queries are near-duplicates of listed hashes (distance 1–30), half random. Each side answers the
queries one at a time, twice, and the second pass is timed. Each side runs in its own process so that its
resident memory is its own. The peer is installed in bench/.peer-venv (threatexchange,
faiss-cpu), never in copvn's environment. Recall is measured against an exact linear scan.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "bench" / ".peer-venv"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_data(n: int, queries: int, folder: Path, seed: int = 830):
    import numpy as np

    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, np.iinfo(np.uint64).max, size=(n, 4), dtype=np.uint64, endpoint=True)
    sources = rng.integers(0, n, size=queries // 2)
    np.save(folder / "sources.npy", sources)
    near = hashes[sources].copy()
    for row, distance in zip(near, rng.integers(1, 31, size=len(near)), strict=True):
        for bit in rng.choice(256, distance, replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    random = rng.integers(0, np.iinfo(np.uint64).max, size=(queries - len(near), 4), dtype=np.uint64, endpoint=True)
    np.save(folder / "hashes.npy", hashes)
    np.save(folder / "queries.npy", np.vstack([near, random]))


def side_copvn(folder: Path, threshold: int) -> dict:
    import numpy as np

    from copvn.detect.index import PDQIndex

    hashes = np.load(folder / "hashes.npy")
    queries = np.load(folder / "queries.npy")
    PDQIndex.build(hashes[:1000]).search(queries[:2], threshold)  # compile the kernels, not timed
    before = rss_mb()
    started = time.perf_counter()
    index = PDQIndex.build(hashes)
    build_s = time.perf_counter() - started
    del hashes
    for _ in range(2):  # two passes, the second timed (both sides alike): the first warms caches and clocks
        started = time.perf_counter()
        pairs = [index.search(q[None, :], threshold) for q in queries]  # one query at a time
        single_s = time.perf_counter() - started
    started = time.perf_counter()
    index.search(queries, threshold)  # all of them in one call
    one_call_s = time.perf_counter() - started
    found = {(qi, int(i)) for qi, (_q, ids, _d) in enumerate(pairs) for i in ids}
    index.save(folder / "copvn-index")
    started = time.perf_counter()
    PDQIndex.load(folder / "copvn-index")
    load_s = time.perf_counter() - started
    return {"build_s": round(build_s, 2), "qps": round(len(queries) / single_s, 1),
            "qps_one_call": round(len(queries) / one_call_s, 1), "rss_mb": round(rss_mb(), 1),
            "index_mb": round(rss_mb() - before, 1), "peak_mb": round(peak_mb(), 1), "load_s": round(load_s, 3),
            "found": sorted(found)}


def side_peer(folder: Path, threshold: int) -> dict:
    import numpy as np
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    def hexes(array):
        data = np.ascontiguousarray(array).astype(">u8").tobytes()
        return [data[i:i + 32].hex() for i in range(0, len(data), 32)]

    listed = hexes(np.load(folder / "hashes.npy"))
    queries = hexes(np.load(folder / "queries.npy"))
    before = rss_mb()
    started = time.perf_counter()
    index = PDQIndex(((h, i) for i, h in enumerate(listed)))
    build_s = time.perf_counter() - started
    for _ in range(2):  # two passes, the second timed, as for copvn
        started = time.perf_counter()
        results = [index.query(q) for q in queries]
        single_s = time.perf_counter() - started
    found = {(qi, int(m.metadata)) for qi, matches in enumerate(results) for m in matches
             if m.similarity_info.distance <= threshold}
    return {"build_s": round(build_s, 2), "qps": round(len(queries) / single_s, 1), "rss_mb": round(rss_mb(), 1),
            "index_mb": round(rss_mb() - before, 1), "peak_mb": round(peak_mb(), 1), "found": sorted(found)}


def truth(folder: Path, threshold: int) -> set:
    import numpy as np

    from copvn.detect.index import _collect, _scan

    hashes, queries = np.load(folder / "hashes.npy"), np.load(folder / "queries.npy")
    q, i, _d = _collect(_scan, hashes, queries, threshold, capacity=4 * len(queries))  # exact linear scan
    return set(zip(q.tolist(), i.tolist(), strict=True))


def planted(folder: Path) -> set:
    """The pairs known without a scan: each near-duplicate query and the listed hash it was made from."""
    import numpy as np

    return {(qi, int(i)) for qi, i in enumerate(np.load(folder / "sources.npy"))}


def within(folder: Path, pairs: set, threshold: int) -> bool:
    import numpy as np

    hashes, queries = np.load(folder / "hashes.npy", mmap_mode="r"), np.load(folder / "queries.npy")
    return all(int(np.bitwise_count(hashes[i] ^ queries[q]).sum()) <= threshold for q, i in pairs)


def ensure_peer() -> Path:
    python = PEER / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "threatexchange", "faiss-cpu", "numpy"], check=True)
    return python


def run_side(python: str, side: str, folder: Path, threshold: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([python, __file__, "--side", side, "--folder", str(folder), "--threshold", str(threshold)],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000,30000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--threshold", type=int, default=31)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--truth-up-to", type=int, default=30_000_000,
                        help="above this many hashes, recall is measured on the planted near-duplicates only "
                             "(an exact scan of every query would take most of an hour)")
    parser.add_argument("--peer-up-to", type=int, default=10_000_000,
                        help="run the peer only up to this many hashes (it needs ~0.9 GB per million)")
    parser.add_argument("--side", choices=["copvn", "peer"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.side:
        result = (side_copvn if args.side == "copvn" else side_peer)(args.folder, args.threshold)
        print(json.dumps(result))
        return
    peer = None if args.no_peer else str(ensure_peer())
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="copvn-pdq-") as work:
            folder = Path(work)
            make_data(n, args.queries, folder)
            scanned = n <= args.truth_up_to
            exact = truth(folder, args.threshold) if scanned else planted(folder)
            for name, python in (("copvn", sys.executable), ("python-threatexchange PDQIndex", peer)):
                if python is None or (python == peer and n > args.peer_up_to):
                    continue
                result = run_side(python, "copvn" if name == "copvn" else "peer", folder, args.threshold)
                found = {tuple(p) for p in result.pop("found")}
                result["recall"] = round(len(found & exact) / len(exact), 4) if exact else 1.0
                if scanned:
                    result["false_matches"] = len(found - exact)
                else:  # recall on the planted near-duplicates; every other match checked on its distance
                    result["recall_of"] = "planted near-duplicates"
                    result["other_matches_within_threshold"] = within(folder, found - exact, args.threshold)
                print(json.dumps({"bench": "pdq-index", "index": name, "hashes": n, "queries": args.queries,
                                  "threshold": args.threshold, **result}), flush=True)


if __name__ == "__main__":
    main()
