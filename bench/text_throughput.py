"""Throughput of the full `classify` pipeline (normalise + abuse classifier + the category lexicons and learned
category models) on one core, the same without the learned models, the lexicon stage alone, and a plain TF-IDF + logistic-regression baseline, in the same run; with the
peak memory of the process and the macro-F1 of both classifiers on UIT-ViHSD dev.

    OMP_NUM_THREADS=1 .venv/bin/python bench/text_throughput.py --data ../shared/data [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from copvn.detect.text.abuse import LABELS
    from copvn.detect.text.classify import TextClassifier
    from copvn.detect.text.training import read_vihsd

    train_texts, train_y = read_vihsd(args.data / "vihsd" / "train.csv")
    dev_texts, dev_y = read_vihsd(args.data / "vihsd" / "dev.csv")
    texts = (dev_texts * (args.n // len(dev_texts) + 1))[: args.n]

    started = time.perf_counter()
    classifier = TextClassifier()
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        classifier.classify_many(texts[i:i + args.batch])
    full = time.perf_counter() - started
    without = TextClassifier(category_path=Path("/nonexistent"))  # the lexicons alone, as before the learned models
    without.classify_many(texts[:args.batch])
    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        without.classify_many(texts[i:i + args.batch])
    lexicons_only = time.perf_counter() - started

    from copvn.detect.text.normalise import Normaliser

    fresh = Normaliser()  # a cold word cache, as for a new process
    started = time.perf_counter()
    items = [fresh(t) for t in texts]
    normalise_s = time.perf_counter() - started
    started = time.perf_counter()
    for item in items:
        classifier.lexicon(item)
    lexicon = time.perf_counter() - started

    copvn_pred = [LABELS.index(r["abuse"]["label"]) for r in classifier.classify_many(dev_texts)]

    baseline = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    model.fit(baseline.fit_transform(train_texts), train_y)
    started = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        model.predict(baseline.transform(texts[i:i + args.batch]))
    base = time.perf_counter() - started
    base_pred = model.predict(baseline.transform(dev_texts))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "bench": "text-throughput", "comments": len(texts), "avg_chars": round(sum(map(len, texts)) / len(texts), 1),
        "copvn_full_pipeline_per_s": rate(len(texts), full), "learned_category_models": classifier.categories is not None,
        "copvn_pipeline_without_learned_models_per_s": rate(len(texts), lexicons_only),
        "copvn_lexicon_stage_per_s": rate(len(texts), lexicon),
        "copvn_normalise_per_s": rate(len(texts), normalise_s),
        "copvn_normalise_and_lexicon_per_s": rate(len(texts), normalise_s + lexicon),
        "baseline_tfidf_lr_per_s": rate(len(texts), base), "copvn_model_load_s": round(load_s, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "vihsd_dev_macro_f1": {"copvn": round(f1_score(dev_y, copvn_pred, average="macro"), 4),
                               "baseline_tfidf_lr": round(f1_score(dev_y, base_pred, average="macro"), 4)},
    }))


if __name__ == "__main__":
    main()
