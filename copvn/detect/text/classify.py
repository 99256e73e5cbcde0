"""The text pipeline behind `copvn classify`: normalise once, then the abuse classifier and every category
detector. The Python API has the same shape as the CLI's JSON lines:

    {"id": ..., "abuse": {"label": "clean"|"offensive"|"hate", "scores": {...}},
     "findings": [{"code": "GROOM", "score": 0.91, "detector": "...", "version": "...", "spans": [[s, e], ...]}]}

A conversation (`classify_thread`, or a line {"id", "messages": [{"from", "text", "time"}, ...]}) is scored as a
whole — grooming shows across messages: one asks the age, another asks for a photo, a third asks for secrecy —
and its spans point into each message: [message index, start, end]. Its abuse label is the worst message's.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from .abuse import MODEL_PATH, AbuseModel, raw_features
from .categories import CATEGORY_MODEL_PATH, CategoryModel, combine, lexicon_matrix
from .lexicon import LexiconDetector
from .normalise import Normaliser

MAX_CHARS = 1_000_000
MAX_MESSAGES = 10_000
SEVERITY = {"clean": 0, "offensive": 1, "hate": 2}


class TextClassifier:
    def __init__(self, model_path=MODEL_PATH, category_path=CATEGORY_MODEL_PATH):
        self.normalise = Normaliser()
        self.abuse = AbuseModel.load(model_path)
        self.lexicon = LexiconDetector(normaliser=self.normalise)
        self.categories = CategoryModel.load(category_path)  # None: the lexicons alone

    def classify_many(self, texts: list[str]) -> list[dict]:
        items = [self.normalise(t[:MAX_CHARS]) for t in texts]
        if not items:
            return []
        counts = raw_features(items)  # hashed once, for the abuse model and the category models
        verdicts = self.abuse.predict(items, counts)
        both = [self.lexicon.findings_and_scores(item) for item in items]
        findings = [[f.as_dict() for f in found] for found, _scores in both]
        if self.categories is not None:
            lexicon_scores = lexicon_matrix([scores for _found, scores in both])
            probabilities = self.categories.probabilities(self.categories.features(items, lexicon_scores, counts))
            findings = [combine(mine, self.categories.findings(item, row))
                        for item, mine, row in zip(items, findings, probabilities, strict=True)]
        return [{"abuse": verdict, "findings": mine} for verdict, mine in zip(verdicts, findings, strict=True)]

    def classify(self, text: str) -> dict:
        return self.classify_many([text])[0]

    def classify_thread(self, messages: list[str]) -> dict:
        """The messages' texts, in order, scored as one conversation; spans as [message, start, end]."""
        messages = messages[:MAX_MESSAGES]
        starts, joined, used = [], [], 0
        for text in messages:
            text = text[:max(0, MAX_CHARS - used)]
            starts.append(used)
            joined.append(text)
            used += len(text) + 1
        whole_text = "\n".join(joined)
        findings = self.classify_many([whole_text])[0]["findings"]
        for finding in findings:
            finding["spans"] = [_into(starts, joined, start, end) for start, end in finding["spans"]]
        verdicts = self.abuse.predict([self.normalise(t) for t in joined]) if joined else []
        worst = max(verdicts, key=lambda v: SEVERITY[v["label"]], default=None)
        return {"abuse": worst or self.abuse.predict([self.normalise(whole_text)])[0], "findings": findings,
                "messages": len(messages)}


def _into(starts: list[int], texts: list[str], start: int, end: int) -> list[int]:
    """A span of the joined conversation as [message index, start, end] within that message."""
    index = max(0, bisect_right(starts, start) - 1)
    return [index, start - starts[index], min(end - starts[index], len(texts[index]))]


@lru_cache(maxsize=1)
def default() -> TextClassifier:
    """Loaded once per process."""
    return TextClassifier()


def classify(text: str) -> dict:
    return default().classify(text)
