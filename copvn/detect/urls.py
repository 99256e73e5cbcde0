"""URL canonicalisation and platform detection (framework-free).

The canonical form identifies content, it is not for fetching: two URLs that show the same post map to the
same string. Rules, in order: only http(s); host lower-cased, IDNA-encoded, without trailing dot, `www.`
and the mobile prefixes of known platforms; default ports dropped; scheme always `https`; path dot
segments removed, duplicate slashes collapsed, percent-encoding normalised, trailing slash dropped;
tracking parameters removed and the rest sorted; fragment dropped; then each platform's own forms
(short links, mobile and share forms) are folded into one.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .addresses import is_public
from .errors import CodedError

MAX_URL_LENGTH = 4096


class URLError(CodedError, ValueError):
    """The text is not a URL copvn can work with; `code` says why (see copvn.detect.errors)."""

    MESSAGES = {
        "url.not_text": "not text",
        "url.empty": "empty URL",
        "url.too_long": "URL longer than {limit} characters",
        "url.spaces": "URL contains spaces or control characters",
        "url.scheme": "unsupported scheme {scheme!r}: only http and https links can be reported",
        "url.malformed": "the URL is malformed",
        "url.port": "the port is not a number between 0 and 65535",
        "url.no_host": "the URL has no host",
        "url.credentials": "URLs with a user name or password are not accepted",
        "url.host_malformed": "the host name is malformed",
        "url.host_invalid": "the host name {host!r} is not a valid domain name",
        "url.not_public": "{host} is a loopback, private or link-local address, which can never be captured",
    }


@dataclass(frozen=True)
class CanonicalURL:
    url: str
    host: str
    platform: str


# host suffix -> platform code (storage keys: never rename)
PLATFORM_HOSTS = {
    "facebook.com": "facebook", "fb.com": "facebook", "fb.watch": "facebook", "fb.me": "facebook",
    "messenger.com": "facebook", "instagram.com": "instagram", "instagr.am": "instagram",
    "threads.net": "threads", "youtube.com": "youtube", "youtu.be": "youtube",
    "tiktok.com": "tiktok", "zalo.me": "zalo", "zaloapp.com": "zalo", "zalo.vn": "zalo",
    "x.com": "x", "twitter.com": "x", "t.co": "x", "t.me": "telegram", "telegram.me": "telegram",
    "telegram.org": "telegram", "discord.com": "discord", "discord.gg": "discord", "reddit.com": "reddit",
}
NEWS_HOSTS = {
    "vnexpress.net", "tuoitre.vn", "thanhnien.vn", "dantri.com.vn", "vietnamnet.vn", "znews.vn", "zingnews.vn",
    "baomoi.com", "kenh14.vn", "24h.com.vn", "nld.com.vn", "laodong.vn", "vov.vn", "vtv.vn", "tienphong.vn",
    "nhandan.vn", "qdnd.vn", "cand.com.vn", "plo.vn", "baokhanhhoa.vn", "soha.vn", "cafef.vn", "vietnamplus.vn",
}
MOBILE_PREFIXES = ("www.", "m.", "mobile.", "mbasic.", "touch.", "web.", "amp.")
HOST_ALIASES = {"fb.com": "facebook.com", "instagr.am": "instagram.com", "twitter.com": "x.com",
                "telegram.me": "t.me", "zingnews.vn": "znews.vn"}

TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|igsh|mibextid|si|feature|ref|ref_src|"
    r"ref_url|_rdr|_rdc|__cft__.*|__tn__|__xts__.*|zarsrc|is_from_webapp|sender_device|share_.*|_t|_r|"
    r"s|t|rdid|sfnsn|hl|app|amp|spm|from|source|src|ved|ei|_ga|_gl|mc_cid|mc_eid|vn_source|vn_medium|"
    r"vn_campaign|vn_term|vn_content|vnecampaign|cmp)$"
)
# Parameters that identify content on pages whose path does not.
KEEP_PARAMS = {
    "facebook": {"story_fbid", "id", "v", "fbid", "set", "multi_permalinks", "comment_id"},
    "youtube": {"v", "list"},
}


def canonicalise(raw: str) -> CanonicalURL:
    parts = _split(raw)
    host = _host(parts.hostname or "")
    platform = platform_of(host)
    host = HOST_ALIASES.get(host, host)
    path = _path(parts.path)
    query = _query(parts.query, platform)
    host, path, query = _platform_forms(platform, host, path, query)
    netloc = f"[{host}]" if ":" in host else host
    if parts.port not in (None, 80, 443):
        netloc = f"{netloc}:{parts.port}"
    url = urlunsplit(("https", netloc, path, query, ""))
    return CanonicalURL(url=url, host=host, platform=platform)


def platform_of(host: str) -> str:
    host = host.lower().rstrip(".")
    labels = host.split(".")
    for i in range(len(labels) - 1):
        suffix = ".".join(labels[i:])
        if suffix in PLATFORM_HOSTS:
            return PLATFORM_HOSTS[suffix]
        if suffix in NEWS_HOSTS:
            return "news"
    return "web"


def _split(raw: str):
    if not isinstance(raw, str):
        raise URLError("url.not_text")
    text = raw.strip()
    if not text:
        raise URLError("url.empty")
    if len(text) > MAX_URL_LENGTH:
        raise URLError("url.too_long", limit=MAX_URL_LENGTH)
    if any(ch in text for ch in "\x00\r\n\t "):
        raise URLError("url.spaces")
    scheme = text.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) else ""
    if scheme and scheme not in {"http", "https"} and not re.match(r"^[A-Za-z0-9.-]+:\d+(/|$)", text):
        raise URLError("url.scheme", scheme=scheme)
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise URLError("url.malformed", detail=str(exc)) from None
    try:
        _port = parts.port  # parsing it validates it
    except ValueError:
        raise URLError("url.port") from None
    if not parts.hostname:
        raise URLError("url.no_host")
    if parts.username or parts.password:
        raise URLError("url.credentials")
    return parts


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if not host or ".." in host:
        raise URLError("url.host_malformed")
    if host.startswith("[") or ":" in host:
        return host
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise URLError("url.host_invalid", host=hostname) from None
    if not re.fullmatch(r"[a-z0-9.-]+", host) or host.startswith("-"):
        raise URLError("url.host_invalid", host=hostname)
    known = platform_of(host) != "web"
    for prefix in MOBILE_PREFIXES:
        if host.startswith(prefix) and (prefix == "www." or known) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


SAFE_PATH = "/:@!$&'()*+,;=-._~"


def _path(path: str) -> str:
    if not path:
        return "/"
    decoded = unquote(path)
    normal = posixpath.normpath(re.sub(r"/{2,}", "/", decoded))
    if normal in (".", "//"):
        normal = "/"
    normal = quote(normal, safe=SAFE_PATH)
    return normal if normal == "/" else normal.rstrip("/")


def _query(query: str, platform: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    keep = KEEP_PARAMS.get(platform)
    if keep is not None:
        pairs = [(k, v) for k, v in pairs if k in keep]
    elif platform in {"tiktok", "instagram", "x", "telegram", "threads", "news"}:
        pairs = []
    else:
        pairs = [(k, v) for k, v in pairs if not TRACKING.match(k.lower())]
    return urlencode(sorted(pairs), quote_via=quote)


def _platform_forms(platform: str, host: str, path: str, query: str) -> tuple[str, str, str]:
    if platform == "youtube":
        video = _youtube_id(host, path, query)
        if video:
            return "youtube.com", "/watch", urlencode({"v": video})
        return "youtube.com", path, query
    if platform == "telegram" and host == "t.me" and path.startswith("/s/"):
        return host, path[2:], query
    if platform == "news":
        path = re.sub(r"^/amp(?=/)", "", path)
        path = re.sub(r"\.amp$", "", path)
    return host, path, query


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    else:
        match = re.match(r"^/(shorts|embed|live|v)/([^/]+)", path)
        candidate = match.group(2) if match else dict(parse_qsl(query)).get("v", "")
    return candidate if re.fullmatch(r"[A-Za-z0-9_-]{6,20}", candidate or "") else None


LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")


def reportable(raw: str, allow_networks=()) -> CanonicalURL:
    """The canonical form of a URL that can be reported: a public domain name or a public address.

    Loopback, private, link-local and other non-public addresses (in any spelling the resolver accepts,
    such as `2130706433` or `0x7f.1`) and single-label or local names can never be captured: refuse them
    at intake, with the same rule for every channel. `allow_networks` are the fetcher's deliberate
    exceptions (a test server, an intranet source), accepted here too.
    """
    canonical = canonicalise(raw)
    host = canonical.host.strip("[]")
    address = _address_literal(host)
    if address is not None:
        allowed = any(address in network for network in allow_networks)
        if not allowed and not is_public(address):
            raise URLError("url.not_public", host=host)
    elif host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        raise URLError("url.not_public", host=host)
    elif "." not in host:
        raise URLError("url.host_invalid", host=host)
    return canonical


def _address_literal(host: str):
    import ipaddress
    import socket

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}", host):
            return None
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    return address


# Percent-escapes that stay escaped when a URL is shown: reserved characters (decoding would change the URL's
# meaning), spaces and controls, and invisible or direction-changing characters (they could disguise a link).
KEEP_ESCAPED = set(";/?:@&=+$,#%[]\\\"<>^`{|} ") | {chr(c) for c in range(0x20)} | {"\x7f"}
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def display(url: str) -> str:
    """A URL as people read it: `https://tiktok.com/@kẻ_lạ_123`, not `…/@k%E1%BA%BB_l%E1%BA%A1_123`.

    For showing only: store, compare and fetch the URL as given.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return url
    if "xn--" in host:
        try:
            unicode_host = host.encode("ascii").decode("idna")
        except UnicodeError:
            unicode_host = host
        url = url.replace(host, unicode_host, 1) if not INVISIBLE.search(unicode_host) else url
    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", _decoded_run, url)


def _decoded_run(match: re.Match) -> str:
    escaped = match.group(0)
    try:
        text = bytes.fromhex(escaped.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return escaped
    return "".join(quote(ch, safe="") if ch in KEEP_ESCAPED or INVISIBLE.match(ch) else ch for ch in text)
