"""`copvn eval-text`: the abuse classifier on every dev split, offensive spans on ViHOS dev, and the
category detectors on the project's own evaluation set. Never reads a test split."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from .abuse import LABELS, AbuseModel
from .lexicon import LexiconDetector
from .normalise import Normaliser
from .spans import OffensiveSpans, read_vihos
from .training import evaluate_vihsd, read_vihsd

DEFAULT_CATEGORIES = Path(__file__).resolve().parents[3] / "tests" / "data" / "category_eval.jsonl"


def _labels(model: AbuseModel, normalise: Normaliser, texts: list[str]) -> list[int]:
    return [LABELS.index(p["label"]) for p in model.predict([normalise(t) for t in texts])]


def _binary(gold, predicted) -> dict:
    return {"accuracy": round(accuracy_score(gold, predicted), 4), "macro_f1": round(f1_score(gold, predicted, average="macro"), 4),
            "n": len(gold)}


def victsd(model, normalise, path: Path) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [(r["Comment"] or "", int(r["Toxicity"])) for r in csv.DictReader(handle)]
    predicted = [int(k > 0) for k in _labels(model, normalise, [t for t, _ in rows])]
    return {"split": "ViCTSD valid (toxic = offensive or hate)", **_binary([y for _, y in rows], predicted)}


def vithsd(model, normalise, path: Path) -> dict:
    columns = ("individual", "groups", "religion/creed", "race/ethnicity", "politics")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gold = [max(0, max(int(r[c] or 0) for c in columns) - 1) for r in rows]  # 0/1 → clean, 2 → offensive, 3 → hate
    predicted = _labels(model, normalise, [r["content"] or "" for r in rows])
    return {"split": "ViTHSD dev (worst label over targets)", **_binary(gold, predicted)}


def vihos_spans(normalise, path: Path) -> dict:
    spans = OffensiveSpans(normaliser=normalise)
    tp = fp = fn = 0
    for text, gold in read_vihos(path):
        found = spans.characters(text)
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"split": "ViHOS dev (character spans, micro)", "precision": round(precision, 4), "recall": round(recall, 4),
            "span_f1": round(f1, 4)}


def categories(path: Path, normalise) -> list[dict]:
    detector = LexiconDetector(normaliser=normalise)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [{f.code for f in detector(normalise(r["text"]))} for r in rows]
    results = []
    for code in detector.codes:
        gold = [code in r["codes"] for r in rows]
        predicted = [code in f for f in found]
        if not any(gold):
            continue
        results.append({"code": code, "positives": sum(gold), "examples": len(rows),
                        "precision": round(precision_score(gold, predicted, zero_division=0), 4),
                        "recall": round(recall_score(gold, predicted, zero_division=0), 4)})
    return results


def evaluate_all(data_dir: Path, categories_path: Path | None = None):
    normalise, model = Normaliser(), AbuseModel.load()
    dev_texts, dev_y = read_vihsd(data_dir / "vihsd" / "dev.csv")
    yield {"split": "UIT-ViHSD dev (3 classes)", **evaluate_vihsd(model, dev_texts, dev_y, normalise)}
    yield victsd(model, normalise, data_dir / "victsd" / "ViCTSD_valid.csv")
    yield vithsd(model, normalise, data_dir / "vithsd" / "dev.csv")
    yield vihos_spans(normalise, data_dir / "vihos" / "span" / "dev.csv")
    path = categories_path or DEFAULT_CATEGORIES
    if path.exists():
        for row in categories(path, normalise):
            yield {"split": f"category evaluation set ({path.name})", **row}
