"""Exact PDQ (256-bit) Hamming search: every listed hash within the threshold, no approximate misses.

Multi-index hashing. A hash is cut into 8 chunks of 32 bits; two hashes within distance t share at least one
chunk within distance floor(t / 8) (pigeonhole). For each chunk there is a table: entry ids sorted by the
chunk's value, bucketed by its high 20 bits, with its low 12 bits alongside. A query visits, per table,
the buckets whose high half differs from the query's in at most r bits, keeps the entries whose low half
is close enough, and checks the survivors on the full 256 bits. A survivor is reported by the first table
in which it qualifies, so nothing is reported twice. Memory: 32 bytes of hash plus 8 × 6 bytes of tables
per entry. Thresholds above MIH_MAX_THRESHOLD use an exact linear scan instead.

`BruteForceIndex` is the oracle the tests compare against.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from numba import njit

CHUNKS = 8
HIGH_BITS = 20  # buckets per table: 2**20 (high 20 bits of the chunk); the low 12 bits are kept beside each id
LOW_BITS = 32 - HIGH_BITS
LOW_MASK = (1 << LOW_BITS) - 1
MIH_MAX_THRESHOLD = 31  # r = floor(t / 8) <= 3: at most 1,351 buckets per table; above, an exact linear scan
DEFAULT_THRESHOLD = 31
BATCH_FROM = 64  # from this many queries at once, probes are sorted by bucket and the tables swept in order
BATCH_SIZE = 4096


def hex_to_words(hexes: list[str]) -> np.ndarray:
    """64-hex-character hashes to an (n, 4) uint64 array (big-endian words)."""
    raw = bytes.fromhex("".join(hexes))
    if len(raw) != 32 * len(hexes):
        raise ValueError("every PDQ hash must be 64 hexadecimal characters")
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)


def words_to_hex(words: np.ndarray) -> list[str]:
    data = np.ascontiguousarray(words, dtype=np.uint64).astype(">u8").tobytes()
    return [data[i:i + 32].hex() for i in range(0, len(data), 32)]


def chunk_values(words: np.ndarray, k: int) -> np.ndarray:
    shift = np.uint64(32 if k % 2 == 0 else 0)
    return ((words[:, k // 2] >> shift) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@lru_cache(maxsize=16)
def _masks(max_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All HIGH_BITS-bit masks with up to max_bits bits set, grouped by bit count (with group offsets)."""
    masks, starts = [], [0]
    for bits in range(max_bits + 1):
        for combo in itertools.combinations(range(HIGH_BITS), bits):
            masks.append(sum(1 << b for b in combo))
        starts.append(len(masks))
    return np.array(masks, dtype=np.uint32), np.array(starts, dtype=np.int64)


@njit(cache=True, inline="always")
def _popcount64(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, inline="always")
def _popcount16(x):
    x = x - ((x >> 1) & 0x5555)
    x = (x & 0x3333) + ((x >> 2) & 0x3333)
    x = (x + (x >> 4)) & 0x0F0F
    return (x + (x >> 8)) & 0x1F


@njit(cache=True, inline="always")
def _chunk(q, k):
    word = q[k // 2]
    if k % 2 == 0:
        return np.uint32((word >> np.uint64(32)) & np.uint64(0xFFFFFFFF))
    return np.uint32(word & np.uint64(0xFFFFFFFF))


@njit(cache=True, inline="always")
def _distance_if_first(h, q, threshold, r, k):
    """The distance if within threshold and table k is the first table in which h qualifies; else -1.
    Reporting a hash only from its first qualifying table is what keeps results free of repeats."""
    d = 0
    for w in range(4):
        d += _popcount64(h[w] ^ q[w])
    if d > threshold:
        return -1
    for j in range(k):
        if _popcount64(np.uint64(_chunk(q, j) ^ _chunk(h, j))) <= r:
            return -1
    return d


@njit(cache=True, inline="always")
def _visit(hashes, orders, lows, offsets, k, bucket, lo, budget, q, qi, threshold, r, out_q, out_id, out_d, found):
    """One bucket of table k: keep entries whose low bits are within budget, verify them on 256 bits, record
    the matches (counting past the buffer's end, so the caller can retry with a larger one)."""
    for e in range(np.int64(offsets[k, bucket]), np.int64(offsets[k, bucket + 1])):
        if _popcount16(np.int64(lows[k, e] ^ lo)) > budget:
            continue
        i = orders[k, e]
        d = _distance_if_first(hashes[i], q, threshold, r, k)
        if d < 0:
            continue
        if found < out_q.shape[0]:
            out_q[found] = qi
            out_id[found] = i
            out_d[found] = d
        found += 1
    return found


@njit(cache=True)
def _search(hashes, orders, lows, offsets, queries, threshold, masks, mask_starts, out_q, out_id, out_d):
    r = threshold // 8
    found = 0
    for qi in range(queries.shape[0]):
        q = queries[qi]
        for k in range(8):
            c = _chunk(q, k)
            hi = c >> LOW_BITS
            lo = c & LOW_MASK
            for bits in range(r + 1):
                budget = r - bits
                for m in range(mask_starts[bits], mask_starts[bits + 1]):
                    found = _visit(hashes, orders, lows, offsets, k, hi ^ masks[m], lo, budget, q, qi, threshold, r,
                                   out_q, out_id, out_d, found)
    return found


@njit(cache=True)
def _search_batch(hashes, orders, lows, offsets, queries, threshold, masks, mask_bits, out_q, out_id, out_d):
    """The same search for many queries at once: per table, the probes of every query are sorted by bucket
    (a counting sort), so the tables are read in one sequential sweep instead of at random."""
    r = threshold // 8
    n_queries, n_masks = queries.shape[0], masks.shape[0]
    n_buckets = offsets.shape[1] - 1
    starts = np.zeros(n_buckets + 1, np.int64)
    probe_q = np.empty(n_queries * n_masks, np.int32)
    probe_m = np.empty(n_queries * n_masks, np.int32)
    his = np.empty(n_queries, np.int64)
    found = 0
    for k in range(8):
        starts[:] = 0
        for qi in range(n_queries):
            his[qi] = np.int64(_chunk(queries[qi], k) >> LOW_BITS)
            for m in range(n_masks):
                starts[(his[qi] ^ masks[m]) + 1] += 1
        for b in range(n_buckets):
            starts[b + 1] += starts[b]
        for qi in range(n_queries):
            for m in range(n_masks):
                bucket = his[qi] ^ masks[m]
                probe_q[starts[bucket]] = qi
                probe_m[starts[bucket]] = m
                starts[bucket] += 1
        for p in range(n_queries * n_masks):
            qi, m = probe_q[p], probe_m[p]
            q = queries[qi]
            bucket = his[qi] ^ masks[m]
            budget = r - mask_bits[m]
            lo = _chunk(q, k) & LOW_MASK
            found = _visit(hashes, orders, lows, offsets, k, bucket, lo, budget, q, qi, threshold, r,
                           out_q, out_id, out_d, found)
    return found


@njit(cache=True)
def _scan(hashes, queries, threshold, out_q, out_id, out_d):
    found = 0
    for qi in range(queries.shape[0]):
        q = queries[qi]
        for i in range(hashes.shape[0]):
            h = hashes[i]
            d = _popcount64(h[0] ^ q[0])
            if d > threshold:
                continue
            d += _popcount64(h[1] ^ q[1]) + _popcount64(h[2] ^ q[2]) + _popcount64(h[3] ^ q[3])
            if d <= threshold:
                if found < out_q.shape[0]:
                    out_q[found] = qi
                    out_id[found] = i
                    out_d[found] = d
                found += 1
    return found


def _collect(kernel, *args, capacity: int):
    while True:
        out_q, out_id, out_d = (np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int64))
        found = kernel(*args, out_q, out_id, out_d)
        if found <= capacity:
            return out_q[:found], out_id[:found], out_d[:found]
        capacity = found


class PDQIndex:
    """Exact radius search over PDQ hashes. Results are (query index, entry index, distance) arrays."""

    def __init__(self, hashes: np.ndarray, orders: np.ndarray, lows: np.ndarray, offsets: np.ndarray):
        self.hashes, self.orders, self.lows, self.offsets = hashes, orders, lows, offsets

    @classmethod
    def build(cls, hashes: np.ndarray) -> PDQIndex:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        n = hashes.shape[0]
        orders = np.empty((CHUNKS, n), dtype=np.uint32)
        lows = np.empty((CHUNKS, n), dtype=np.uint16)
        offsets = np.zeros((CHUNKS, (1 << HIGH_BITS) + 1), dtype=np.uint32 if n < 2**32 else np.int64)
        for k in range(CHUNKS):
            values = chunk_values(hashes, k)
            order = np.argsort(values, kind="stable")
            orders[k] = order
            lows[k] = (values[order] & LOW_MASK).astype(np.uint16)
            offsets[k, 1:] = np.cumsum(np.bincount(values >> LOW_BITS, minlength=1 << HIGH_BITS))
        return cls(hashes, orders, lows, offsets)

    def __len__(self) -> int:
        return self.hashes.shape[0]

    def search(self, queries: np.ndarray, threshold: int = DEFAULT_THRESHOLD):
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        if not 0 <= threshold <= 256:
            raise ValueError("threshold must be between 0 and 256")
        if len(self) == 0 or len(queries) == 0:
            empty = np.empty(0, np.int64)
            return empty, empty, empty
        capacity = max(1024, 8 * len(queries))
        if threshold > MIH_MAX_THRESHOLD:
            return _collect(_scan, self.hashes, queries, threshold, capacity=capacity)
        masks, starts = _masks(threshold // 8)
        if len(queries) < BATCH_FROM:
            return _collect(_search, self.hashes, self.orders, self.lows, self.offsets, queries, threshold, masks,
                            starts, capacity=capacity)
        bits = np.repeat(np.arange(len(starts) - 1), np.diff(starts)).astype(np.int64)
        parts = [_collect(_search_batch, self.hashes, self.orders, self.lows, self.offsets,
                          queries[i:i + BATCH_SIZE], threshold, masks, bits, capacity=capacity)
                 for i in range(0, len(queries), BATCH_SIZE)]
        return (np.concatenate([p[0] + i * BATCH_SIZE for p, i in zip(parts, range(len(parts)), strict=True)]),
                np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]))

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("hashes", "orders", "lows", "offsets"):
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / "index.json").write_text(json.dumps({"kind": "pdq-mih", "chunks": CHUNKS, "high_bits": HIGH_BITS,
                                                         "size": len(self)}))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> PDQIndex:
        folder = Path(folder)
        meta = json.loads((folder / "index.json").read_text())
        if meta.get("kind") != "pdq-mih" or meta.get("chunks") != CHUNKS or meta.get("high_bits") != HIGH_BITS:
            raise ValueError(f"{folder} is not a copvn PDQ index")
        mode = "r" if mmap else None
        arrays = [np.load(folder / f"{name}.npy", mmap_mode=mode) for name in ("hashes", "orders", "lows", "offsets")]
        return cls(*arrays)


class BruteForceIndex:
    """The reference: compares the query with every hash. Slow, obviously right; the tests' oracle."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint64)

    def search(self, queries: np.ndarray, threshold: int = DEFAULT_THRESHOLD):
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        rows = []
        for qi, q in enumerate(queries):
            distances = np.bitwise_count(self.hashes ^ q).sum(axis=1)
            for i in np.flatnonzero(distances <= threshold):
                rows.append((qi, int(i), int(distances[i])))
        if not rows:
            empty = np.empty(0, np.int64)
            return empty, empty, empty
        q, i, d = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
        return q, i, d
