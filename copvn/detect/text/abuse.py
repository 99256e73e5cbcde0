"""The abuse classifier: clean / offensive / hate, as in UIT-ViHSD.

Features are hashed (no vocabulary to ship): character 1–5-grams of the no-diacritics form, which copes
with missing diacritics and misspellings, word 1–2-grams of the normalised form with diacritics, and word
1–3-grams of the no-diacritics form, lower-cased; all TF-IDF weighted. A multinomial logistic regression
gives the scores; per-class offsets chosen by cross-validation of the training split (never on dev or test)
turn them into a label. The model ships as one compressed file of the non-zero
weights; loading it needs NumPy and scikit-learn's hashing only, and gives the same answer every time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from .normalise import Normalised

LABELS = ("clean", "offensive", "hate")
MODEL_PATH = Path(__file__).resolve().parent / "model" / "abuse.npz"
N_FEATURES = 2**19


def _hashing(**options) -> HashingVectorizer:
    return HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, norm=None, dtype=np.float32, **options)


VIEWS = (  # (which form of the text, how it is cut)
    ("plain", _hashing(analyzer="char_wb", ngram_range=(1, 5), lowercase=False)),
    ("text", _hashing(analyzer="word", ngram_range=(1, 2), lowercase=False, token_pattern=r"(?u)\b\w+\b|[^\w\s]")),  # noqa: S106
    ("plain", _hashing(analyzer="word", ngram_range=(1, 3), lowercase=True, token_pattern=r"(?u)\b\w+\b")),  # noqa: S106
)
N_COLUMNS = len(VIEWS) * N_FEATURES


def raw_features(items: list[Normalised]) -> sparse.csr_matrix:
    return sparse.hstack([vectoriser.transform([getattr(n, form) for n in items]) for form, vectoriser in VIEWS],
                         format="csr")


def weight(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF times IDF, each row scaled to unit length."""
    counts = counts.copy()
    counts.data = 1.0 + np.log(counts.data)
    counts = counts.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(counts).tocsr()


@dataclass
class AbuseModel:
    idf: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    offsets: np.ndarray
    meta: dict

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AbuseModel:
        with np.load(path, allow_pickle=False) as data:
            size = int(data["size"])
            if size != N_COLUMNS:
                raise ValueError(f"{path} was built for another feature layout ({size} columns, not {N_COLUMNS}): "
                                 "rebuild it with `copvn train-text --data DIR`")
            idf = np.zeros(size, dtype=np.float32)
            idf[data["idf_index"]] = data["idf_value"]
            coef = np.zeros((len(LABELS), size), dtype=np.float32)
            coef[:, data["coef_index"]] = data["coef_value"].astype(np.float32)
            return cls(idf, coef, data["intercept"], data["offsets"], json.loads(str(data["meta"])))

    def save(self, path: Path = MODEL_PATH) -> None:
        used = np.flatnonzero(np.any(self.coef != 0, axis=0))
        idf_used = np.flatnonzero(self.idf)
        np.savez_compressed(path, size=np.int64(self.idf.size), idf_index=idf_used.astype(np.int32),
                            idf_value=self.idf[idf_used].astype(np.float32), coef_index=used.astype(np.int32),
                            coef_value=self.coef[:, used].astype(np.float16), intercept=self.intercept,
                            offsets=self.offsets, meta=json.dumps(self.meta, ensure_ascii=False))

    def probabilities(self, items: list[Normalised], counts: sparse.csr_matrix | None = None) -> np.ndarray:
        features = weight(raw_features(items) if counts is None else counts, self.idf)
        logits = features @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, items: list[Normalised], counts: sparse.csr_matrix | None = None) -> list[dict]:
        if not items:
            return []
        probs = self.probabilities(items, counts)
        labels = np.argmax(np.log(probs + 1e-12) + self.offsets, axis=1)
        return [{"label": LABELS[k], "scores": {name: round(float(p), 4) for name, p in zip(LABELS, row, strict=True)}}
                for k, row in zip(labels, probs, strict=True)]
