import ipaddress

import pytest

from copvn.detect.fetch import USER_AGENT, FetchFailed, FetchPolicy, FetchRefused, fetch

from .local_site import Handler, LocalSite

LOCAL = (ipaddress.ip_network("127.0.0.1/32"),)


@pytest.fixture(scope="module")
def site():
    with LocalSite() as running:
        yield running


def test_a_public_only_fetcher_refuses_loopback_and_private_addresses(site):
    for url in (site.url("/page"), "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/",
                "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://0.0.0.0/"):
        with pytest.raises(FetchRefused, match="not a public address"):
            fetch(url)


def test_it_fetches_an_allowed_server_and_says_who_it_is(site):
    result = fetch(site.url("/page"), FetchPolicy(allow_networks=LOCAL))
    assert result.status == 200 and "người mẫu nhí".encode() in result.body
    assert Handler.seen_agents[-1] == USER_AGENT


@pytest.mark.parametrize("path", ["/redirect-private", "/redirect-metadata"])
def test_a_redirect_to_a_private_address_is_refused(site, path):
    with pytest.raises(FetchRefused, match="not a public address"):
        fetch(site.url(path), FetchPolicy(allow_networks=LOCAL))


def test_redirects_are_followed_and_recorded_up_to_the_limit(site):
    result = fetch(site.url("/redirect-page"), FetchPolicy(allow_networks=LOCAL))
    assert result.final_url == site.url("/page") and [h.status for h in result.hops] == [302, 200]
    with pytest.raises(FetchRefused, match="more than 3 redirects"):
        fetch(site.url("/loop"), FetchPolicy(allow_networks=LOCAL, max_redirects=3))


def test_the_body_is_capped(site):
    result = fetch(site.url("/big"), FetchPolicy(allow_networks=LOCAL, max_bytes=100_000))
    assert result.truncated and len(result.body) == 100_000
    with pytest.raises(FetchFailed):  # the server promises 50 MB and hangs up after 100 bytes
        fetch(site.url("/big-declared"), FetchPolicy(allow_networks=LOCAL, max_bytes=100_000_000, timeout=5))


def test_a_host_is_checked_on_every_resolution_and_the_connection_is_pinned(site):
    answers = {"tin-tuc.example": ["127.0.0.1"], "rebind.example": ["127.0.0.1", "10.0.0.7"]}
    policy = FetchPolicy(allow_networks=LOCAL, resolver=lambda host, port: answers[host])
    result = fetch(f"http://tin-tuc.example:{site.port}/page", policy)
    assert result.address == "127.0.0.1" and Handler.seen_hosts[-1] == f"tin-tuc.example:{site.port}"
    with pytest.raises(FetchRefused, match="10.0.0.7"):
        fetch(f"http://rebind.example:{site.port}/page", policy)


def test_other_schemes_and_dead_servers_fail_clearly():
    with pytest.raises(FetchRefused, match="scheme 'file'"):
        fetch("file:///etc/passwd")
    with pytest.raises(FetchFailed):
        fetch("http://127.0.0.1:9/", FetchPolicy(allow_networks=LOCAL, timeout=3))


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "::7f00:1", "::ffff:0:a00:1",
                                     "2002:a9fe:a9fe::1", "2002:c0a8:101::", "::ffff:169.254.169.254"])
def test_ipv6_forms_that_embed_a_private_ipv4_address_are_refused(address):
    with pytest.raises(FetchRefused, match="not a public address"):
        fetch(f"http://[{address}]/")


def test_ipv6_forms_that_embed_a_public_ipv4_address_are_judged_by_it():
    from copvn.detect.addresses import is_public

    assert is_public(ipaddress.ip_address("64:ff9b::808:808")) and is_public(ipaddress.ip_address("2002:808:808::"))
    assert is_public(ipaddress.ip_address("2606:4700:4700::1111"))
    assert not is_public(ipaddress.ip_address("::"))


def test_intake_uses_the_same_address_rule():
    from copvn.detect.urls import URLError, reportable

    with pytest.raises(URLError) as refused:
        reportable("http://[64:ff9b::a00:1]/")
    assert refused.value.code == "url.not_public"
