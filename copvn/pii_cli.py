"""`copvn pii`: children's private information, one JSON line in, one out (contract in docs/cli.md)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click


@click.command("pii")
@click.argument("source", type=click.File("rb"), default="-")
def pii_command(source):
    """Read JSON lines {"id", "text", "date"?}; write {"id", "persons", "findings", "redacted"} per line, in
    order; a bad line yields {"id", "error"} and the run goes on."""
    from copvn.detect.pii import analyse
    from copvn.text_cli import parse_line

    for number, raw in enumerate(source, start=1):
        ident, text, error = parse_line(raw)
        if error is None:
            try:
                value = json.loads(raw)
                date = dt.date.fromisoformat(value["date"]) if value.get("date") else None
                result = analyse(text, date)
                result.pop("text")
                line = {"id": ident, **result}
            except (ValueError, TypeError) as exc:
                line = {"id": ident, "error": f"bad date or text: {exc}"}
        else:
            line = {"id": ident, "error": error}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        if number % 10_000 == 0:
            click.echo(f"pii: {number} lines", err=True)


@click.command("eval-pii")
@click.option("--data", "path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Annotated JSON lines (default: tests/data/pii_eval.jsonl).")
def eval_pii_command(path):
    """Precision, recall and F1 per type and for the child decision on an annotated set."""
    from pathlib import Path

    from copvn.detect.pii import evaluate

    source = Path(path) if path else Path(__file__).resolve().parents[1] / "tests" / "data" / "pii_eval.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in evaluate(rows):
        sys.stdout.write(json.dumps({"set": source.name, "paragraphs": len(rows), **row}, ensure_ascii=False) + "\n")
