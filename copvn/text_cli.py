"""`copvn classify`, `copvn train-text`, `copvn eval-text`: thin commands over copvn.detect.text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

BATCH = 256
MAX_MESSAGES = 10_000
PROGRESS_EVERY = 10_000


@click.command("classify")
@click.argument("source", type=click.File("rb"), default="-")
def classify_command(source):
    """Read JSON lines {"id", "text"} or {"id", "messages": [{"from", "text", "time"}, ...]} (a conversation, scored
    as a whole); write one JSON line per input, in order (a bad line gets an error)."""
    from copvn.detect.text.classify import default

    classifier, batch, done = default(), [], 0
    for raw in source:
        batch.append(parse_line(raw))
        if len(batch) >= BATCH:
            done = _flush(classifier, batch, done)
            batch = []
    _flush(classifier, batch, done)


def parse_line(raw: bytes) -> tuple[object, str | None, str | None]:
    """(id, text, error): exactly one of text and error is set."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, None, "the line is not valid UTF-8"
    except json.JSONDecodeError as exc:
        return None, None, f"invalid JSON: {exc.msg}"
    if not isinstance(value, dict):
        return None, None, "each line must be a JSON object"
    if "messages" in value and "text" not in value:
        messages = value["messages"]
        if not isinstance(messages, list) or not all(isinstance(m, dict) and isinstance(m.get("text"), str)
                                                     for m in messages):
            return value.get("id"), None, '"messages" must be a list of objects, each with a "text" string'
        if len(messages) > MAX_MESSAGES:
            return value.get("id"), None, f"a conversation has at most {MAX_MESSAGES:,} messages"
        return value.get("id"), Thread([m["text"] for m in messages]), None
    if not isinstance(value.get("text"), str):
        return value.get("id"), None, 'missing "text" (a string) or "messages"'
    return value.get("id"), value["text"], None


class Thread(list):
    """The texts of one conversation's messages (a line with "messages")."""


def _flush(classifier, batch, done: int) -> int:
    texts = [text for _ident, text, error in batch if error is None and not isinstance(text, Thread)]
    results = iter(classifier.classify_many(texts))
    lines = []
    for ident, text, error in batch:
        if error is not None:
            line = {"id": ident, "error": error}
        elif isinstance(text, Thread):
            line = {"id": ident, **classifier.classify_thread(text)}
        else:
            line = {"id": ident, **next(results)}
        lines.append(json.dumps(line, ensure_ascii=False))
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    if (done + len(batch)) // PROGRESS_EVERY > done // PROGRESS_EVERY:
        click.echo(f"classify: {done + len(batch)} lines", err=True)
    return done + len(batch)


@click.command("train-text")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), required=True,
              help="The data folder (with vihsd/train.csv and vihsd/dev.csv).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Where to write the model (default: the packaged one).")
def train_text_command(data_dir, out):
    """Rebuild the abuse classifier, the offensive-word tagger and the learned category models (from the category
    corpus in the package, with clean comments of the data folder as extra negatives), reproducibly; nothing is
    tuned on dev, test or the corpus' held-out authors."""
    from threadpoolctl import threadpool_limits

    from copvn.detect.text.abuse import MODEL_PATH
    from copvn.detect.text.categories import CATEGORY_MODEL_PATH
    from copvn.detect.text.category_training import train as train_categories
    from copvn.detect.text.normalise import Normaliser
    from copvn.detect.text.spans import SPANS_PATH, learn, read_vihos
    from copvn.detect.text.training import train

    with threadpool_limits(limits=1):  # one thread: the same data gives the same weights, bit for bit
        model = train(Path(data_dir), log=lambda message: click.echo(message, err=True))
        model.save(Path(out) if out else MODEL_PATH)
        spans_path = Path(out).with_name(Path(out).stem + "-spans.npz") if out else SPANS_PATH
        learn(read_vihos(Path(data_dir) / "vihos" / "span" / "train.csv"), Normaliser()).save(spans_path)
        categories = train_categories(Path(data_dir), log=lambda message: click.echo(message, err=True))
        categories_path = Path(out).with_name(Path(out).stem + "-categories.npz") if out else CATEGORY_MODEL_PATH
        categories.save(categories_path)
    click.echo(json.dumps({"model": str(Path(out) if out else MODEL_PATH), "spans_model": str(spans_path),
                           "categories_model": str(categories_path), **model.meta,
                           "categories": categories.meta}, ensure_ascii=False))


@click.command("eval-text")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), required=True)
@click.option("--categories", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The category evaluation set (default: tests/data/category_eval.jsonl).")
def eval_text_command(data_dir, categories):
    """Accuracy and macro-F1 on each dev split; precision and recall per category code."""
    from copvn.detect.text.evaluation import evaluate_all

    for row in evaluate_all(Path(data_dir), Path(categories) if categories else None):
        click.echo(json.dumps(row, ensure_ascii=False))
