"""The text pipeline behind `copvn classify`: normalise once, then the abuse classifier and every category
detector. The Python API has the same shape as the CLI's JSON lines:

    {"id": ..., "abuse": {"label": "clean"|"offensive"|"hate", "scores": {...}},
     "findings": [{"code": "GROOM", "score": 0.91, "detector": "...", "version": "...", "spans": [[s, e], ...]}]}
"""

from __future__ import annotations

from functools import lru_cache

from .abuse import MODEL_PATH, AbuseModel
from .lexicon import LexiconDetector
from .normalise import Normaliser

MAX_CHARS = 1_000_000


class TextClassifier:
    def __init__(self, model_path=MODEL_PATH):
        self.normalise = Normaliser()
        self.abuse = AbuseModel.load(model_path)
        self.lexicon = LexiconDetector(normaliser=self.normalise)

    def classify_many(self, texts: list[str]) -> list[dict]:
        items = [self.normalise(t[:MAX_CHARS]) for t in texts]
        verdicts = self.abuse.predict(items)
        return [{"abuse": verdict, "findings": [f.as_dict() for f in self.lexicon(item)]}
                for item, verdict in zip(items, verdicts, strict=True)]

    def classify(self, text: str) -> dict:
        return self.classify_many([text])[0]


@lru_cache(maxsize=1)
def default() -> TextClassifier:
    """Loaded once per process."""
    return TextClassifier()


def classify(text: str) -> dict:
    return default().classify(text)
