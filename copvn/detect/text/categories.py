"""The learned category detectors: one logistic regression per taxonomy code over the same hashed n-grams as
the abuse classifier (character 1–5-grams of the no-diacritics form, word 1–2-grams with diacritics, word
1–3-grams without) and, as extra features, the score of every code's lexicon. Trained on the category corpus
(`copvn/detect/text/corpus/`, docs/model-card-categories.md) by `copvn train-text`; the model ships as one
compressed file of its non-zero weights.

A finding's spans are the words whose n-grams pushed the code's score up most (the model's strongest
evidence in this text), beside the lexicon's phrases. The lexicons stay in charge of what analysts add: a
lexicon finding is always reported (the model can add findings, never remove one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from .abuse import N_COLUMNS, VIEWS, raw_features, weight
from .normalise import Normalised

CATEGORY_MODEL_PATH = Path(__file__).resolve().parent / "model" / "categories.npz"
CODES = ("BULLY", "CSAM", "DRUG", "FRAUD", "GAMB", "GROOM", "HATE", "PORN", "PRIV", "SELFH", "VIOL")
DETECTOR = "copvn.categories"
SPAN_WORDS = 4  # the strongest words shown as a finding's evidence
WORD = re.compile(r"\w+")
# Pronouns, forms of address and particles carry weight in the models (a groomer writes "anh" and "em") but
# say nothing to a reviewer as evidence: never shown as spans. Compared without diacritics.
NOT_EVIDENCE = frozenset("""anh em chi ong ba co chu bac chau con be ban minh tao may to cau no ho ta chung tui toi
nhe nha nhi a a oi ha ne nhu va la co khong thi ma cua cho voi de roi da dang se bi duoc cung con nay kia do
nao gi sao the vay ne di ra vao len xuong lai""".split())


@dataclass
class CategoryModel:
    idf: np.ndarray
    coef: sparse.csr_matrix  # (codes, N_COLUMNS + len(CODES)): n-gram weights, then the lexicon scores' weights
    intercept: np.ndarray
    thresholds: np.ndarray
    meta: dict

    @classmethod
    def load(cls, path: Path = CATEGORY_MODEL_PATH) -> CategoryModel | None:
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            size = int(data["size"])
            if size != N_COLUMNS + len(CODES):
                raise ValueError(f"{path} was built for another feature layout: rebuild it with `copvn train-text`")
            idf = np.zeros(N_COLUMNS, dtype=np.float32)
            idf[data["idf_index"]] = data["idf_value"]
            index, values = data["coef_index"], data["coef_value"].astype(np.float32)  # (codes, used columns)
            coef = sparse.csr_matrix((values.ravel(), np.tile(index, len(CODES)),
                                      np.arange(0, values.size + 1, len(index))), shape=(len(CODES), size))
            coef.eliminate_zeros()
            return cls(idf, coef, data["intercept"], data["thresholds"], json.loads(str(data["meta"])))

    def save(self, path: Path = CATEGORY_MODEL_PATH) -> None:
        """As the abuse model is kept: the columns any code uses, once, and each code's weights on them (every
        code learns on the same training features, so one index serves all)."""
        coef = sparse.csc_matrix(self.coef)
        columns = np.flatnonzero(np.diff(coef.indptr))
        idf_used = np.flatnonzero(self.idf)
        np.savez_compressed(path, size=np.int64(N_COLUMNS + len(CODES)), idf_index=idf_used.astype(np.int32),
                            idf_value=self.idf[idf_used], coef_index=columns.astype(np.int32),
                            coef_value=coef[:, columns].toarray().astype(np.float16), intercept=self.intercept,
                            thresholds=self.thresholds, meta=json.dumps(self.meta, ensure_ascii=False))

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "0"))

    def features(self, items: list[Normalised], lexicon_scores: np.ndarray, counts=None) -> sparse.csr_matrix:
        counts = raw_features(items) if counts is None else counts
        return sparse.hstack([weight(counts, self.idf), sparse.csr_matrix(lexicon_scores, dtype=np.float32)],
                             format="csr")

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        if "_transposed" not in self.__dict__:
            self.__dict__["_transposed"] = self.coef.T.tocsr()  # (features, codes): one product per batch
        logits = np.asarray((features @ self.__dict__["_transposed"]).todense()) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def _weighted(self, k: int) -> sparse.csr_matrix:
        """Code k's n-gram weights times their IDF, as a column (cached: built once per code)."""
        cache = self.__dict__.setdefault("_columns", {})
        if k not in cache:
            cache[k] = sparse.csr_matrix(self.coef[k, :N_COLUMNS].multiply(self.idf).T)
        return cache[k]

    def findings(self, item: Normalised, probabilities: np.ndarray) -> list[dict]:
        out = []
        for k in np.flatnonzero(probabilities >= self.thresholds):
            out.append({"code": CODES[k], "score": round(float(probabilities[k]), 4), "detector": DETECTOR,
                        "version": self.version, "spans": self.evidence(item, int(k))})
        return out

    def evidence(self, item: Normalised, k: int) -> list[list[int]]:
        """The words of the text whose own n-grams carry the most positive weight for code `k` (all words hashed
        in one batch, weighed with one product)."""
        words = [m for m in WORD.finditer(item.plain) if m.group(0).lower() not in NOT_EVIDENCE][:2000]
        if not words:
            return []
        singles = [Normalised(m.group(0), item.text[m.start():m.end()], m.group(0), (0,), ((0, 0, True),))
                   for m in words]
        values = np.asarray((raw_features(singles) @ self._weighted(k)).todense()).ravel()
        best = [i for i in np.argsort(-values)[:SPAN_WORDS] if values[i] > 0]
        return sorted([list(item.source_span(words[i].start(), words[i].end())) for i in best])


def lexicon_matrix(scores: list[dict[str, float]]) -> np.ndarray:
    """The lexicons' per-code scores of each text (LexiconDetector.scores) as the models' extra feature columns."""
    return np.array([[mine.get(code, 0.0) for code in CODES] for mine in scores], dtype=np.float32).reshape(-1, len(CODES))


def combine(lexicon: list[dict], learned: list[dict]) -> list[dict]:
    """One finding per code: the lexicon's (always kept, an analyst's phrase must still fire) with the model's
    score when higher and both sets of spans; or the model's alone."""
    by_code = {f["code"]: dict(f) for f in lexicon}
    for f in learned:
        mine = by_code.get(f["code"])
        if mine is None:
            by_code[f["code"]] = f
        else:
            mine["score"] = max(mine["score"], f["score"])
            mine["spans"] = sorted({tuple(s) for s in mine["spans"]} | {tuple(s) for s in f["spans"]})
            mine["spans"] = [list(s) for s in mine["spans"]]
            mine["detector"] = f"{mine['detector']}+{DETECTOR}"
    return sorted(by_code.values(), key=lambda f: -f["score"])


__all__ = ["CATEGORY_MODEL_PATH", "CODES", "CategoryModel", "VIEWS", "combine"]
