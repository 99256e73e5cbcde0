"""Turn the marked news paragraphs (part_*.txt) into tests/data/pii_news.jsonl, the real-text evaluation set of
the children's-information detector (`copvn eval-pii --data tests/data/pii_news.jsonl`).

Each source line: ID, the article's date, the URL of the public page, and a close paraphrase of a short
passage with every piece of personal information exactly as the page printed it, marked
`[[type flag:span]]` (the format of ../pii_eval_source.txt). The split is by article, fixed by the SHA-256 of
its URL (one article in three is held out), so no paragraph of a held-out article is ever looked at while
the detector is tuned. Run `python tests/data/pii_news/build.py` after editing a part; a test checks the files
agree.

One rule is applied to every split alike: a residence must name a place — a marked "address" with no capital
letter and no digit ("cùng xóm", "cùng địa phương") is not counted.
"""

import hashlib
import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("pii_eval_source", HERE.parent / "pii_eval_source.py")
_source = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_source)


def split_of(url: str) -> str:
    return "held-out" if hashlib.sha256(url.encode()).digest()[0] % 3 == 0 else "dev"


def names_a_place(span: str) -> bool:
    return any(c.isupper() or c.isdigit() for c in span)


def parse(line: str) -> dict:
    ident, date, url, marked = line.split("\t")
    row = _source.parse(f"{ident}\t{date}\t{marked}")
    row["expect"] = [e for e in row["expect"] if e[0] != "address" or names_a_place(e[1])]
    return {"id": ident, "date": date, "url": url, "split": split_of(url), **{k: v for k, v in row.items()
                                                                            if k not in ("id", "date", "split")}}


def rows() -> list[dict]:
    out = []
    for part in sorted(HERE.glob("part_*.txt")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(parse(line))
    return out


def render(parsed: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in parsed)


if __name__ == "__main__":
    (HERE.parent / "pii_news.jsonl").write_text(render(rows()), encoding="utf-8")
