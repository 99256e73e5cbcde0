"""Precision, recall and F1 of `analyse` over an annotated set (`copvn eval-pii`)."""

from __future__ import annotations

import datetime as dt

from .analysis import analyse


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(rows: list[dict]) -> list[dict]:
    """Precision, recall and F1 over an annotated set (tests/data/pii_eval.jsonl), per split and for all rows.

    A finding is right when an expected span of the same type overlaps it (each expected span counts once).
    Besides every type: `child` (the child decision: a child's name found and decided a child; adults and
    16–17-year-olds decided children are errors) and `child_name`, `child_age`, `child_address` (a child's
    item found and not given to an adult; a finding given to a child that is not a child's item is an error)."""
    from collections import Counter, defaultdict

    counts: dict[str, tuple[Counter, Counter, Counter]] = defaultdict(lambda: (Counter(), Counter(), Counter()))
    for row in rows:
        date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
        result = analyse(row["text"], date)
        persons, found = result["persons"], result["findings"]
        tp, fp, fn = counts[row.get("split", "all")]
        expected = [(e[0], (e[2], e[3]), bool(e[4]) if len(e) > 4 else False) for e in row["expect"]]
        used: set[int] = set()
        for f in found:
            span = (f["start"], f["end"])
            hit = next((i for i, (kind, want, _) in enumerate(expected)
                        if i not in used and kind == f["type"] and _overlaps(span, want)), None)
            if hit is None:
                fp[f["type"]] += 1
            else:
                used.add(hit)
                tp[f["type"]] += 1
            decided = f["person"] is not None and persons[f["person"]]["child"] is True
            if decided and f["type"] in ("name", "age", "address"):
                if not any(kind == f["type"] and mine and _overlaps(span, want) for kind, want, mine in expected):
                    fp["child_" + f["type"]] += 1
        for i, (kind, want, mine) in enumerate(expected):
            if i not in used:
                fn[kind] += 1
            if mine and kind in ("name", "age", "address"):
                ok = any(f["type"] == kind and _overlaps((f["start"], f["end"]), want)
                         and (f["person"] is None or persons[f["person"]]["child"] is not False) for f in found)
                tp["child_" + kind] += ok
                fn["child_" + kind] += not ok
        children = [(f["start"], f["end"]) for f in found if f["type"] == "name" and f["person"] is not None
                    and persons[f["person"]]["child"] is True]
        for _, start, end in row.get("children", []):
            hit = any(_overlaps((start, end), got) for got in children)
            tp["child"], fn["child"] = tp["child"] + hit, fn["child"] + (not hit)
        for _, start, end in row.get("adults", []) + row.get("minors", []):
            fp["child"] += any(_overlaps((start, end), got) for got in children)
    splits = sorted(counts)
    if len(splits) > 1:
        total: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())
        for part in counts.values():
            for into, add in zip(total, part, strict=True):
                into.update(add)
        counts["all"] = total
        splits.append("all")
    report = []
    for split in splits:
        tp, fp, fn = counts[split]
        for kind in sorted(set(tp) | set(fp) | set(fn)):
            p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
            r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
            report.append({"split": split, "type": kind, "precision": round(p, 3), "recall": round(r, 3),
                           "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "expected": tp[kind] + fn[kind]})
    return report
