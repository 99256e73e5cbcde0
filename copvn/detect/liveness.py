"""Is a notified URL still online? Takedown verification (framework-free).

`check` fetches the URL once, with the locked-down fetcher, and says what it found:

- **removed**: HTTP 404 or 410, or a 200 page that is the platform's own "content unavailable" page;
- **unavailable**: the content may still exist but cannot be seen from here: HTTP 451, a geo-block page,
  a login wall (a redirect to a login path, a 401/403 with a login form, a platform's login page);
- **unreachable**: the check could not tell: network failures, refusals by the fetch policy, other 4xx and
  every 5xx (a server error is not a removal);
- **moved**: a redirect to another site, or to the site's home page from a deep path;
- **live**: anything else (reason `content_changed` when the body no longer has the expected SHA-256).

Unavailable pages are recognised by phrases kept as data (data/unavailable_pages.json), only those of the
URL's platform and then a generic set. Title and text are compared case-insensitively after NFC
normalisation, whitespace collapsing and folding typographic apostrophes and ellipses. A phrase counts in
the page's <title>, or in its visible text (scripts and styles left out) only when that text is short
(at most SHORT_PAGE characters): an article that merely quotes "Video unavailable" stays live.

`settle` turns a series of checks into a verified status: a URL is declared removed only after
CONSECUTIVE_MISSES removed results in a row (the hotlines' rule, so that a passing outage is not a takedown).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from .fetch import FetchFailed, FetchPolicy, FetchRefused, FetchResult, fetch
from .page import decode_html
from .urls import platform_of

LIVE, REMOVED, UNAVAILABLE, UNREACHABLE, MOVED = "live", "removed", "unavailable", "unreachable", "moved"
PENDING_REMOVED = "pending_removed"
RESULTS = (LIVE, REMOVED, UNAVAILABLE, UNREACHABLE, MOVED)
CONSECUTIVE_MISSES = 3
SHORT_PAGE = 2000  # visible characters; a longer page's text is not searched, only its title
PATTERNS_FILE = Path(__file__).parent / "data" / "unavailable_pages.json"
GENERIC = "generic"
LOGIN_SEGMENTS = frozenset({"login", "login.php", "log-in", "signin", "sign-in", "sign_in", "checkpoint",
                            "servicelogin", "dang-nhap", "dangnhap"})
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
SECOND_LEVEL = frozenset({"com", "net", "org", "edu", "gov", "co", "ac", "info", "biz", "name", "pro", "int",
                          "health", "or", "ne", "go"})
FOLDS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2026": "..."})


class Fetcher(Protocol):
    def __call__(self, url: str, policy: FetchPolicy | None = None) -> FetchResult: ...


@dataclass(frozen=True)
class Liveness:
    result: str
    reason: str
    http_status: int | None
    final_url: str
    sha256: str
    size: int
    checked_at: datetime
    platform: str


@dataclass(frozen=True)
class PagePatterns:
    phrases: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    geo_block: tuple[str, ...] = ()
    login: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """NFC, case-folded, whitespace collapsed, ’ as ' and … as ...: the form both sides are compared in."""
    return " ".join(unicodedata.normalize("NFC", text).translate(FOLDS).casefold().split())


@lru_cache(maxsize=1)
def patterns() -> dict[str, PagePatterns]:
    raw = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return {platform: PagePatterns(**{key: tuple(normalise(p) for p in entry.get(key, ()))
                                      for key in ("phrases", "title", "geo_block", "login")})
            for platform, entry in raw.items() if not platform.startswith("_")}


class _Page(HTMLParser):
    """A page's title and visible text (cut just past SHORT_PAGE) and whether it holds a login form."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.text_parts: list[str] = []
        self.text_size = 0
        self.login_form = False
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag in SKIPPED_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "input" and values.get("type", "").lower() == "password":
            self.login_form = True
        elif tag == "form" and is_login_path(urlsplit(values.get("action", "")).path):
            self.login_form = True

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip and self.text_size <= SHORT_PAGE and data.strip():
            self.text_parts.append(data)
            self.text_size += len(" ".join(data.split())) + 1

    @property
    def title(self) -> str:
        return normalise(" ".join(self.title_parts))

    @property
    def text(self) -> str:
        return normalise(" ".join(self.text_parts))

    @property
    def short(self) -> bool:
        return len(self.text) <= SHORT_PAGE


def read_page(response: FetchResult) -> _Page:
    page = _Page()
    content_type = response.header("Content-Type").lower()
    html = decode_html(response.body, content_type)
    if "html" in content_type or html.lstrip()[:1] == "<":
        page.feed(html)
        page.close()
    elif content_type.startswith("text/"):
        page.handle_data(html)
    return page


def is_login_path(path: str) -> bool:
    return any(segment in LOGIN_SEGMENTS for segment in path.lower().split("/"))


def site_of(host: str) -> str:
    """The registrable part of a host, with a platform's domains as one site (fb.com is facebook.com)."""
    host = host.lower().rstrip(".").strip("[]")
    platform = platform_of(host)
    if platform not in {"web", "news"}:
        return platform
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def check(url: str, policy: FetchPolicy | None, *, expected_sha256: str | None = None,
          fetcher: Fetcher = fetch) -> Liveness:
    """Fetch `url` once and say whether it is live, removed, unavailable, unreachable or moved."""
    checked_at = datetime.now(UTC)
    platform = platform_of(urlsplit(url).hostname or "")
    try:
        response = fetcher(url, policy)
    except FetchRefused as exc:
        return Liveness(UNREACHABLE, exc.code, None, url, "", 0, checked_at, platform)
    except FetchFailed as exc:
        return Liveness(UNREACHABLE, exc.code.removeprefix("fetch."), None, url, "", 0, checked_at, platform)
    except ValueError:  # a port that is not a number and the like
        return Liveness(UNREACHABLE, "bad_url", None, url, "", 0, checked_at, platform)
    digest = hashlib.sha256(response.body).hexdigest() if response.body else ""
    result, reason = _verdict(url, response, platform)
    if result == LIVE and expected_sha256 and digest != expected_sha256.lower():
        reason = "content_changed"
    return Liveness(result, reason, response.status, response.final_url, digest, len(response.body),
                    checked_at, platform)


def _verdict(url: str, response: FetchResult, platform: str) -> tuple[str, str]:
    status = response.status
    redirected = _redirect_verdict(url, response.final_url)
    if redirected:
        return redirected
    if status in (404, 410):
        return REMOVED, f"http_{status}"
    if status == 451:
        return UNAVAILABLE, "http_451"
    if status in (401, 403):
        return _forbidden_verdict(read_page(response), platform) or (UNREACHABLE, f"http_{status}")
    if not 200 <= status < 300:
        return UNREACHABLE, f"http_{status}"
    return _page_verdict(read_page(response), platform) or (LIVE, f"http_{status}")


def _redirect_verdict(url: str, final_url: str) -> tuple[str, str] | None:
    if final_url == url:
        return None
    start, end = urlsplit(url), urlsplit(final_url)
    if is_login_path(end.path) and not is_login_path(start.path):
        return UNAVAILABLE, "login_wall"
    if site_of(start.hostname or "") != site_of(end.hostname or ""):
        return MOVED, "redirect_elsewhere"
    if end.path in ("", "/") and start.path not in ("", "/"):
        return MOVED, "redirect_home"
    return None


def _pattern_sets(platform: str) -> list[tuple[str, PagePatterns]]:
    table = patterns()
    names = [platform, GENERIC] if platform != GENERIC else [GENERIC]
    return [(name, table[name]) for name in names if name in table]


def _found(page: _Page, phrases: tuple[str, ...], title_only: tuple[str, ...] = ()) -> bool:
    title = page.title
    if any(phrase in title for phrase in phrases + title_only):
        return True
    return page.short and any(phrase in page.text for phrase in phrases)


def _page_verdict(page: _Page, platform: str) -> tuple[str, str] | None:
    sets = _pattern_sets(platform)
    if any(_found(page, found.geo_block) for _, found in sets):
        return UNAVAILABLE, "geo_block"
    for name, found in sets:
        if _found(page, found.phrases, found.title):
            return REMOVED, f"platform_unavailable:{name}"
    if any(_found(page, found.login) for _, found in sets):
        return UNAVAILABLE, "login_wall"
    return None


def _forbidden_verdict(page: _Page, platform: str) -> tuple[str, str] | None:
    sets = _pattern_sets(platform)
    if any(_found(page, found.geo_block) for _, found in sets):
        return UNAVAILABLE, "geo_block"
    if page.login_form or any(_found(page, found.login) for _, found in sets):
        return UNAVAILABLE, "login_wall"
    return None


def settle(previous_misses: int, latest: Liveness, required: int = CONSECUTIVE_MISSES) -> tuple[str, int]:
    """(verified status, new miss count) after `latest`, given the removed results counted so far.

    A removed result counts a miss: the URL is "removed" once `required` have come in a row, "pending_removed"
    before. Live and moved are definite answers that are not removal, so they reset the count. Unreachable
    and unavailable say the check could not see the content: they are reported as such and leave the count
    as it was (unavailable is kept apart from removed, never turned into it).
    """
    if required < 1:
        raise ValueError("required must be at least 1")
    if latest.result not in RESULTS:
        raise ValueError(f"unknown liveness result {latest.result!r}")
    misses = max(previous_misses, 0)
    if latest.result == REMOVED:
        misses += 1
        return (REMOVED if misses >= required else PENDING_REMOVED), misses
    if latest.result in (LIVE, MOVED):
        return latest.result, 0
    return latest.result, misses
