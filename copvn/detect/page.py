"""What a captured HTML page holds: its readable text and the media it links (framework-free)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MEDIA_TAGS = {"img": ("src", "data-src"), "video": ("src", "poster"), "source": ("src",), "audio": ("src",)}
MEDIA_META = {"og:image", "og:video", "twitter:image", "og:image:url", "og:video:url"}


def extract_text(html: str, url: str | None = None) -> str:
    """The article or post text (trafilatura); empty when the page has none."""
    import trafilatura

    if not html.strip():
        return ""
    text = trafilatura.extract(html, url=url, include_comments=True, include_tables=True, favor_recall=True)
    return text or ""


class _MediaParser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.found, self.title, self._in_title = base, [], "", False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "base" and values.get("href"):
            self.base = urljoin(self.base, values["href"])
        for name in MEDIA_TAGS.get(tag, ()):
            if values.get(name):
                self._add(values[name])
        if tag == "meta" and (values.get("property") or values.get("name") or "").lower() in MEDIA_META:
            self._add(values.get("content") or "")
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self.title) < 500:
            self.title += data

    def _add(self, ref: str):
        absolute = urljoin(self.base, ref.strip())
        if urlsplit(absolute).scheme in {"http", "https"} and absolute not in self.found:
            self.found.append(absolute)


def media_urls(html: str, base_url: str, limit: int = 20) -> list[str]:
    parser = _MediaParser(base_url)
    parser.feed(html)
    parser.close()
    return parser.found[:limit]


def title_of(html: str) -> str:
    parser = _MediaParser("http://invalid/")
    parser.feed(html)
    parser.close()
    return " ".join(parser.title.split())


def decode_html(body: bytes, content_type: str) -> str:
    """Bytes to text: the charset the server declared, else UTF-8, never failing (bad bytes replaced)."""
    charset = ""
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip("\"' ")
    for candidate in filter(None, (charset, "utf-8")):
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")
