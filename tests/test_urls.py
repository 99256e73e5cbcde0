import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from copvn.detect.urls import URLError, canonicalise, platform_of

SAME = [
    ("https://www.facebook.com/groups/123/posts/456/?fbclid=abc&__tn__=R",
     "http://m.facebook.com/groups/123/posts/456", "https://facebook.com/groups/123/posts/456"),
    ("https://mbasic.facebook.com/story.php?story_fbid=9&id=7&ref=share", "fb.com/story.php?id=7&story_fbid=9",
     "https://facebook.com/story.php?id=7&story_fbid=9"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", "https://m.youtube.com/shorts/dQw4w9WgXcQ",
     "https://youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&feature=share", "youtube.com/embed/dQw4w9WgXcQ",
     "https://youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.tiktok.com/@be.na/video/7312?is_from_webapp=1&sender_device=pc", "https://m.tiktok.com/@be.na/video/7312",
     "https://tiktok.com/@be.na/video/7312"),
    ("https://twitter.com/someone/status/1?s=20", "https://mobile.twitter.com/someone/status/1/",
     "https://x.com/someone/status/1"),
    ("https://www.instagram.com/p/Cabc/?igsh=xyz", "https://instagr.am/p/Cabc", "https://instagram.com/p/Cabc"),
    ("https://t.me/s/kenhxau/55", "https://telegram.me/kenhxau/55", "https://t.me/kenhxau/55"),
    ("https://vnexpress.net/amp/tre-em-bi-bat-nat-4700000.html", "https://vnexpress.net/tre-em-bi-bat-nat-4700000.html?utm_source=fb",
     "https://vnexpress.net/tre-em-bi-bat-nat-4700000.html"),
    ("HTTP://Example.VN:80/a/./b/../c//d/?b=2&a=1&utm_medium=x#top", "https://example.vn:443/a/c/d?a=1&b=2",
     "https://example.vn/a/c/d?a=1&b=2"),
    ("https://zalo.me/g/abcdef", "https://www.zalo.me/g/abcdef/", "https://zalo.me/g/abcdef"),
]


@pytest.mark.parametrize("one, other, expected", SAME)
def test_forms_of_the_same_content_share_one_canonical_url(one, other, expected):
    assert canonicalise(one).url == expected
    assert canonicalise(other).url == expected


@pytest.mark.parametrize("url, platform", [
    ("https://fb.watch/abc/", "facebook"), ("https://vm.tiktok.com/ZS8/", "tiktok"), ("https://chat.zalo.me/", "zalo"),
    ("https://dantri.com.vn/x.htm", "news"), ("https://baokhanhhoa.vn/xa-hoi/x.html", "news"),
    ("https://example.com/", "web"),
])
def test_platforms_are_detected_from_the_host(url, platform):
    assert canonicalise(url).platform == platform


def test_non_default_ports_and_vietnamese_domains_are_kept_exactly():
    assert canonicalise("http://192.168.1.1:8080/a").url == "https://192.168.1.1:8080/a"
    import unicodedata

    composed = canonicalise("https://trẻem.vn/bài%20viết")
    decomposed = canonicalise(unicodedata.normalize("NFD", "https://trẻem.vn/bài%20viết"))
    assert composed.host.startswith("xn--") and composed.host.endswith(".vn")
    assert composed.host == decomposed.host


@pytest.mark.parametrize("bad, reason", [
    ("javascript:alert(1)", "unsupported scheme"), ("file:///etc/passwd", "unsupported scheme"),
    ("ftp://example.com/x", "unsupported scheme"), ("data:text/html,hi", "unsupported scheme"),
    ("", "empty"), ("http://", "no host"), ("http://a b.com/", "spaces"), ("http://x.com:99999/", "port"),
    ("http://user:pass@example.com/", "user name"), ("https://" + "a" * 5000 + ".com", "longer than"),
])
def test_what_cannot_be_reported_is_refused_with_a_reason(bad, reason):
    with pytest.raises(URLError, match=reason):
        canonicalise(bad)


@settings(max_examples=400, deadline=None)
@given(urls())
def test_canonicalising_is_idempotent_on_any_valid_url(url):
    first = canonicalise(url)
    assert canonicalise(first.url) == first
    assert first.url.startswith("https://")


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_canonical_url_or_a_url_error(text):
    try:
        canonicalise(text)
    except URLError:
        pass


def test_platform_of_uses_whole_labels():
    assert platform_of("notfacebook.com") == "web"
    assert platform_of("www.facebook.com") == "facebook"
