"""Training and evaluating the abuse classifier from the data folder (`copvn train-text`, `copvn eval-text`).

Train on UIT-ViHSD train; choose C and the per-class offsets on UIT-ViHSD dev only. Reproducible: the same
data gives the same model (deterministic solver, no random state).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from .abuse import LABELS, AbuseModel, raw_features, weight
from .normalise import Normaliser

C_GRID = (2.0, 4.0, 8.0, 16.0)
OFFSET_GRID = np.arange(-1.0, 1.51, 0.25)


def read_vihsd(path: Path) -> tuple[list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(r["free_text"] or "", int(r["label_id"])) for r in csv.DictReader(handle)]
    return [t for t, _ in rows], np.array([y for _, y in rows])


def idf_of(counts) -> np.ndarray:
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
    idf[df == 0] = 0.0
    return idf.astype(np.float32)


def best_offsets(log_probs: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, float]:
    best, best_f1 = np.zeros(len(LABELS)), -1.0
    for a, b in itertools.product(OFFSET_GRID, OFFSET_GRID):
        offsets = np.array([0.0, a, b])
        f1 = f1_score(gold, np.argmax(log_probs + offsets, axis=1), average="macro")
        if f1 > best_f1 + 1e-9:
            best, best_f1 = offsets, f1
    return best, best_f1


def train(data_dir: Path, log=print) -> AbuseModel:
    normalise = Normaliser()
    train_texts, train_y = read_vihsd(data_dir / "vihsd" / "train.csv")
    dev_texts, dev_y = read_vihsd(data_dir / "vihsd" / "dev.csv")
    train_counts = raw_features([normalise(t) for t in train_texts])
    dev_counts = raw_features([normalise(t) for t in dev_texts])
    idf = idf_of(train_counts)
    x_train, x_dev = weight(train_counts, idf), weight(dev_counts, idf)
    best = None
    for c in C_GRID:
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", solver="lbfgs")
        model.fit(x_train, train_y)
        log_probs = np.log(model.predict_proba(x_dev) + 1e-12)
        offsets, f1 = best_offsets(log_probs, dev_y)
        log(f"C={c}: dev macro-F1 {f1:.4f} (offsets {offsets.tolist()})")
        if best is None or f1 > best[0]:
            best = (f1, c, model, offsets)
    f1, c, model, offsets = best
    meta = {"name": "copvn-abuse", "version": f"1.0+data.{data_digest(data_dir)}", "C": c,
            "trained_on": "UIT-ViHSD train (24,048 comments)", "tuned_on": "UIT-ViHSD dev (C and class offsets)",
            "labels": list(LABELS)}
    trained = AbuseModel(idf, model.coef_.astype(np.float32), model.intercept_.astype(np.float64), offsets, meta)
    metrics = evaluate_vihsd(trained, dev_texts, dev_y, normalise)
    trained.meta["dev"] = metrics
    log(f"chosen C={c}: {metrics}")
    return trained


def data_digest(data_dir: Path) -> str:
    """Identifies the training data, so that the same data gives the same model version."""
    digest = hashlib.sha256()
    for name in ("train.csv", "dev.csv"):
        digest.update((data_dir / "vihsd" / name).read_bytes())
    return digest.hexdigest()[:12]


def evaluate_vihsd(model: AbuseModel, texts: list[str], gold: np.ndarray, normalise=None) -> dict:
    normalise = normalise or Normaliser()
    predicted = [LABELS.index(p["label"]) for p in model.predict([normalise(t) for t in texts])]
    return {"accuracy": round(accuracy_score(gold, predicted), 4),
            "macro_f1": round(f1_score(gold, predicted, average="macro"), 4),
            "f1_per_class": dict(zip(LABELS, (round(v, 4) for v in f1_score(gold, predicted, average=None)), strict=True)),
            "n": len(texts)}
