"""Exact PDQ (256-bit) Hamming search: every listed hash within the threshold, no approximate misses.

Multi-index hashing. A hash is cut into 8 chunks of 32 bits; two hashes within distance t share at least one
chunk within distance floor(t / 8) (pigeonhole). For each chunk there is a table: entry ids sorted by the
chunk's value, bucketed by its high 21 bits (fewer for smaller lists: about 4 entries a bucket), with
8 of the remaining low bits alongside. A query visits, per table,
the buckets whose high part differs from the query's in at most r bits, keeps the entries whose low part
is close enough, and checks the survivors on the full 256 bits. A survivor is reported by the first table
in which it qualifies, so nothing is reported twice. Thresholds above MIH_MAX_THRESHOLD use an exact linear
scan instead.

Memory per entry: 32 bytes of hash plus, per table, a 3-byte id (4 bytes from 2**24 entries) and the top 8 of
the low bits (a filter; the full hash decides) — 64 bytes, 640 MB at 10 million; plus an 8-byte head per
bucket per table (the bucket's first entry and a 32-bit signature of which values its entries' lowest 5 bits
take): 134 MB at 10 million, 2 MB for 100,000 entries.

A query's cost is memory latency, so the single-query kernel is written for overlapped reads. Per table it
first reads the heads of every bucket it will visit (independent reads, no branch), where the signature ends
most exact-low probes; then scans the kept bits of the remaining buckets (ascending within a bucket, so an
exact probe stops early); then fetches the ids of all candidates, then their hashes, and verifies them. The
queries of a batch run one after another: a kernel that sorted a batch's probes by bucket and swept each
table in order was slower at 10, 30 and 100 million entries, and was removed.

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
MAX_HIGH_BITS = 21  # buckets per table: 2**21 at most (the chunk's high 21 bits; its low 11 bits make the rest)
MIN_HIGH_BITS = 10  # … and fewer for smaller lists, about 4 entries a bucket, so a small list stays small
# Of the low bits, the top 8 are kept beside each id (a filter; the full hash decides), so within a bucket,
# sorted by chunk value, the kept bits never decrease.
SIG_MASK = 31  # a bucket's head: its first entry (32 bits) and which values of the lowest 5 bits it holds
MIH_MAX_THRESHOLD = 31  # r = floor(t / 8) <= 3: at most 1,562 buckets per table; above, an exact linear scan
DEFAULT_THRESHOLD = 31
PENDING = 1024  # candidates of one table collected before they are verified together
FORMAT = 4  # saved-index layout version


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
def _masks(max_bits: int, high_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All high_bits-bit masks with up to max_bits bits set, and the number of bits set in each."""
    masks, bits_set = [], []
    for bits in range(max_bits + 1):
        for combo in itertools.combinations(range(high_bits), bits):
            masks.append(sum(1 << b for b in combo))
            bits_set.append(bits)
    return np.array(masks, dtype=np.uint32), np.array(bits_set, dtype=np.int64)


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
    if _popcount64(np.uint64(_chunk(q, k) ^ _chunk(h, k))) > r:
        return -1  # passed the 8-bit filter but does not qualify in this table: another table reports it
    return d


@njit(cache=True, inline="always")
def _bounds(heads, k, bucket, lo, budget):
    """First and one-past-last entry of a bucket in table k; an empty range when the bucket's signature shows
    that no entry can have exactly these low bits (budget 0). No branch, so that the reads stay overlapped."""
    head = heads[k, bucket]
    first = np.int64(head & np.uint64(0xFFFFFFFF))
    last = np.int64(heads[k, bucket + 1] & np.uint64(0xFFFFFFFF))
    keep = np.int64(budget != 0) | np.int64((head >> np.uint64(32 + (lo & SIG_MASK))) & np.uint64(1))
    return first, first + (last - first) * keep


@njit(cache=True, inline="always")
def _entry(ids, k, e):
    """The entry id stored in little-endian bytes (3 below 2**24 entries, else 4)."""
    value = np.int64(0)
    for b in range(ids.shape[2]):
        value |= np.int64(ids[k, e, b]) << (8 * b)
    return value


@njit(cache=True, inline="always")
def _record(out_q, out_id, out_d, found, qi, i, d):
    """Store a match if the buffers have room; count it either way, so the caller can retry with larger ones."""
    if found < out_q.shape[0]:
        out_q[found] = qi
        out_id[found] = i
        out_d[found] = d
    return found + 1


@njit(cache=True, inline="always")
def _verify(hashes, ids, k, pending, count, ids_of, q, qi, threshold, r, out_q, out_id, out_d, found):
    """Check the pending candidates of table k on 256 bits: first fetch every id, then every hash — two rounds
    of independent reads rather than a chain of dependent ones per candidate."""
    for c in range(count):
        ids_of[c] = _entry(ids, k, pending[c])
    for c in range(count):
        i = ids_of[c]
        d = _distance_if_first(hashes[i], q, threshold, r, k)
        if d >= 0:
            found = _record(out_q, out_id, out_d, found, qi, i, d)
    return found


@njit(cache=True)
def _search(hashes, ids, lows, heads, queries, threshold, masks, mask_bits, high_bits, out_q, out_id, out_d):
    low_bits = 32 - high_bits
    r = threshold // 8
    n_masks = masks.shape[0]
    first = np.empty(n_masks, np.int64)
    last = np.empty(n_masks, np.int64)
    pending = np.empty(PENDING, np.int64)
    ids_of = np.empty(PENDING, np.int64)
    found = 0
    for qi in range(queries.shape[0]):
        q = queries[qi]
        for k in range(8):
            c = _chunk(q, k)
            hi = c >> low_bits
            lo = c & ((1 << low_bits) - 1)
            kept = lo >> (low_bits - 8)
            for m in range(n_masks):  # gather every boundary first: independent reads, overlapped
                first[m], last[m] = _bounds(heads, k, hi ^ masks[m], lo, r - mask_bits[m])
            count = 0
            for m in range(n_masks):  # then the entries whose kept low bits are close enough
                budget = r - mask_bits[m]
                for e in range(first[m], last[m]):
                    if budget == 0 and lows[k, e] > kept:
                        break  # kept bits ascend within a bucket: no exact match further on
                    if _popcount16(np.int64(lows[k, e] ^ kept)) <= budget:
                        pending[count] = e
                        count += 1
                        if count == PENDING:
                            found = _verify(hashes, ids, k, pending, count, ids_of, q, qi, threshold, r,
                                            out_q, out_id, out_d, found)
                            count = 0
            found = _verify(hashes, ids, k, pending, count, ids_of, q, qi, threshold, r, out_q, out_id, out_d,
                            found)
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
                found = _record(out_q, out_id, out_d, found, qi, i, d)
    return found


def _collect(kernel, *args, capacity: int):
    while True:
        out_q, out_id, out_d = (np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int64))
        found = kernel(*args, out_q, out_id, out_d)
        if found <= capacity:  # copies, so a result does not keep the whole buffer alive
            return out_q[:found].copy(), out_id[:found].copy(), out_d[:found].copy()
        capacity = found


def bucket_bits(n: int) -> int:
    """Buckets per table for n entries: about 4 entries a bucket, between 2**10 and 2**21 buckets."""
    return min(MAX_HIGH_BITS, max(MIN_HIGH_BITS, max(n, 1).bit_length() - 2))


class PDQIndex:
    """Exact radius search over PDQ hashes. Results are (query index, entry index, distance) arrays."""

    ARRAYS = ("hashes", "ids", "lows", "heads")

    def __init__(self, hashes: np.ndarray, ids: np.ndarray, lows: np.ndarray, heads: np.ndarray):
        self.hashes, self.ids, self.lows, self.heads = hashes, ids, lows, heads

    @classmethod
    def build(cls, hashes: np.ndarray, id_bytes: int | None = None, high_bits: int | None = None) -> PDQIndex:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        n = hashes.shape[0]
        if n >= 2**32:
            raise ValueError("a PDQ index holds fewer than 2**32 hashes; split the list")
        id_bytes = id_bytes or (3 if n < 2**24 else 4)
        high_bits = high_bits or bucket_bits(n)
        low_bits = 32 - high_bits
        n_buckets = 1 << high_bits
        ids = np.empty((CHUNKS, n, id_bytes), dtype=np.uint8)
        lows = np.empty((CHUNKS, n), dtype=np.uint8)
        heads = np.empty((CHUNKS, n_buckets + 1), dtype=np.uint64)
        offsets = np.zeros(n_buckets + 1, dtype=np.int64)
        sig = np.zeros(n_buckets + 1, dtype=np.uint64)
        for k in range(CHUNKS):
            values = chunk_values(hashes, k)
            order = np.argsort(values, kind="stable")
            ids[k] = order.astype("<u8").view(np.uint8).reshape(n, 8)[:, :id_bytes]
            values = values[order]
            del order
            lows[k] = ((values & ((1 << low_bits) - 1)) >> (low_bits - 8)).astype(np.uint8)
            offsets[1:] = np.cumsum(np.bincount(values >> low_bits, minlength=n_buckets))
            bits = np.left_shift(np.uint32(1), (values & SIG_MASK).astype(np.uint32))
            filled = np.flatnonzero(offsets[1:] > offsets[:-1])
            sig[:] = 0
            if len(filled):
                sig[filled] = np.bitwise_or.reduceat(bits, offsets[filled])
            heads[k] = offsets.astype(np.uint64) | (sig << np.uint64(32))
            del values, bits
        return cls(hashes, ids, lows, heads)

    def __len__(self) -> int:
        return self.hashes.shape[0]

    def search(self, queries: np.ndarray, threshold: int = DEFAULT_THRESHOLD):
        """Every (query, entry, distance) within the threshold."""
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        if not 0 <= threshold <= 256:
            raise ValueError("threshold must be between 0 and 256")
        if len(self) == 0 or len(queries) == 0:
            empty = np.empty(0, np.int64)
            return empty, empty, empty
        capacity = max(64, 8 * len(queries))
        if threshold > MIH_MAX_THRESHOLD:
            return _collect(_scan, self.hashes, queries, threshold, capacity=capacity)
        masks, bits = _masks(threshold // 8, self.high_bits)
        tables = (self.hashes, self.ids, self.lows, self.heads)
        return _collect(_search, *tables, queries, threshold, masks, bits, self.high_bits, capacity=capacity)

    @property
    def high_bits(self) -> int:
        return (self.heads.shape[1] - 1).bit_length() - 1

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / "index.json").write_text(json.dumps({"kind": "pdq-mih", "format": FORMAT, "chunks": CHUNKS,
                                                         "high_bits": self.high_bits,
                                                         "size": len(self)}))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> PDQIndex:
        folder = Path(folder)
        meta = json.loads((folder / "index.json").read_text())
        if meta.get("kind") != "pdq-mih":
            raise ValueError(f"{folder} is not a copvn PDQ index")
        if (meta.get("format"), meta.get("chunks")) != (FORMAT, CHUNKS):
            raise ValueError(f"{folder} was saved by another version of copvn's PDQ index: rebuild it from its list")
        mode = "r" if mmap else None
        return cls(*(np.load(folder / f"{name}.npy", mmap_mode=mode) for name in cls.ARRAYS))


class BruteForceIndex:
    """The reference: compares the query with every hash. Slow, obviously right; the tests' oracle."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint64)

    def search(self, queries: np.ndarray, threshold: int = DEFAULT_THRESHOLD):
        """Every (query, entry, distance) within the threshold."""
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
