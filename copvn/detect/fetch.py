"""A locked-down HTTP fetcher for capturing reported pages (framework-free).

It refuses every address that is not public (private, loopback, link-local, shared, reserved, multicast),
checks again at every redirect, and connects to the very address it checked (the host name is resolved
once per hop and the connection pinned to that address, so a DNS answer that changes between the check
and the connection cannot steer it inside). It caps the body size, the total time and the number of
redirects, and says who it is in its User-Agent.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .addresses import is_public
from .errors import CodedError

USER_AGENT = "copvn-capture/0.1 (child online protection evidence capture; +https://github.com/copvn/copvn)"
REDIRECTS = {301, 302, 303, 307, 308}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(CodedError):
    """The policy forbids this fetch (scheme, address, size); `code` says which rule."""

    MESSAGES = {
        "fetch.redirects": "more than {limit} redirects",
        "fetch.scheme": "scheme {scheme!r} is not fetched (http and https only)",
        "fetch.no_host": "the URL has no host",
        "fetch.not_public": "{host} resolves to {address}, which is not a public address",
    }


class FetchFailed(CodedError):
    """The network or the server failed (DNS, connection, TLS, timeout, malformed response)."""

    MESSAGES = {
        "fetch.dns": "cannot resolve {host}: {detail}",
        "fetch.no_address": "{host} has no address",
        "fetch.timeout": "{host}: the time limit ran out",
        "fetch.refused": "{host}: the connection was refused",
        "fetch.reset": "{host}: the connection was reset or closed early",
        "fetch.tls": "{host}: the secure connection (TLS) failed: {detail}",
        "fetch.network": "{host}: {detail}",
        "fetch.short_body": "{host}: the connection closed after {size} of {declared} bytes",
    }


def _network_error(host: str, exc: Exception) -> FetchFailed:
    """A network exception as a FetchFailed whose code says what kind of failure it was."""
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return FetchFailed("fetch.tls", host=host, detail=detail)
    if isinstance(exc, TimeoutError | socket.timeout):
        return FetchFailed("fetch.timeout", host=host, detail=detail)
    if isinstance(exc, ConnectionRefusedError):
        return FetchFailed("fetch.refused", host=host, detail=detail)
    if isinstance(exc, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected
                  | http.client.IncompleteRead):
        return FetchFailed("fetch.reset", host=host, detail=detail)
    return FetchFailed("fetch.network", host=host, detail=detail)


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed("fetch.dns", host=host, detail=exc.strerror) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 10 * 1024 * 1024
    timeout: float = 20.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    # Exceptions to "public addresses only" — for a test server or a deliberate intranet source, never by default.
    allow_networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()
    resolver: Callable[[str, int], list[str]] = system_resolver

    def permits(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if any(address in network for network in self.allow_networks):
            return True
        return is_public(address)


@dataclass
class Hop:
    url: str
    address: str
    status: int
    location: str = ""


@dataclass
class FetchResult:
    requested_url: str
    final_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    truncated: bool
    address: str
    hops: list[Hop] = field(default_factory=list)

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), "")


def fetch(url: str, policy: FetchPolicy | None = None, headers: dict[str, str] | None = None) -> FetchResult:
    """GET the URL under the policy; `headers` are added to each hop's request (a conditional GET's
    If-None-Match / If-Modified-Since, say)."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    hops: list[Hop] = []
    current = url
    extra = headers
    for _ in range(policy.max_redirects + 1):
        response, address, headers, body, truncated = _one_hop(current, policy, deadline, extra=extra)
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        hops.append(Hop(current, address, response, location))
        if response in REDIRECTS and location:
            current = urljoin(current, location)
            continue
        return FetchResult(url, current, response, headers, body, truncated, address, hops)
    raise FetchRefused("fetch.redirects", limit=policy.max_redirects)


def post(url: str, body: bytes, headers: dict[str, str], policy: FetchPolicy | None = None) -> FetchResult:
    """One POST under the same rules (public addresses only, pinned connection, capped answer); redirects are
    not followed — a webhook that moved answers 3xx and is reported as such."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    status, address, answer_headers, answer, truncated = _one_hop(url, policy, deadline, "POST", body, headers)
    return FetchResult(url, url, status, answer_headers, answer, truncated, address, [Hop(url, address, status)])


def _one_hop(url: str, policy: FetchPolicy, deadline: float, method: str = "GET", body: bytes | None = None,
             extra: dict[str, str] | None = None):
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused("fetch.scheme", scheme=parts.scheme)
    if not parts.hostname:
        raise FetchRefused("fetch.no_host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _checked_address(parts.hostname, port, policy)
    connection = _connection(parts.scheme, parts.hostname, port, address, _remaining(deadline, parts.hostname))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, body=body, headers={
            "User-Agent": policy.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "vi,en;q=0.5", "Accept-Encoding": "identity", "Connection": "close", **(extra or {})})
        response = connection.getresponse()
        body, truncated = _read_capped(response, policy.max_bytes, deadline, parts.hostname)
        return response.status, address, list(response.getheaders()), body, truncated
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        raise _network_error(parts.hostname, exc) from None
    finally:
        connection.close()


def _checked_address(host: str, port: int, policy: FetchPolicy) -> str:
    try:
        candidates = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        candidates = policy.resolver(host, port)
    if not candidates:
        raise FetchFailed("fetch.no_address", host=host)
    for candidate in candidates:
        if not policy.permits(ipaddress.ip_address(candidate.split("%")[0])):
            raise FetchRefused("fetch.not_public", host=host, address=candidate)
    return candidates[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme, host, port, address, timeout):
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return cls(host, port, address, timeout)


def _read_capped(response, limit: int, deadline: float, host: str) -> tuple[bytes, bool]:
    """At most `limit` bytes; a longer body is cut there and marked truncated (a capture keeps what it got)."""
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchFailed("fetch.timeout", host=host)
        chunk = response.read(min(65536, limit + 1 - size))
        if not chunk:
            declared = response.getheader("Content-Length", "")
            if declared.isdigit() and size < int(declared):
                raise FetchFailed("fetch.short_body", host=host, size=size, declared=declared)
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True


def _remaining(deadline: float, host: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("fetch.timeout", host=host)
    return left
