"""`copvn eval-text`: the abuse classifier on every dev split, offensive spans on ViHOS dev, and the
category detectors on the project's own evaluation set. Never reads a test split.

ViTHSD and ViHOS re-annotate UIT-ViHSD's comments: 1,033 of ViTHSD dev's 1,201 comments are UIT-ViHSD train
comments, which the classifier learned from. Each extra dev split is therefore measured only on comments the
model (or the span table) did not learn from, and the row says how many were left out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from .abuse import LABELS, AbuseModel
from .lexicon import LexiconDetector
from .normalise import Normaliser
from .spans import OffensiveSpans, read_vihos
from .training import comment_key, evaluate_vihsd, read_vihsd, training_keys

DEFAULT_CATEGORIES = Path(__file__).resolve().parents[3] / "tests" / "data" / "category_eval.jsonl"


def _labels(model: AbuseModel, normalise: Normaliser, texts: list[str]) -> list[int]:
    return [LABELS.index(p["label"]) for p in model.predict([normalise(t) for t in texts])]


def _binary(gold, predicted) -> dict:
    return {"accuracy": round(accuracy_score(gold, predicted), 4), "macro_f1": round(f1_score(gold, predicted, average="macro"), 4),
            "n": len(gold)}


def unseen(rows: list[tuple], seen: set[str]) -> tuple[list[tuple], int]:
    """Rows whose text (first field) is not among the seen comments, and how many were left out."""
    kept = [row for row in rows if comment_key(row[0]) not in seen]
    return kept, len(rows) - len(kept)


def victsd(model, normalise, path: Path, seen: set[str]) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(r["Comment"] or "", int(r["Toxicity"])) for r in csv.DictReader(handle)]
    rows, left_out = unseen(rows, seen)
    predicted = [int(k > 0) for k in _labels(model, normalise, [t for t, _ in rows])]
    return {"split": "ViCTSD valid (toxic = offensive or hate)", **_binary([y for _, y in rows], predicted),
            "left_out_seen_in_training": left_out}


def vithsd(model, normalise, path: Path, seen: set[str]) -> dict:
    columns = ("individual", "groups", "religion/creed", "race/ethnicity", "politics")
    with open(path, encoding="utf-8", newline="") as handle:
        # 0/1 → clean, 2 → offensive, 3 → hate
        rows = [(r["content"] or "", max(0, max(int(r[c] or 0) for c in columns) - 1)) for r in csv.DictReader(handle)]
    rows, left_out = unseen(rows, seen)
    predicted = _labels(model, normalise, [t for t, _ in rows])
    return {"split": "ViTHSD dev (worst label over targets)", **_binary([y for _, y in rows], predicted),
            "left_out_seen_in_training": left_out}


def vihos_spans(normalise, path: Path, seen: set[str]) -> dict:
    spans = OffensiveSpans(normaliser=normalise)
    rows, left_out = unseen(read_vihos(path), seen)
    tp = fp = fn = 0
    for text, gold in rows:
        found = spans.characters(text)
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"split": "ViHOS dev (character spans, micro)", "precision": round(precision, 4), "recall": round(recall, 4),
            "span_f1": round(f1, 4), "n": len(rows), "left_out_seen_in_training": left_out}


def categories(path: Path, normalise) -> list[dict]:
    """Precision and recall per code, for each part of the set (dev and the later rounds) and for all of it."""
    detector = LexiconDetector(normaliser=normalise)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [{f.code for f in detector(normalise(r["text"]))} for r in rows]
    splits = sorted({r.get("split", "dev") for r in rows})
    results = []
    for split in [*splits, "all"] if len(splits) > 1 else splits:
        chosen = [i for i, r in enumerate(rows) if split in ("all", r.get("split", "dev"))]
        for code in detector.codes:
            gold = [code in rows[i]["codes"] for i in chosen]
            predicted = [code in found[i] for i in chosen]
            if not any(gold):
                continue
            results.append({"code": code, "part": split, "positives": sum(gold), "examples": len(chosen),
                            "precision": round(precision_score(gold, predicted, zero_division=0), 4),
                            "recall": round(recall_score(gold, predicted, zero_division=0), 4)})
    return results


def evaluate_all(data_dir: Path, categories_path: Path | None = None):
    normalise, model = Normaliser(), AbuseModel.load()
    dev_texts, dev_y = read_vihsd(data_dir / "vihsd" / "dev.csv")
    yield {"split": "UIT-ViHSD dev (3 classes)", **evaluate_vihsd(model, dev_texts, dev_y, normalise)}
    seen = training_keys(data_dir)
    yield victsd(model, normalise, data_dir / "victsd" / "ViCTSD_valid.csv", seen)
    yield vithsd(model, normalise, data_dir / "vithsd" / "dev.csv", seen)
    span_seen = {comment_key(text) for text, _ in read_vihos(data_dir / "vihos" / "span" / "train.csv")}
    yield vihos_spans(normalise, data_dir / "vihos" / "span" / "dev.csv", span_seen)
    path = categories_path or DEFAULT_CATEGORIES
    if path.exists():
        for row in categories(path, normalise):
            yield {"split": f"category evaluation set ({path.name})", **row}
