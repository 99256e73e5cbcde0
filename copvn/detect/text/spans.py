"""Offensive words in context: which words of a comment make it offensive (ViHOS-style character spans).

A word table learned from ViHOS train (MIT licence): a word whose normalised, no-diacritics form falls inside
an annotated span at least half of the times it appears (and at least three times) is marked wherever it
appears. Simple and transparent; its span F1 on ViHOS dev is reported by `copvn eval-text`.
"""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter
from pathlib import Path

from .normalise import Normaliser

WORDS_PATH = Path(__file__).resolve().parent / "model" / "offensive_words.txt"
WORD = re.compile(r"[^\W_]+")


def read_vihos(path: Path) -> list[tuple[str, set[int]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["content"] or "", set(ast.literal_eval(row["index_spans"] or "[]"))) for row in csv.DictReader(handle)]


def learn(rows: list[tuple[str, set[int]]], normalise: Normaliser, min_count: int = 3, min_ratio: float = 0.5) -> list[str]:
    inside, total = Counter(), Counter()
    for text, marked in rows:
        item = normalise(text)
        for match in WORD.finditer(item.plain):
            start, end = item.source_span(*match.span())
            total[match.group()] += 1
            if marked & set(range(start, end)):
                inside[match.group()] += 1
    return sorted(w for w, n in total.items() if n >= min_count and inside[w] / n >= min_ratio)


class OffensiveSpans:
    def __init__(self, words: list[str] | None = None, normaliser: Normaliser | None = None):
        self.normalise = normaliser or Normaliser()
        if words is None:
            words = WORDS_PATH.read_text(encoding="utf-8").split() if WORDS_PATH.exists() else []
        self.words = set(words)

    def characters(self, text: str) -> set[int]:
        item = self.normalise(text)
        marked: set[int] = set()
        for match in WORD.finditer(item.plain):
            if match.group() in self.words:
                start, end = item.source_span(*match.span())
                marked.update(i for i in range(start, end) if not text[i].isspace())
        return marked
