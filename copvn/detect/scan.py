"""Scanning posts in bulk (framework-free): one post in, one result out, the same detectors as the workbench.

A post is a JSON object: {"id", "url", "text", "author", "time", "media": ["https://…" | "sha256:…" |
"md5:…", …]} — only "text" or "url" is needed. Its result carries the post's id and every finding:

    {"id": …, "abuse": {"label", "scores"}, "findings": [{"code", "score", "detector", "spans", …}, …],
     "alert": ["GROOM", …]}

Detectors: the abuse classifier, the category lexicons and learned category models (copvn.detect.text), the
check for children's private information (copvn.detect.pii: a finding only when the text speaks of a child),
and the URL and exact-hash lists of a `Lists` snapshot (the post's URL and media). A match in a negative list
vetoes the post's alerts. `alert` lists the codes sure enough to become a queue item (`Thresholds`).

A `Scanner` loads the models and lists once; a process (or a Dask worker) keeps one per lists snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from . import pii
from .text.classify import MAX_CHARS
from .text.classify import default as text_classifier
from .urllist import URLList
from .urls import URLError

MAX_LINE_BYTES = 4 * 1024 * 1024
# A finding this sure becomes an alert. The learned models fire on neighbouring codes too, so they need more.
LEXICON_THRESHOLD = 0.5
MODEL_THRESHOLD = 0.8
PRIV = "PRIV"


@dataclass(frozen=True)
class Thresholds:
    lexicon: float = LEXICON_THRESHOLD
    model: float = MODEL_THRESHOLD

    def alerts(self, findings: list[dict]) -> list[str]:
        """The codes of the findings sure enough to act on; none at all when a negative list matched."""
        if any(f.get("negative") for f in findings):
            return []
        codes = set()
        for f in findings:
            code, detector, score = f.get("code") or "", f.get("detector", ""), f.get("score", 0.0)
            if not code:
                continue
            if "lexicon" in detector and score >= self.lexicon:  # an analyst's phrase (maybe with the model)
                codes.add(code)
            elif "categories" in detector and score >= self.model:
                codes.add(code)
            elif detector in ("pii", "urllist", "hashlist"):
                codes.add(code)
        return sorted(codes)


@dataclass
class ListSnapshot:
    """One list as the scan sees it: URL entries (`kind` "url") or exact hashes ("sha256", "md5")."""

    slug: str
    kind: str
    category_code: str = ""
    negative: bool = False
    version: int = 1
    entries: list[str] = field(default_factory=list)


@dataclass
class Lists:
    lists: list[ListSnapshot] = field(default_factory=list)

    @cached_property
    def digest(self) -> str:
        """Stands for the snapshot: a worker keeps one scanner per digest."""
        h = hashlib.sha256()
        for item in self.lists:
            h.update(json.dumps([item.slug, item.kind, item.category_code, item.negative, item.version,
                                 len(item.entries)]).encode())
            for entry in item.entries:
                h.update(entry.encode() + b"\0")
        return h.hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps([vars(item) for item in self.lists], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Lists:
        return cls([ListSnapshot(**item) for item in json.loads(text)])


class Scanner:
    def __init__(self, lists: Lists | None = None, thresholds: Thresholds | None = None,
                 today: dt.date | None = None):
        self.text = text_classifier()
        self.thresholds = thresholds or Thresholds()
        self.today = today
        self.url_lists: list[tuple[ListSnapshot, URLList]] = []
        self.hashes: dict[str, list[ListSnapshot]] = {}
        for item in (lists or Lists()).lists:
            if item.kind == "url":
                urls = URLList()
                for entry in item.entries:
                    try:
                        urls.add(entry)
                    except URLError:
                        continue  # a list entry that is not a URL matches nothing
                self.url_lists.append((item, urls))
            elif item.kind in ("sha256", "md5"):
                for entry in item.entries:
                    self.hashes.setdefault(f"{item.kind}:{entry.strip().lower()}", []).append(item)

    def scan_posts(self, posts: list[dict]) -> list[dict]:
        """The result of each post, in order. Posts are dicts already checked by `parse`."""
        texts = [_text_of(p)[:MAX_CHARS] for p in posts]
        verdicts = self.text.classify_many(texts)
        results = []
        for post, text, verdict in zip(posts, texts, verdicts, strict=True):
            findings = list(verdict["findings"]) + self._pii(text) + self._lists(post)
            results.append({"id": post.get("id"), "abuse": verdict["abuse"], "findings": findings,
                            "alert": self.thresholds.alerts(findings)})
        return results

    def _pii(self, text: str) -> list[dict]:
        if not text.strip():
            return []
        result = pii.analyse(text, self.today or dt.date.today())
        persons = result["persons"]
        child = [f for f in result["findings"] if f["person"] is not None and persons[f["person"]]["child"]]
        if not child or result["text"] != text:
            return []
        return [{"code": PRIV, "score": 1.0, "detector": "pii", "spans": [[f["start"], f["end"]] for f in child],
                 "types": sorted({f["type"] for f in child})}]

    def _lists(self, post: dict) -> list[dict]:
        found = []
        urls = [post["url"]] if isinstance(post.get("url"), str) and post["url"] else []
        media = [m for m in post.get("media") or [] if isinstance(m, str)]
        urls += [m for m in media if m.startswith(("http://", "https://"))]
        for url in urls:
            for item, index in self.url_lists:
                try:
                    matched = index.match(url)
                except URLError:
                    break
                for how, number in matched:
                    found.append({**_list_finding("urllist", item, url, index.entries[number]), "how": how})
        for value in media:
            kind, _sep, digest = value.partition(":")
            for item in self.hashes.get(f"{kind.lower()}:{digest.strip().lower()}", []):
                found.append(_list_finding("hashlist", item, value, value))
        return found


def _list_finding(detector: str, item: ListSnapshot, what: str, entry: str) -> dict:
    return {"code": "" if item.negative else item.category_code, "score": 1.0, "detector": detector,
            "version": f"{item.slug}@{item.version}", "list": item.slug, "entry": entry, "what": what,
            "negative": item.negative, "spans": []}


def _text_of(post: dict) -> str:
    text = post.get("text")
    return text if isinstance(text, str) else ""


def parse(raw: bytes | str) -> tuple[dict | None, str]:
    """(post, "") or (None, what is wrong) for one input line."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            return None, f"the line is longer than {MAX_LINE_BYTES:,} bytes"
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, "the line is not valid UTF-8"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg}"
    if not isinstance(value, dict):
        return None, "each line must be a JSON object"
    text, url = value.get("text"), value.get("url")
    if text is not None and not isinstance(text, str):
        return None, '"text" must be a string'
    if url is not None and not isinstance(url, str):
        return None, '"url" must be a string'
    if not (text or url):
        return None, 'a post needs "text" or "url"'
    if value.get("media") is not None and not isinstance(value["media"], list):
        return None, '"media" must be a list'
    return value, ""


_scanners: dict[tuple[str, Thresholds], Scanner] = {}


def scanner_for(lists: Lists, thresholds: Thresholds) -> Scanner:
    """One scanner per lists snapshot and thresholds in this process: models and lists load once."""
    key = (lists.digest, thresholds)
    if key not in _scanners:
        _scanners.clear()  # an older snapshot is not used again
        _scanners[key] = Scanner(lists, thresholds)
    return _scanners[key]


def scan_chunk(lines: list[tuple[str, int, bytes]], lists: Lists, thresholds: Thresholds) -> list[str]:
    """JSON lines out for (file, line number, raw line) in: one per input, in order; a bad line gets an error
    naming where it was. Runs in a pool process or on a Dask worker."""
    scanner = scanner_for(lists, thresholds)
    parsed = [(where, number, *parse(raw)) for where, number, raw in lines]
    posts = [post for _w, _n, post, error in parsed if not error]
    results = iter(scanner.scan_posts(posts)) if posts else iter(())
    out = []
    for where, number, _post, error in parsed:
        if error:
            out.append(json.dumps({"id": None, "file": where, "line": number, "error": error}, ensure_ascii=False))
        else:
            result = next(results)
            if result["id"] is None:
                result = {"id": None, "file": where, "line": number, **result}
            out.append(json.dumps(result, ensure_ascii=False))
    return out
