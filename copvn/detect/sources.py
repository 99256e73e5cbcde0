"""Reading what monitored sources give (framework-free): RSS and Atom feeds, sitemaps, the watched part of a
page, robots.txt, and the files social-listening tools drop (JSON Lines or CSV of posts).

Every reader is bounded: a sitemap of more than MAX_SITEMAP_URLS addresses, a gzip that inflates past
MAX_INFLATED bytes or XML nested deeper than lxml allows is refused with a coded error, never read whole.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import CodedError

MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit
MAX_INFLATED = 50 * 1024 * 1024
MAX_ITEM_CHARS = 100_000
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class SourceError(CodedError):
    MESSAGES = {
        "source.not_feed": "not an RSS or Atom feed ({detail})",
        "source.not_sitemap": "not a sitemap ({detail})",
        "source.sitemap_too_big": "the sitemap lists more than {limit} addresses",
        "source.inflated": "the compressed file inflates past {limit} bytes",
        "source.selector": "the part to watch ({selector}) is not a valid selector",
        "source.no_part": "the page has no part matching {selector}",
        "source.drop_format": "not JSON Lines or CSV ({detail})",
        "source.drop_columns": "a CSV of posts needs a text or url column",
        "source.too_big": "the answer is larger than {limit} bytes",
        "source.status": "the server answered HTTP {status}",
        "source.drop_lines": "some posts could not be read (not JSON, or without text and url): {detail}",
    }


@dataclass
class Item:
    """One thing a source gave: a feed entry, a page's new address, a changed part, a dropped post."""

    key: str  # what makes it the same item again (the entry's id, the URL, the part's digest, the post's id)
    url: str = ""
    title: str = ""
    text: str = ""
    author: str = ""
    published: str = ""
    media: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8", "replace")).hexdigest()


def _html_text(value: str) -> str:
    if "<" not in value:
        return value.strip()
    import lxml.html

    try:
        return " ".join(lxml.html.fromstring(value).text_content().split())
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", value).strip()


def parse_feed(body: bytes) -> list[Item]:
    """The entries of an RSS or Atom feed, with their text (summary or content, HTML removed)."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise SourceError("source.not_feed", detail=type(parsed.get("bozo_exception")).__name__)
    if not parsed.get("version") and not parsed.entries:
        raise SourceError("source.not_feed", detail="no feed element")
    items = []
    for entry in parsed.entries:
        link = entry.get("link", "")
        parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
        text = _html_text(" ".join(parts))[:MAX_ITEM_CHARS]
        key = entry.get("id") or link or hashlib.sha256((entry.get("title", "") + text).encode()).hexdigest()
        media = tuple(m.get("url", "") for m in entry.get("media_content", []) if m.get("url"))
        items.append(Item(key=str(key), url=link, title=_html_text(entry.get("title", "")), text=text,
                          author=entry.get("author", ""), published=entry.get("published", ""), media=media))
    return items


def inflate(body: bytes, limit: int = MAX_INFLATED) -> bytes:
    """A gzip body, inflated at most to `limit` bytes (a gzip bomb is refused, not inflated)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError("source.inflated", limit=limit)
    return data


def parse_sitemap(body: bytes, limit: int = MAX_SITEMAP_URLS) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(inflate(body), parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError("source.not_sitemap", detail=str(exc)[:200]) from None
    if root.tag not in (f"{SITEMAP_NS}urlset", f"{SITEMAP_NS}sitemapindex", "urlset", "sitemapindex"):
        raise SourceError("source.not_sitemap", detail=f"root element {etree.QName(root).localname}")
    index = root.tag.endswith("sitemapindex")
    found = []
    for loc in root.iter(f"{SITEMAP_NS}loc", "loc"):
        if loc.text and loc.text.strip():
            found.append(loc.text.strip())
            if len(found) > limit:
                raise SourceError("source.sitemap_too_big", limit=limit)
    return ([], found) if index else (found, [])


_SIMPLE_CSS = re.compile(r"^\s*([a-zA-Z][\w-]*)?(?:#([\w-]+))?((?:\.[\w-]+)*)\s*$")


def selector_xpath(selector: str) -> str:
    """XPath for the part of a page to watch: XPath as given, or a simple CSS selector (tag, #id, .class,
    tag.class, and several of them separated by spaces for descendants)."""
    selector = selector.strip()
    if not selector:
        return "//body"
    if selector.startswith(("/", "(")):
        return selector
    steps = []
    for part in selector.split():
        m = _SIMPLE_CSS.match(part)
        if not m or not any(m.groups()):
            raise SourceError("source.selector", selector=selector[:100])
        tag, ident, classes = m.group(1) or "*", m.group(2), [c for c in (m.group(3) or "").split(".") if c]
        tests = [f"@id='{ident}'"] if ident else []
        tests += [f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in classes]
        steps.append(tag + "".join(f"[{t}]" for t in tests))
    return "//" + "//".join(steps)


def watched_part(html: str, selector: str) -> str:
    """The text of the watched part (every element the selector matches), spaces normalised."""
    import lxml.html
    from lxml import etree

    xpath = selector_xpath(selector)
    if not html.strip():
        return ""
    try:
        document = lxml.html.fromstring(html)
        nodes = document.xpath(xpath)
    except etree.XPathError:
        raise SourceError("source.selector", selector=selector[:100]) from None
    except (ValueError, etree.ParserError):
        return ""
    texts = [n.text_content() if hasattr(n, "text_content") else str(n) for n in nodes]
    if not nodes:
        raise SourceError("source.no_part", selector=selector[:100])
    return " ".join(" ".join(texts).split())[:MAX_ITEM_CHARS]


class Robots:
    """robots.txt by RFC 9309 (Protego: wildcards and $ as the RFC says, which the standard library's parser
    does not). No robots.txt (404) allows everything; one that cannot be read (5xx) allows nothing for now."""

    def __init__(self, text: str, allow_all: bool = False, deny_all: bool = False):
        from protego import Protego

        self.allow_all, self.deny_all = allow_all, deny_all
        self.rules = Protego.parse(text) if text and not (allow_all or deny_all) else None

    @classmethod
    def from_status(cls, status: int, body: bytes) -> Robots:
        if 200 <= status < 300:
            return cls(body[:500_000].decode("utf-8", "replace"))
        if 400 <= status < 500:
            return cls("", allow_all=True)
        return cls("", deny_all=True)

    def allowed(self, url: str, agent: str) -> bool:
        if self.deny_all:
            return False
        if self.rules is None:
            return True
        return self.rules.can_fetch(url, agent)

    def delay(self, agent: str) -> float:
        if self.rules is None:
            return 0.0
        delay = self.rules.crawl_delay(agent)
        rate = self.rules.request_rate(agent)
        per_request = rate.seconds / rate.requests if rate and rate.requests else 0.0
        return float(max(delay or 0.0, per_request))


POST_FIELDS = ("id", "url", "text", "author", "time", "media")


def read_drop(content: bytes) -> Iterator[tuple[int, Item | None, str]]:
    """(line or row number, item, error) for each post of a dropped JSON Lines or CSV file."""
    text = content.decode("utf-8-sig", "replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield number, *_post_item(line)
        return
    try:
        rows = csv.DictReader(io.StringIO(text))
        if not rows.fieldnames or not {"text", "url"} & {f.strip().lower() for f in rows.fieldnames}:
            raise SourceError("source.drop_columns")
        for number, row in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): v for k, v in row.items()}
            media = [m for m in re.split(r"[\s,;]+", row.get("media") or "") if m]
            yield number, *_item_of({**{k: row.get(k) or "" for k in POST_FIELDS[:5]}, "media": media})
    except csv.Error as exc:
        raise SourceError("source.drop_format", detail=str(exc)[:200]) from None


def _post_item(line: str) -> tuple[Item | None, str]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg}"
    if not isinstance(value, dict):
        return None, "each line must be a JSON object"
    return _item_of(value)


def _item_of(value: dict) -> tuple[Item | None, str]:
    text, url = value.get("text") or "", value.get("url") or ""
    if not isinstance(text, str) or not isinstance(url, str):
        return None, '"text" and "url" must be strings'
    if not (text.strip() or url.strip()):
        return None, 'a post needs "text" or "url"'
    media = value.get("media") or []
    media = tuple(m for m in media if isinstance(m, str)) if isinstance(media, list) else ()
    key = str(value.get("id") or url or hashlib.sha256(text.encode()).hexdigest())
    return Item(key=key, url=url.strip(), text=text[:MAX_ITEM_CHARS], author=str(value.get("author") or ""),
                published=str(value.get("time") or ""), media=media), ""
