"""Turn the marked evaluation paragraphs (pii_eval_source.txt) into pii_eval.jsonl.

Each output line: {"id", "date", "split": "dev"|"held-out", "text", "expect": [[type, span, start, end,
child's]], "children", "minors", "adults": [[span, start, end]]}. A test checks the two files agree.
Run `python tests/data/pii_eval_source.py` after editing the source.
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[\[([a-z_]+)([!~*-]?):([^\]]+)\]\]")


def parse(line: str) -> dict:
    ident, date, marked = line.split("\t")
    text, expect, people = [], [], {"!": [], "~": [], "-": []}
    cursor = length = 0
    for m in MARK.finditer(marked):
        text.append(marked[cursor:m.start()])
        length += m.start() - cursor
        kind, flag, span = m.groups()
        start, end = length, length + len(span)
        text.append(span)
        length, cursor = end, m.end()
        expect.append([kind, span, start, end, flag in "!*" and flag != ""])
        if kind == "name" and flag in people:
            people[flag].append([span, start, end])
    text.append(marked[cursor:])
    number = int(re.sub(r"\D", "", ident))
    return {"id": ident, "date": date, "split": "held-out" if number % 4 == 0 else "dev", "text": "".join(text),
            "expect": expect, "children": people["!"], "minors": people["~"], "adults": people["-"]}


def rows(source: Path = HERE / "pii_eval_source.txt") -> list[dict]:
    lines = source.read_text(encoding="utf-8").splitlines()
    return [parse(line) for line in lines if line.strip() and not line.startswith("#")]


def render(parsed: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in parsed)


if __name__ == "__main__":
    (HERE / "pii_eval.jsonl").write_text(render(rows()), encoding="utf-8")
