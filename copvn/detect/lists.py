"""Hash lists: named lists of PDQ, MD5, SHA-256 or URL signals, with a match threshold, on/off, and negative
lists (known false positives that must never match). Framework-free.

Files read: plain lines (one value per line), CSV with a `signal_type,signal_value[,…]` header (the exchange
format of HMA / python-threatexchange) or a headerless `signal_type,signal_value,metadata` CSV, and CSV whose
first column is the value. A malformed line is reported with its number and reason and skipped; every other
line is loaded whole. Adding or removing entries updates the list at once; the PDQ index of the list is
rebuilt lazily (`compact()`), pending additions being searched by a linear scan until then.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .index import DEFAULT_THRESHOLD, BruteForceIndex, PDQIndex, hex_to_words
from .urllist import URLList
from .urls import URLError, canonicalise

KINDS = ("pdq", "md5", "sha256", "url")
HEX_LENGTH = {"pdq": 64, "md5": 32, "sha256": 64}
ALIASES = {"pdq": "pdq", "photo_pdq": "pdq", "md5": "md5", "video_md5": "md5", "photo_md5": "md5",
           "sha256": "sha256", "url": "url", "raw_url": "url"}
HEX = re.compile(r"^[0-9a-f]+$")


@dataclass
class LoadReport:
    loaded: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class HashList:
    name: str
    kind: str
    source: str = ""
    threshold: int = DEFAULT_THRESHOLD
    enabled: bool = True
    negative: bool = False
    values: list[str] = field(default_factory=list)
    metadata: list[dict] = field(default_factory=list)
    removed: set[int] = field(default_factory=set)
    _index: PDQIndex | None = field(default=None, repr=False)
    _indexed: int = 0
    _exact: dict[str, list[int]] | None = field(default=None, repr=False)
    _urls: URLList | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown list kind {self.kind!r}; kinds: {', '.join(KINDS)}")
        if not 0 <= self.threshold <= 128:
            raise ValueError("threshold must be between 0 and 128")

    # -- contents -------------------------------------------------------------------------------------------
    def normalise(self, value: str) -> str:
        value = value.strip()
        if self.kind == "url":
            probe = URLList()
            probe.add(value)  # validates exact, prefix: and domain: entries alike
            return value if value.lower().startswith(("prefix:", "domain:")) else canonicalise(value).url
        value = value.lower()
        if len(value) != HEX_LENGTH[self.kind] or not HEX.match(value):
            raise ValueError(f"not a {self.kind} value: expected {HEX_LENGTH[self.kind]} hexadecimal characters")
        return value

    def add(self, value: str, meta: dict | None = None) -> int:
        self.values.append(self.normalise(value))
        self.metadata.append(meta or {})
        self._exact = self._urls = None  # rebuilt on the next match
        return len(self.values) - 1

    def remove(self, value: str) -> int:
        target = self.normalise(value)
        hits = [i for i, v in enumerate(self.values) if v == target and i not in self.removed]
        self.removed.update(hits)
        return len(hits)

    def __len__(self) -> int:
        return len(self.values) - len(self.removed)

    # -- matching -------------------------------------------------------------------------------------------
    def compact(self) -> None:
        """Rebuild the PDQ index over every entry (additions since the last build are scanned linearly)."""
        if self.kind == "pdq":
            self._index = PDQIndex.build(hex_to_words(self.values)) if self.values else None
            self._indexed = len(self.values)

    def match(self, value: str, threshold: int | None = None) -> list[tuple[int, int]]:
        """(entry number, distance) of every live entry matching the value."""
        if self.kind == "url":
            return self._url_match(value)
        value = self.normalise(value)
        if self.kind != "pdq":
            if self._exact is None:
                self._exact = {}
                for i, v in enumerate(self.values):
                    self._exact.setdefault(v, []).append(i)
            return [(i, 0) for i in self._exact.get(value, []) if i not in self.removed]
        limit = self.threshold if threshold is None else threshold
        query = hex_to_words([value])
        hits = []
        if self._index is not None:
            _q, ids, dist = self._index.search(query, limit)
            hits += list(zip(ids.tolist(), dist.tolist(), strict=True))
        if self._indexed < len(self.values):
            pending = hex_to_words(self.values[self._indexed:])
            _q, ids, dist = BruteForceIndex(pending).search(query, limit)
            hits += [(self._indexed + i, d) for i, d in zip(ids.tolist(), dist.tolist(), strict=True)]
        return sorted((i, d) for i, d in hits if i not in self.removed)

    def _url_match(self, url: str) -> list[tuple[int, int]]:
        if self._urls is None:
            self._urls = URLList()
            for value in self.values:
                self._urls.add(value)
        hits = {number for _how, number in self._urls.match(url)}
        return sorted((i, 0) for i in hits if i not in self.removed)

    # -- files ----------------------------------------------------------------------------------------------
    def load_text(self, text: str) -> LoadReport:
        report = LoadReport()
        lines = text.splitlines()
        rows = _rows(lines)
        for number, signal_type, value, meta in rows:
            if isinstance(value, Exception):
                report.problems.append((number, str(value)))
                continue
            if signal_type and ALIASES.get(signal_type.lower()) != self.kind:
                report.problems.append((number, f"signal type {signal_type!r} does not belong in a {self.kind} list"))
                continue
            try:
                self.add(value, meta)
            except (ValueError, URLError) as exc:
                report.problems.append((number, str(exc)))
                continue
            report.loaded += 1
        self.compact()
        return report

    def export_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["signal_type", "signal_value", "metadata"])
        for i, (value, meta) in enumerate(zip(self.values, self.metadata, strict=True)):
            if i not in self.removed:
                writer.writerow([self.kind, value, json.dumps(meta, ensure_ascii=False) if meta else ""])
        return buffer.getvalue()

    def export_lines(self) -> str:
        return "".join(f"{v}\n" for i, v in enumerate(self.values) if i not in self.removed)

    def stats(self) -> dict:
        return {"name": self.name, "kind": self.kind, "source": self.source, "entries": len(self),
                "threshold": self.threshold, "enabled": self.enabled, "negative": self.negative}


def _rows(lines: list[str]):
    """(line number, signal type or '', value or an exception, metadata) for each non-blank line."""
    if not lines:
        return
    first = lines[0].lower().replace(" ", "")
    headed = first.startswith("signal_type,signal_value") or first.startswith("hash") or first.startswith("value")
    reader = csv.reader(lines)
    for number, cells in enumerate(reader, start=1):
        if number == 1 and headed:
            continue
        if not cells or not "".join(cells).strip():
            continue
        cells = [c.strip() for c in cells]
        if len(cells) >= 2 and cells[0].lower() in ALIASES:
            yield number, cells[0], cells[1], _meta(cells[2:])
        elif len(cells) >= 2 and headed and first.startswith("signal_type"):
            yield number, cells[0], ValueError(f"unknown signal type {cells[0]!r}"), {}
        else:
            yield number, "", cells[0], _meta(cells[1:])


def _meta(cells: list[str]) -> dict:
    if not cells or not cells[0]:
        return {}
    try:
        value = json.loads(cells[0])
        return value if isinstance(value, dict) else {"note": ",".join(cells)}
    except json.JSONDecodeError:
        return {"note": ",".join(cells)}


def save(hash_list: HashList, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    settings = {k: v for k, v in hash_list.stats().items() if k != "entries"}
    (folder / "list.json").write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "entries.csv").write_text(hash_list.export_csv(), encoding="utf-8")


def open_list(folder: Path) -> HashList:
    settings = json.loads((folder / "list.json").read_text(encoding="utf-8"))
    hash_list = HashList(**settings)
    hash_list.load_text((folder / "entries.csv").read_text(encoding="utf-8"))
    return hash_list


def load_file(path: Path, kind: str, name: str | None = None, **settings) -> tuple[HashList, LoadReport]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hashes = HashList(name or Path(path).stem, kind, **settings)
        return hashes, LoadReport(0, [(raw[: exc.start].count(b"\n") + 1, "the file is not UTF-8 text")])
    hashes = HashList(name or Path(path).stem, kind, source=str(Path(path).name), **settings)
    return hashes, hashes.load_text(text)


def matches(lists: list[HashList], values: dict[str, str]) -> list[dict]:
    """Matches of one item's signals (kind -> value) against enabled lists; a hit on a negative list of the
    same kind suppresses every positive match for that item."""
    found, vetoed = [], set()
    for hash_list in lists:
        value = values.get(hash_list.kind)
        if not hash_list.enabled or not value:
            continue
        for entry, distance in hash_list.match(value):
            if hash_list.negative:
                vetoed.add(hash_list.kind)
            else:
                found.append({"list": hash_list.name, "kind": hash_list.kind, "entry": hash_list.values[entry],
                              "metadata": hash_list.metadata[entry], "distance": int(distance)})
    return [m for m in found if m["kind"] not in vetoed]

