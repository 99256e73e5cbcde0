"""Training and evaluating the abuse classifier from the data folder (`copvn train-text`, `copvn eval-text`).

Train on UIT-ViHSD train. The per-class offsets that turn scores into a label are chosen on out-of-fold
scores of a 5-fold cross-validation of the training split, with every copy of a comment in one fold; the
regularisation C and the class weighting were chosen by the same cross-validation (docs/model-card-abuse.md).
So nothing is tuned on UIT-ViHSD dev, and its figure is an honest estimate. Reproducible: the same data gives
the same model (deterministic solver and folds, no random state).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
import unicodedata
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from .abuse import LABELS, AbuseModel, raw_features, weight
from .normalise import Normaliser

C = 8.0
CLASS_WEIGHT = None
FOLDS = 5
OFFSET_GRID = np.arange(-2.0, 2.01, 0.25)


def read_vihsd(path: Path) -> tuple[list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(r["free_text"] or "", int(r["label_id"])) for r in csv.DictReader(handle)]
    return [t for t, _ in rows], np.array([y for _, y in rows])


def comment_key(text: str) -> str:
    """A comment's identity across data sets: NFC, case-folded, words only. ViTHSD and ViHOS re-annotate
    UIT-ViHSD's comments (most of ViTHSD dev and ViHOS dev are UIT-ViHSD train comments), so a comment must be
    recognised whichever file it comes from."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def training_keys(data_dir: Path) -> set[str]:
    """The comments the abuse classifier learned from: a dev split measures it only on comments outside these."""
    texts, _ = read_vihsd(data_dir / "vihsd" / "train.csv")
    return {comment_key(t) for t in texts}


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


def fit(features, labels) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=2000, class_weight=CLASS_WEIGHT, solver="lbfgs").fit(features, labels)


def log_scores(model: LogisticRegression, features) -> np.ndarray:
    return np.log(model.predict_proba(features) + 1e-12)


def train(data_dir: Path, log=print) -> AbuseModel:
    normalise = Normaliser()
    texts, labels = read_vihsd(data_dir / "vihsd" / "train.csv")
    counts = raw_features([normalise(t) for t in texts])
    out_of_fold = np.zeros((len(labels), len(LABELS)))
    folds = GroupKFold(FOLDS).split(counts, labels, groups=[comment_key(t) for t in texts])
    for k, (fit_rows, held_rows) in enumerate(folds, start=1):
        idf = idf_of(counts[fit_rows])
        model = fit(weight(counts[fit_rows], idf), labels[fit_rows])
        out_of_fold[held_rows] = log_scores(model, weight(counts[held_rows], idf))
        log(f"fold {k}/{FOLDS}: macro-F1 {f1_score(labels[held_rows], out_of_fold[held_rows].argmax(1), average='macro'):.4f}")
    offsets, cv_f1 = best_offsets(out_of_fold, labels)
    log(f"cross-validated macro-F1 {cv_f1:.4f} with offsets {offsets.tolist()}")
    idf = idf_of(counts)
    model = fit(weight(counts, idf), labels)
    meta = {"name": "copvn-abuse", "version": f"1.1+data.{data_digest(data_dir)}", "C": C,
            "trained_on": f"UIT-ViHSD train ({len(texts):,} comments)",
            "tuned_on": f"UIT-ViHSD train, {FOLDS}-fold cross-validation grouped by comment (C, class weights, "
                        "class offsets); UIT-ViHSD dev untouched",
            "labels": list(LABELS), "cross_validation": {"folds": FOLDS, "macro_f1": round(cv_f1, 4)}}
    trained = AbuseModel(idf, model.coef_.astype(np.float32), model.intercept_.astype(np.float64), offsets, meta)
    dev_texts, dev_labels = read_vihsd(data_dir / "vihsd" / "dev.csv")
    trained.meta["dev"] = evaluate_vihsd(trained, dev_texts, dev_labels, normalise)
    log(f"UIT-ViHSD dev: {trained.meta['dev']}")
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
