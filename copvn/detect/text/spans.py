"""Offensive words in context: which words of a comment make it offensive (ViHOS-style character spans).

A word tagger learned from ViHOS train (MIT licence): each word of the normalised text is scored by a
logistic regression over hashed features — the word with and without diacritics, its neighbours two either
side, the bigrams and trigram around it and its character 2–4-grams — and the characters of the words that
reach the threshold are marked. The threshold and C were chosen on a fifth of ViHOS train held out (every
fifth comment), not on dev. Shipped as `model/offensive_spans.npz`; `copvn train-text` rebuilds it, and
`copvn eval-text` reports its span F1 on ViHOS dev.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from .normalise import Normaliser

SPANS_PATH = Path(__file__).resolve().parent / "model" / "offensive_spans.npz"
WORD = re.compile(r"[^\W_]+")
N_FEATURES = 2**20
C = 1.0
THRESHOLD = 0.4
EDGE = "<>"


def read_vihos(path: Path) -> list[tuple[str, set[int]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["content"] or "", set(ast.literal_eval(row["index_spans"] or "[]"))) for row in csv.DictReader(handle)]


def words(text: str, normalise: Normaliser) -> list[tuple[str, str, int, int]]:
    """(no-diacritics form, form with diacritics, start, end in the input) for each word of the text."""
    item = normalise(text)
    found = []
    for match in WORD.finditer(item.plain):
        start, end = item.source_span(*match.span())
        found.append((match.group().lower(), item.text[match.start():match.end()].lower(), start, end))
    return found


def features(sequence: list[tuple[str, str, int, int]], i: int) -> list[str]:
    def plain(j: int) -> str:
        return sequence[j][0] if 0 <= j < len(sequence) else EDGE

    word = plain(i)
    found = [f"w={word}", f"wd={sequence[i][1]}", f"b-={plain(i - 1)}_{word}", f"b+={word}_{plain(i + 1)}",
             f"t={plain(i - 1)}_{word}_{plain(i + 1)}"]
    found += [f"w{k}={plain(i + k)}" for k in (-2, -1, 1, 2)]
    padded = f"<{word}>"
    found += [f"c={padded[a:a + k]}" for k in (2, 3, 4) for a in range(len(padded) - k + 1)]
    return found


def _hasher() -> FeatureHasher:
    return FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False)


def learn(rows: list[tuple[str, set[int]]], normalise: Normaliser) -> OffensiveSpans:
    """Train the tagger on annotated comments: a word is offensive when it overlaps a marked character."""
    rows_features, labels = [], []
    for text, marked in rows:
        sequence = words(text, normalise)
        for i, (_plain, _written, start, end) in enumerate(sequence):
            rows_features.append(features(sequence, i))
            labels.append(int(bool(marked & set(range(start, end)))))
    model = LogisticRegression(C=C, max_iter=3000).fit(_hasher().transform(rows_features), np.array(labels))
    return OffensiveSpans(model.coef_[0].astype(np.float32), float(model.intercept_[0]), normaliser=normalise)


class OffensiveSpans:
    def __init__(self, coef: np.ndarray | None = None, intercept: float = 0.0, normaliser: Normaliser | None = None,
                 path: Path = SPANS_PATH):
        self.normalise = normaliser or Normaliser()
        if coef is None:
            with np.load(path, allow_pickle=False) as data:
                coef = np.zeros(int(data["size"]), dtype=np.float32)
                coef[data["index"]] = data["value"].astype(np.float32)
                intercept = float(data["intercept"])
        self.coef, self.intercept = coef, intercept

    def save(self, path: Path = SPANS_PATH) -> None:
        used = np.flatnonzero(self.coef)
        np.savez_compressed(path, size=np.int64(self.coef.size), index=used.astype(np.int32),
                            value=self.coef[used].astype(np.float16), intercept=np.float64(self.intercept))

    def scores(self, sequence: list[tuple[str, str, int, int]]) -> np.ndarray:
        if not sequence:
            return np.zeros(0)
        matrix = _hasher().transform([features(sequence, i) for i in range(len(sequence))])
        return 1.0 / (1.0 + np.exp(-(matrix @ self.coef + self.intercept)))

    def characters(self, text: str) -> set[int]:
        sequence = words(text, self.normalise)
        marked: set[int] = set()
        for (_plain, _written, start, end), score in zip(sequence, self.scores(sequence), strict=True):
            if score >= THRESHOLD:
                marked.update(i for i in range(start, end) if not text[i].isspace())
        return marked
