"""Near-duplicate clusters (framework-free): reposts of the same harmful post, re-uploads of the same image.

Texts: MinHash over word 3-shingles of the normalised, no-diacritics text (so "mày ngu vl", "may ngu vl" and
"m ngu vl" shingle alike), with LSH to find candidates and the estimated Jaccard similarity to decide.
Images: PDQ distance within a threshold. Both cluster a batch at once (every pair above the bar joins, by
union-find) and assign new items one at a time to an existing cluster or a new one. Each cluster's
representative is its first member.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from .index import hex_to_words
from .text.normalise import Normaliser

NUM_PERM = 64


class _UnionFind:
    def __init__(self):
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the earlier item stays the root: the representative


@dataclass
class Clusters:
    """Cluster labels (the representative's item number) for items added so far."""

    labels: list[int] = field(default_factory=list)

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for item, label in enumerate(self.labels):
            groups.setdefault(label, []).append(item)
        return groups


class TextClusterer:
    def __init__(self, threshold: float = 0.6, normaliser: Normaliser | None = None, shingle: int = 3):
        self.threshold, self.shingle = threshold, shingle
        self.normalise = normaliser or Normaliser()
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: list[MinHash] = []
        self.sets = _UnionFind()

    def signature(self, text: str) -> MinHash:
        """The MinHash of the text's word 3-shingles (normalised), as the clusterer compares them."""
        words = self.normalise(text).plain.split()
        shingles = {" ".join(words[i:i + self.shingle]) for i in range(max(1, len(words) - self.shingle + 1))}
        signature = MinHash(num_perm=NUM_PERM, seed=830)
        for item in shingles:
            signature.update(item.encode("utf-8"))
        return signature

    def add(self, text: str) -> int:
        """Assign one text; returns its cluster's representative item number."""
        signature = self.signature(text)
        item = self.sets.add()
        for other in self.lsh.query(signature):
            if signature.jaccard(self.signatures[other]) >= self.threshold:
                self.sets.union(item, other)
        self.lsh.insert(item, signature)
        self.signatures.append(signature)
        return self.sets.find(item)

    def cluster(self, texts: list[str]) -> Clusters:
        for text in texts:
            self.add(text)
        return Clusters([self.sets.find(i) for i in range(len(self.signatures))])


class ImageClusterer:
    def __init__(self, threshold: int = 31):
        self.threshold = threshold
        self.hashes = np.empty((0, 4), dtype=np.uint64)
        self.sets = _UnionFind()

    def add(self, pdq_hex: str) -> int:
        words = hex_to_words([pdq_hex])
        item = self.sets.add()
        if len(self.hashes):
            distances = np.bitwise_count(self.hashes ^ words[0]).sum(axis=1)
            for other in np.flatnonzero(distances <= self.threshold):
                self.sets.union(item, int(other))
        self.hashes = np.vstack([self.hashes, words])
        return self.sets.find(item)

    def cluster(self, hashes: list[str]) -> Clusters:
        for value in hashes:
            self.add(value)
        return Clusters([self.sets.find(i) for i in range(len(self.hashes))])
