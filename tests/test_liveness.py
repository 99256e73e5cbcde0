"""Takedown verification against a real web server on 127.0.0.1 (no test leaves this machine)."""

import hashlib
import ipaddress
import json
import socket
import threading
import unicodedata
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from copvn.detect import liveness
from copvn.detect.fetch import FetchFailed, FetchPolicy, FetchRefused
from copvn.detect.liveness import (
    CONSECUTIVE_MISSES,
    LIVE,
    MOVED,
    REMOVED,
    UNAVAILABLE,
    UNREACHABLE,
    Liveness,
    check,
    settle,
)
from copvn.detect.urls import PLATFORM_HOSTS

LIVE_PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Nhóm kín</title></head>"
             "<body><p>Bài đăng vẫn còn trên mạng.</p></body></html>").encode()
SCRIPT = "<script>var strings = {" + ",".join(f"k{i}: 'Video unavailable'" for i in range(300)) + "};</script>"
FACEBOOK_GONE = ("<html><head><title>Facebook</title>" + SCRIPT + "</head><body><div>"
                 "<h2>This content isn\u2019t  available right now</h2><p>When this happens, it\u2019s usually "
                 "because the owner only shared it with a small group of people.</p></div></body></html>").encode()
FACEBOOK_GONE_VI = ("<html><head><title>Facebook</title></head><body><h2>"
                    + unicodedata.normalize("NFD", "NỘI DUNG NÀY HIỆN KHÔNG HIỂN THỊ") + "</h2></body></html>").encode()
ARTICLE = ("<html><head><title>Vì sao nhiều video bị gỡ</title></head><body><article>"
           + "<p>Khi người xem gặp dòng chữ Video unavailable, nội dung có thể đã bị gỡ hoặc bị chặn.</p>" * 40
           + "</article></body></html>").encode()
TITLE_GONE = ("<html><head><title>Video unavailable - YouTube</title></head><body>"
              + "<p>Gợi ý video khác để xem tiếp.</p>" * 100 + "</body></html>").encode()
GEO = b"<html><head><title>Video</title></head><body><p>This video is not available in your country.</p></body></html>"
LOGIN = (b"<html><head><title>Log in</title></head><body><form action='/login/' method='post'>"
         b"<input name='email'><input type='password' name='pass'></form></body></html>")
IG_LOGIN = "<html><head><title>Login \u2022 Instagram</title></head><body><p>Instagram</p></body></html>".encode()
STATE = {"takedown": 200}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        port = self.server.server_address[1]
        routes = {
            "/live": (200, LIVE_PAGE), "/gone": (404, b"<title>Not found</title>"), "/erased": (410, b""),
            "/legal": (451, b"<title>Unavailable for legal reasons</title>"), "/broken": (500, b"oops"),
            "/bad-gateway": (502, b""), "/fb-post": (200, FACEBOOK_GONE), "/fb-post-vi": (200, FACEBOOK_GONE_VI),
            "/article": (200, ARTICLE), "/watch": (200, TITLE_GONE), "/geo": (200, GEO),
            "/login/": (200, LOGIN), "/forbidden-login": (403, LOGIN), "/forbidden": (403, b"<p>Forbidden</p>"),
            "/": (200, b"<title>Home</title>"), "/p/abc": (200, IG_LOGIN),
            "/takedown": (STATE["takedown"], LIVE_PAGE if STATE["takedown"] == 200 else b"<title>404</title>"),
        }
        redirects = {
            "/private-post": "/login/?next=%2Fprivate-post", "/away": f"http://other.example:{port}/live",
            "/deep/post/1": "/", "/old-live": "/live", "/short": f"http://www.facebook.com:{port}/live",
        }
        path = urlsplit(self.path).path
        if path in redirects:
            return self._send(302, b"", location=redirects[path])
        return self._send(*routes.get(path, (404, b"not found")))

    def _send(self, status, body, location=""):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)


HOSTS = {"www.facebook.com", "fb.com", "www.youtube.com", "www.instagram.com", "other.example", "127.0.0.1"}


def resolver(host, port):
    if host not in HOSTS:
        raise FetchFailed("fetch.dns", host=host, detail="unknown in this test")
    return ["127.0.0.1"]


POLICY = FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.0/8"),), resolver=resolver, timeout=5)


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    yield lambda path, host="127.0.0.1": f"http://{host}:{port}{path}"
    server.shutdown()
    server.server_close()


def test_a_live_page_is_live_with_its_bytes_as_evidence(site):
    found = check(site("/live"), POLICY)
    assert (found.result, found.reason, found.http_status) == (LIVE, "http_200", 200)
    assert found.sha256 == hashlib.sha256(LIVE_PAGE).hexdigest() and found.size == len(LIVE_PAGE)
    assert found.final_url == site("/live") and found.platform == "web"
    assert found.checked_at.tzinfo is UTC


def test_a_changed_page_is_still_live_but_says_so(site):
    same = check(site("/live"), POLICY, expected_sha256=hashlib.sha256(LIVE_PAGE).hexdigest())
    changed = check(site("/live"), POLICY, expected_sha256=hashlib.sha256(b"the page we captured").hexdigest())
    assert (same.result, same.reason) == (LIVE, "http_200")
    assert (changed.result, changed.reason) == (LIVE, "content_changed")
    gone = check(site("/gone"), POLICY, expected_sha256=hashlib.sha256(LIVE_PAGE).hexdigest())
    assert (gone.result, gone.reason) == (REMOVED, "http_404")  # only a live page can have changed


@pytest.mark.parametrize(("path", "status", "result", "reason"), [
    ("/gone", 404, REMOVED, "http_404"), ("/erased", 410, REMOVED, "http_410"),
    ("/legal", 451, UNAVAILABLE, "http_451"), ("/broken", 500, UNREACHABLE, "http_500"),
    ("/bad-gateway", 502, UNREACHABLE, "http_502"), ("/forbidden", 403, UNREACHABLE, "http_403"),
    ("/forbidden-login", 403, UNAVAILABLE, "login_wall"),
])
def test_status_codes(site, path, status, result, reason):
    found = check(site(path), POLICY)
    assert (found.result, found.reason, found.http_status) == (result, reason, status)


def test_an_empty_body_has_no_evidence_hash(site):
    found = check(site("/erased"), POLICY)
    assert (found.sha256, found.size) == ("", 0)


def test_a_platform_unavailable_page_counts_only_on_that_platform(site):
    on_facebook = check(site("/fb-post", "www.facebook.com"), POLICY)
    elsewhere = check(site("/fb-post"), POLICY)
    assert (on_facebook.result, on_facebook.reason) == (REMOVED, "platform_unavailable:facebook")
    assert on_facebook.platform == "facebook" and on_facebook.http_status == 200
    assert (elsewhere.result, elsewhere.reason) == (LIVE, "http_200")


def test_phrases_match_across_case_and_unicode_normal_forms(site):
    found = check(site("/fb-post-vi", "www.facebook.com"), POLICY)
    assert (found.result, found.reason) == (REMOVED, "platform_unavailable:facebook")


def test_a_long_article_quoting_the_phrase_stays_live_but_the_title_counts(site):
    article = check(site("/article", "www.youtube.com"), POLICY)
    titled = check(site("/watch", "www.youtube.com"), POLICY)
    assert (article.result, article.reason) == (LIVE, "http_200")
    assert (titled.result, titled.reason) == (REMOVED, "platform_unavailable:youtube")


def test_a_redirect_to_a_login_page_is_a_login_wall(site):
    found = check(site("/private-post", "www.facebook.com"), POLICY)
    assert (found.result, found.reason) == (UNAVAILABLE, "login_wall")
    assert found.final_url.endswith("/login/?next=%2Fprivate-post") and found.http_status == 200


def test_a_platform_login_page_is_a_login_wall_only_on_that_platform(site):
    on_instagram = check(site("/p/abc", "www.instagram.com"), POLICY)
    elsewhere = check(site("/p/abc"), POLICY)
    assert (on_instagram.result, on_instagram.reason) == (UNAVAILABLE, "login_wall")
    assert (elsewhere.result, elsewhere.reason) == (LIVE, "http_200")


def test_a_geo_block_is_unavailable_not_removed(site):
    found = check(site("/geo", "www.youtube.com"), POLICY)
    assert (found.result, found.reason) == (UNAVAILABLE, "geo_block")


def test_redirects_to_another_site_or_home_are_moves_and_others_are_followed(site):
    away = check(site("/away", "www.facebook.com"), POLICY)
    home = check(site("/deep/post/1"), POLICY)
    followed = check(site("/old-live"), POLICY)
    same_platform = check(site("/short", "fb.com"), POLICY)  # fb.com and facebook.com are one site
    assert (away.result, away.reason, away.final_url) == (MOVED, "redirect_elsewhere",
                                                          site("/live", "other.example"))
    assert (home.result, home.reason) == (MOVED, "redirect_home")
    assert (followed.result, followed.final_url) == (LIVE, site("/live"))
    assert (same_platform.result, same_platform.final_url) == (LIVE, site("/live", "www.facebook.com"))


def test_network_failures_and_refusals_are_unreachable(site):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = check(f"http://127.0.0.1:{closed_port}/post", POLICY)
    unknown = check(site("/live", "no-such-host.example"), POLICY)
    private = check(site("/live"), FetchPolicy())
    assert (refused.result, refused.reason, refused.http_status, refused.sha256) == (UNREACHABLE, "refused",
                                                                                   None, "")
    assert (unknown.result, unknown.reason) == (UNREACHABLE, "dns")
    assert (private.result, private.reason) == (UNREACHABLE, "fetch.not_public")


def test_a_page_taken_down_is_removed_after_three_consecutive_misses(site):
    STATE["takedown"] = 200
    status, misses = settle(0, check(site("/takedown"), POLICY))
    assert (status, misses) == (LIVE, 0)
    STATE["takedown"] = 404
    seen = []
    for _ in range(CONSECUTIVE_MISSES):
        status, misses = settle(misses, check(site("/takedown"), POLICY))
        seen.append((status, misses))
    assert seen == [("pending_removed", 1), ("pending_removed", 2), (REMOVED, 3)]


def _result(result):
    return Liveness(result, "", None, "https://example.com/", "", 0, None, "web")


def test_settle_counts_only_consecutive_removals():
    assert settle(2, _result(UNREACHABLE)) == (UNREACHABLE, 2)  # neither counts nor resets
    assert settle(2, _result(UNAVAILABLE)) == (UNAVAILABLE, 2)  # reported at once, never made removal
    assert settle(2, _result(LIVE)) == (LIVE, 0)
    assert settle(2, _result(MOVED)) == (MOVED, 0)
    assert settle(2, _result(REMOVED)) == (REMOVED, 3)
    assert settle(0, _result(REMOVED), required=1) == (REMOVED, 1)
    assert settle(0, _result(REMOVED), required=5) == ("pending_removed", 1)
    with pytest.raises(ValueError):
        settle(0, _result("gone"))


def test_the_pattern_data_names_known_platforms_and_has_the_geo_and_login_lists():
    raw = json.loads(liveness.PATTERNS_FILE.read_text(encoding="utf-8"))
    platforms = {key for key in raw if not key.startswith("_")}
    assert platforms <= set(PLATFORM_HOSTS.values()) | {"generic"}
    assert {"facebook", "youtube", "tiktok", "instagram", "x", "zalo", "generic"} <= platforms
    assert all(set(raw[key]) <= {"phrases", "title", "geo_block", "login"} for key in platforms)
    assert all(raw[key]["phrases"] for key in platforms)


def test_a_site_is_its_registrable_domain_and_a_platform_is_one_site():
    assert liveness.site_of("shop.abc.com.vn") == liveness.site_of("abc.com.vn") == "abc.com.vn"
    assert liveness.site_of("a.b.example.com") == "example.com" != liveness.site_of("example.net")
    assert liveness.site_of("m.facebook.com") == liveness.site_of("fb.watch") == "facebook"
    assert liveness.site_of("[::1]") == "::1"


def test_the_fetcher_can_be_replaced_and_policy_refusals_keep_their_code():
    calls = []

    def refusing(url, policy=None):
        calls.append((url, policy))
        raise FetchRefused("fetch.scheme", scheme="ftp")

    found = check("ftp://example.com/file", POLICY, fetcher=refusing)
    assert calls == [("ftp://example.com/file", POLICY)]
    assert (found.result, found.reason, found.final_url, found.size) == (UNREACHABLE, "fetch.scheme",
                                                                         "ftp://example.com/file", 0)
