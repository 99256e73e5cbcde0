import hashlib

import pytest

from copvn.audit.models import AuditEvent
from copvn.cases import capture
from copvn.cases.models import Artefact, Capture
from copvn.core.blobs import EVIDENCE
from copvn.intake.services import ReportInput, submit

from .conftest import png_bytes
from .local_site import LocalSite


@pytest.fixture(scope="module")
def site():
    with LocalSite() as running:
        yield running


@pytest.fixture
def local_fetching(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.CAPTURE_SCREENSHOTS = True


def case_url_for(url):
    report, _ = submit(ReportInput(channel="web", urls=[url]))
    return report.case.urls.get()


def test_a_capture_keeps_each_artefact_with_its_hash_time_and_component(db, site, local_fetching):
    case_url = case_url_for(site.url("/page"))
    result = capture.capture(case_url.pk)
    assert result.status == "done" and result.http_status == 200
    assert "người mẫu nhí" in result.title and "không cần hỏi bố mẹ" in result.text
    kinds = sorted(a.kind for a in result.artefacts.all())
    assert kinds.count("media") == 2 and {"html", "headers", "text"} <= set(kinds)
    for item in result.artefacts.exclude(kind="media"):
        assert hashlib.sha256(EVIDENCE.read(item.stored_path)).hexdigest() == item.sha256
        assert item.component == capture.COMPONENT and item.captured_at
    media = result.artefacts.filter(kind="media")
    assert {m.sha256 for m in media} == {hashlib.sha256(png_bytes(colour=c)).hexdigest() for c in [(9, 9, 9), (8, 8, 8)]}
    assert all(m.stored_path == "" for m in media), "media found on a page is kept as hashes only"
    assert AuditEvent.objects.filter(action="capture.done").exists()


def test_a_screenshot_is_rendered_offline_when_chromium_is_present(db, site, local_fetching):
    from copvn.cases import screenshot

    if screenshot.chromium() is None:
        pytest.fail("chromium is part of the test environment (scripts/test installs it)")
    result = capture.capture(case_url_for(site.url("/page")).pk)
    shot = result.artefacts.get(kind="screenshot")
    assert EVIDENCE.read(shot.stored_path)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("head", ['<meta http-equiv="refresh" content="0">',
                                  '<META HTTP-EQUIV=Refresh CONTENT="0;url=https://example.com/">'])
def test_a_page_that_refreshes_itself_is_still_screenshot_promptly(head):
    import time

    from copvn.cases import screenshot

    started = time.monotonic()
    picture = screenshot.render(f"<html><head>{head}</head><body><h1>Trang tự tải lại</h1></body></html>", timeout=25)
    assert picture is not None and picture[:8] == b"\x89PNG\r\n\x1a\n"
    assert time.monotonic() - started < 15


def test_a_capture_that_redirects_to_a_private_address_is_refused(db, site, local_fetching):
    result = capture.capture(case_url_for(site.url("/redirect-private")).pk)
    assert result.status == "refused" and "not a public address" in result.error
    assert not result.artefacts.exists()


def test_without_an_exception_the_local_server_itself_is_refused(db, site, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    case_url = case_url_for(site.url("/page"))
    settings.FETCH_ALLOW_NETWORKS = []  # the exception is withdrawn before the capture runs
    result = capture.capture(case_url.pk)
    assert result.status == "refused" and result.error_code == "fetch.not_public"
    assert result.error_message.startswith("127.0.0.1 trỏ tới 127.0.0.1, không phải địa chỉ công cộng")


def test_capturing_again_changes_nothing_and_an_interrupted_capture_is_redone(db, site, local_fetching):
    case_url = case_url_for(site.url("/page"))
    first = capture.capture(case_url.pk)
    assert capture.capture(case_url.pk) == first and Capture.objects.count() == 1
    stale = Capture.objects.create(case_url=case_url_for(site.url("/redirect-page")).__class__.objects.last(),
                                   requested_url=site.url("/redirect-page"))
    done = capture.capture(stale.case_url_id)
    assert done.pk == stale.pk and done.status == "done" and done.final_url == site.url("/page")
    assert Artefact.objects.filter(capture=done, kind="html").count() == 1


def test_the_hosting_trace_names_the_provider_from_the_registry(db, make_org, local_fetching):
    meta = make_org("meta", kind="platform", domains="facebook.com,fb.watch")
    assert capture.provider_for("facebook.com") == meta
    assert capture.provider_for("m.facebook.com") == meta
    assert capture.provider_for("notfacebook.com") is None
