"""Loading an organisation file (CSV or a JSON array): all rows are checked first; any error changes nothing.

Columns / keys: code, name, short_name, kind, parent, valid_from, valid_until, successor, email, phone,
address, note. `parent` and `successor` are codes, either in the same file or already in the registry.
Dates are YYYY-MM-DD or DD/MM/YYYY.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("code", "name", "short_name", "kind", "valid_from")
OPTIONAL = ("parent", "valid_until", "successor", "email", "phone", "address", "note", "domains")
KNOWN = set(REQUIRED) | set(OPTIONAL)


class OrgFileError(Exception):
    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))


@dataclass
class Row:
    line: int
    values: dict
    problems: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[Row]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise OrgFileError([(line, "the file is not UTF-8 text")]) from None
    if path.suffix.lower() == ".json":
        return _json_rows(text)
    if path.suffix.lower() == ".csv":
        return _csv_rows(text)
    raise OrgFileError([(0, f"unsupported file type {path.suffix!r}: use .csv or .json")])


def _csv_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in KNOWN]
    if missing or unknown:
        reason = ", ".join(
            ([f"missing column(s) {', '.join(missing)}"] if missing else [])
            + ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
        )
        raise OrgFileError([(1, reason)])
    rows = []
    for record in reader:
        if None in record:
            rows.append(Row(reader.line_num, {}, ["more fields than columns"]))
            continue
        rows.append(Row(reader.line_num, {k: (v or "").strip() for k, v in record.items()}))
    return rows


def _json_rows(text: str) -> list[Row]:
    """A top-level array of objects; each row remembers the line its object starts on."""
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if position >= len(text) or text[position] != "[":
        raise OrgFileError([(_line(text, position), "expected a JSON array of organisations")])
    position, rows = _skip(text, position + 1), []
    while position < len(text) and text[position] != "]":
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise OrgFileError([(exc.lineno, f"invalid JSON: {exc.msg}")]) from None
        line = _line(text, position)
        if not isinstance(value, dict):
            rows.append(Row(line, {}, ["each entry must be an object"]))
        else:
            unknown = sorted(set(value) - KNOWN)
            problems = [f"unknown key(s) {', '.join(unknown)}"] if unknown else []
            rows.append(Row(line, {k: ("" if v is None else str(v)).strip() for k, v in value.items()}, problems))
        position = _skip(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
        elif position < len(text) and text[position] != "]":
            raise OrgFileError([(_line(text, position), "expected ',' or ']' between entries")])
    if position >= len(text):
        raise OrgFileError([(_line(text, position), "the array is not closed with ']'")])
    return rows


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse_date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
