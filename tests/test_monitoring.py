"""Watched sources: a feed served here with a new harmful item becomes a queue item with its findings within one
check; the same item again does not; polite fetching (robots.txt, conditional GET, a pause per host, backoff);
sitemaps, watched pages and dropped files; bad input says what is wrong and loses nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from copvn.audit.models import AuditEvent
from copvn.cases.models import Case
from copvn.intake.models import Channel, Report
from copvn.monitoring import watch
from copvn.monitoring.models import Host, SeenItem, Source
from copvn.review.detection import detect_case
from copvn.review.models import Finding, QueueItem

GROOMING = ("Anh tuyển mẫu ảnh nhí, em nào 12 đến 15 tuổi nhắn riêng cho anh, gửi ảnh toàn thân trước, "
            "đừng kể với bố mẹ nhé, anh chuyển tiền ngay cho em")
HARMLESS = "Thành phố tổ chức hội thi vẽ tranh thiếu nhi chủ đề biển đảo, các em đăng ký tại nhà văn hóa phường"


def rss(*items: tuple[str, str, str]) -> bytes:
    entries = "".join(f"<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>"
                      f"<description>{text}</description></item>" for guid, title, link, text in
                      [(g, t, f"https://www.facebook.com/posts/{g}", x) for g, t, x in items])
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
            f"{entries}</channel></rss>").encode()


class Site:
    """A web site on 127.0.0.1 whose pages a test sets: path -> (status, body, content type)."""

    def __init__(self):
        self.pages: dict[str, tuple[int, bytes, str]] = {}
        self.requests: list[tuple[float, str, dict]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append((time.monotonic(), self.path, dict(self.headers)))
                status, body, kind = site.pages.get(self.path, (404, b"not found", "text/plain"))
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if status == 200:
                    self.send_header("ETag", etag)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [p for _t, p, _h in self.requests]


@pytest.fixture
def site(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.MONITOR_HOST_SECONDS = 0.0
    s = Site()
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def analyst(make_user):
    return make_user("analyst")


def source(owner, kind, url="", **extra) -> Source:
    return Source.objects.create(name=f"{kind} {url}", kind=kind, url=url, owner=owner, **extra)


def due_again(*sources: Source) -> None:
    Source.objects.filter(pk__in=[s.pk for s in sources]).update(next_check_at=timezone.now())


def test_a_new_harmful_feed_item_becomes_one_queue_item_with_findings_and_the_same_again_does_not(db, site, analyst):
    site.pages["/rss"] = (200, rss(("a1", "Tuyển mẫu nhí", GROOMING), ("a2", "Hội thi vẽ", HARMLESS)),
                          "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"), interval_minutes=15)
    totals = watch.check_due()
    assert totals["checked"] == 1 and totals["new"] == 2 and totals["alerts"] == 1
    alert = SeenItem.objects.get(source=feed, outcome="alert")
    assert "GROOM" in alert.codes and alert.case is not None
    report = Report.objects.get(case=alert.case)
    assert report.channel == Channel.MONITORING and "mẫu ảnh nhí" in report.description
    assert QueueItem.objects.filter(case=alert.case).count() == 1
    detect_case(alert.case.pk)  # the background detection the report enqueued
    assert Finding.objects.filter(case=alert.case, category_code="GROOM").exists()
    assert SeenItem.objects.get(source=feed, outcome="below").case is None
    feed.refresh_from_db()
    assert feed.status == "ok" and feed.items_seen == 2 and feed.alerts == 1
    assert feed.next_check_at > timezone.now() + dt.timedelta(minutes=14)

    # Nothing new: the conditional GET is answered 304 and nothing is examined again.
    due_again(feed)
    assert watch.check_due()["not_modified"] == 1
    assert site.requests[-1][2].get("If-None-Match")
    # The same harmful text again under a new id: it joins the open case, no second queue item.
    site.pages["/rss"] = (200, rss(("a3", "Tuyển mẫu nhí (đăng lại)", GROOMING), ("a1", "Tuyển mẫu nhí", GROOMING)),
                          "application/rss+xml")
    due_again(feed)
    assert watch.check_due()["new"] == 1
    again = SeenItem.objects.get(source=feed, key__in=[i.digest for i in _items(site, "/rss") if i.key == "a3"])
    assert again.outcome == "joined" and again.case == alert.case
    assert Case.objects.count() == 1 and QueueItem.objects.count() == 1
    assert Report.objects.filter(case=alert.case).count() == 2


def _items(site, path):
    from copvn.detect.sources import parse_feed

    return parse_feed(site.pages[path][1])


def test_content_already_decided_is_recognised_and_not_queued_again(db, site, analyst, make_case):
    from copvn.review.models import Decision

    decided = make_case(url="https://www.facebook.com/posts/z9")
    Decision.objects.create(case=decided, number=1, categories=["GROOM"], harmful=True, action="takedown",
                            reason="đã xử lý", decided_by=analyst)
    site.pages["/rss"] = (200, rss(("z9", "Tuyển mẫu nhí", GROOMING)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"))
    watch.check_due()
    item = SeenItem.objects.get(source=feed)
    assert item.outcome == "known" and item.case == decided
    assert QueueItem.objects.filter(case__reports__channel=Channel.MONITORING).count() == 0


def test_robots_txt_that_disallows_is_obeyed_and_said(db, site, analyst):
    site.pages["/robots.txt"] = (200, b"User-agent: *\nDisallow: /private/*.xml$\n", "text/plain")
    site.pages["/private/feed.xml"] = (200, rss(("b1", "x", GROOMING)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/private/feed.xml"))
    watch.check_due()
    feed.refresh_from_db()
    assert feed.status == "disallowed" and "/private/feed.xml" not in site.paths()
    assert Host.objects.get(name=f"127.0.0.1:{site.port}").robots.startswith("User-agent")


def test_sources_on_one_host_are_spaced_and_robots_is_read_once_a_day(db, site, analyst, settings):
    settings.MONITOR_HOST_SECONDS = 0.4
    for i in range(3):
        site.pages[f"/f{i}"] = (200, rss((f"c{i}", "Hội thi", HARMLESS)), "application/rss+xml")
        source(analyst, Source.Kind.FEED, site.url(f"/f{i}"))
    watch.check_due()
    times = [t for t, _p, _h in site.requests]
    assert len(times) == 4 and site.paths()[0] == "/robots.txt"
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.38
    assert {h.get("User-Agent", "")[:13] for _t, _p, h in site.requests} == {"copvn-monitor"}
    due_again(*Source.objects.all())
    Host.objects.update(next_visit_at=timezone.now())
    watch.check_due()
    assert site.paths().count("/robots.txt") == 1


def test_a_feed_that_is_not_xml_fails_clearly_and_waits_longer_each_time(db, site, analyst):
    site.pages["/bad"] = (200, b"<html><body>not a feed</body></html>", "text/html")
    feed = source(analyst, Source.Kind.FEED, site.url("/bad"), interval_minutes=10)
    watch.check_due()
    feed.refresh_from_db()
    assert feed.status == "error" and feed.failures == 1 and "RSS" in feed.last_error
    first_wait = feed.next_check_at - feed.last_checked_at
    due_again(feed)
    watch.check_due()
    feed.refresh_from_db()
    assert feed.failures == 2 and feed.next_check_at - feed.last_checked_at > first_wait * 1.5
    site.pages["/bad"] = (200, rss(("d1", "Hội thi", HARMLESS)), "application/rss+xml")
    due_again(feed)
    watch.check_due()
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == "" and feed.items_seen == 1


def test_an_unreachable_host_and_a_server_error_are_errors_not_crashes(db, site, analyst):
    site.pages["/500"] = (500, b"oops", "text/plain")
    a = source(analyst, Source.Kind.FEED, site.url("/500"))
    b = source(analyst, Source.Kind.FEED, "http://127.0.0.1:9/feed")
    watch.check_due()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "error" and "500" in a.last_error
    assert b.status == "error" and b.last_error


def test_a_sitemap_gives_its_new_pages_and_a_sitemap_bomb_is_refused(db, site, analyst):
    page = ("<html><head><title>Bài mới</title></head><body><article><p>" + GROOMING + "</p><p>" + HARMLESS
            + "</p></article></body></html>").encode()
    site.pages["/p1"] = (200, page, "text/html; charset=utf-8")
    site.pages["/sitemap.xml"] = (200, (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url('/p1')}</loc></url></urlset>").encode(), "application/xml")
    good = source(analyst, Source.Kind.SITEMAP, site.url("/sitemap.xml"))
    many = "".join(f"<url><loc>{site.url(f'/x{i}')}</loc></url>" for i in range(50_001))
    site.pages["/huge.xml"] = (200, gzip.compress(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{many}</urlset>'.encode()), "application/xml")
    huge = source(analyst, Source.Kind.SITEMAP, site.url("/huge.xml"))
    site.pages["/deep.xml"] = (200, b"<urlset>" + b"<a>" * 300 + b"</a>" * 300 + b"</urlset>", "application/xml")
    deep = source(analyst, Source.Kind.SITEMAP, site.url("/deep.xml"))
    site.pages["/bomb.xml.gz"] = (200, gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>"),
                                  "application/gzip")
    bomb = source(analyst, Source.Kind.SITEMAP, site.url("/bomb.xml.gz"))
    watch.check_due()
    for s in (good, huge, deep, bomb):
        s.refresh_from_db()
    assert good.items_seen == 1 and good.alerts == 1
    assert SeenItem.objects.get(source=good).url == site.url("/p1")
    assert huge.status == "error" and huge.last_error_code == "source.sitemap_too_big"
    assert deep.status == "error" and deep.last_error_code == "source.not_sitemap"
    assert bomb.status == "error" and bomb.last_error_code == "source.inflated"
    due_again(good)
    watch.check_due()
    assert site.paths().count("/p1") == 1  # a page seen once is not fetched again


def test_a_watched_page_part_gives_an_item_when_it_changes_only(db, site, analyst):
    def page(text):
        return f"<html><body><nav>Menu {time.time()}</nav><div id='posts'><p>{text}</p></div></body></html>".encode()

    site.pages["/group"] = (200, page(HARMLESS), "text/html; charset=utf-8")
    watched = source(analyst, Source.Kind.PAGE, site.url("/group"), selector="#posts")
    watch.check_due()
    site.pages["/group"] = (200, page(HARMLESS), "text/html; charset=utf-8")  # only the menu changed
    due_again(watched)
    watch.check_due()
    watched.refresh_from_db()
    assert watched.items_seen == 1 and watched.last_changed_at is None
    site.pages["/group"] = (200, page(GROOMING), "text/html; charset=utf-8")
    due_again(watched)
    watch.check_due()
    watched.refresh_from_db()
    assert watched.items_seen == 2 and watched.alerts == 1 and watched.last_changed_at is not None
    site.pages["/group"] = (200, b"<html><body><p>no part</p></body></html>", "text/html")
    due_again(watched)
    watch.check_due()
    watched.refresh_from_db()
    assert watched.status == "error" and "#posts" in watched.last_error


def test_a_page_that_never_ends_is_cut_at_the_cap(db, site, analyst, settings):
    settings.MONITOR_MAX_BYTES = 200_000
    site.pages["/endless"] = (200, b"<html><body><div id='p'>" + b"a " * 400_000 + b"</div></body></html>",
                              "text/html")
    endless = source(analyst, Source.Kind.FEED, site.url("/endless"))
    watch.check_due()
    endless.refresh_from_db()
    assert endless.status == "error" and endless.last_error_code == "source.too_big"


def test_a_dropped_file_is_scanned_once_with_its_bad_lines_named(db, analyst, settings, client, signed_in):
    drop = source(analyst, Source.Kind.DROP)
    content = "\n".join([json.dumps({"id": "x1", "url": "https://www.tiktok.com/@a/video/1", "text": GROOMING},
                                    ensure_ascii=False), "not json",
                         json.dumps({"id": "x2", "text": HARMLESS}, ensure_ascii=False)]).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in(analyst)
    response = client.post(f"/monitoring/{drop.pk}/drop/", {"file": SimpleUploadedFile("posts.jsonl", content)},
                           follow=True)
    assert "Đã nhận 2 bài đăng (1 dòng không đọc được)" in response.content.decode()
    watch.check_due()
    drop.refresh_from_db()
    assert drop.items_seen == 2 and drop.alerts == 1
    assert drop.error_text == "Một số dòng không đọc được (không phải JSON, hoặc thiếu text và url): posts.jsonl: 2"
    assert list((watch.drop_folder(drop) / "incoming").iterdir()) == []
    due_again(drop)
    assert watch.check_due()["new"] == 0  # the file was moved to done/: read once
    bad = client.post(f"/monitoring/{drop.pk}/drop/", {"file": SimpleUploadedFile("x.bin", b"\x00\x01garbage")},
                      follow=True)
    assert "Tệp không phải JSON Lines, hoặc là CSV nhưng thiếu cột text hoặc url." in bad.content.decode()
    assert AuditEvent.objects.filter(action="monitoring.drop").count() == 1


def test_a_source_at_a_private_address_or_with_a_bad_selector_is_refused_every_problem_at_once(db, analyst, client,
                                                                                               signed_in, settings):
    settings.FETCH_ALLOW_NETWORKS = []
    signed_in(analyst)
    response = client.post("/monitoring/new/", {"name": "x", "kind": "page", "url": "http://10.0.0.5/admin",
                                                "selector": "div > p", "interval_minutes": 1, "enabled": "on"})
    text = response.content.decode()
    assert response.status_code == 200 and Source.objects.count() == 0
    assert "10.0.0.5 là địa chỉ nội bộ, không phải trang công khai: không theo dõi." in text
    assert "bộ chọn hợp lệ" in text and "ít nhất 5 phút" in text
    assert '<div id="id_url_error">' in text and 'aria-describedby="id_url_helptext id_url_error"' in text


def test_the_monitoring_page_shows_sources_state_and_alerts_by_category_for_screen_readers_too(db, site, analyst,
                                                                                               client, signed_in):
    site.pages["/rss"] = (200, rss(("a1", "Tuyển mẫu nhí", GROOMING)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"))
    watch.check_due()
    signed_in(analyst)
    page = client.get("/monitoring/").content.decode()
    assert "Giám sát nguồn tin" in page and feed.name in page and "<svg" in page
    assert "<caption>Cảnh báo theo danh mục và tuần</caption>" in page and '<abbr title="GROOM">Dụ dỗ, lôi kéo' in page
    detail = client.get(f"/monitoring/{feed.pk}/").content.decode()
    assert "Cảnh báo, đã vào hàng đợi" in detail and "Kiểm tra ngay" in detail
    assert AuditEvent.objects.filter(action="monitoring.source_read").exists()


def test_check_now_from_the_page_is_audited(db, site, analyst, client, signed_in):
    site.pages["/rss"] = (200, rss(("a1", "Hội thi", HARMLESS)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"), next_check_at=timezone.now() + dt.timedelta(days=1))
    signed_in(analyst)
    response = client.post(f"/monitoring/{feed.pk}/check/", follow=True)
    assert "Đã kiểm tra: 1 mục mới, 0 cảnh báo." in response.content.decode()
    assert AuditEvent.objects.filter(action="monitoring.check").count() == 1


def test_the_api_does_what_the_page_does(db, site, analyst, make_user):
    from django.test import Client

    from copvn.accounts import tokens

    token = tokens.create(analyst, "script")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    site.pages["/rss"] = (200, rss(("a1", "Tuyển mẫu nhí", GROOMING)), "application/rss+xml")
    created = api.post("/api/v1/monitoring/sources", {"name": "Tin", "kind": "feed", "url": site.url("/rss"),
                                                      "interval_minutes": 30}, content_type="application/json")
    assert created.status_code == 201, created.content
    source_id = created.json()["id"]
    refused = api.post("/api/v1/monitoring/sources", {"name": "x", "kind": "feed", "url": "",
                                                      "interval_minutes": 1}, content_type="application/json")
    assert refused.status_code == 422 and set(refused.json()["detail"]) == {"url", "interval_minutes"}
    checked = api.post(f"/api/v1/monitoring/sources/{source_id}/check")
    assert checked.status_code == 200 and checked.json()["alerts"] == 1
    one = api.get(f"/api/v1/monitoring/sources/{source_id}").json()
    assert one["items"][0]["outcome"] == "alert" and one["items"][0]["case"].startswith("VV-")
    assert api.patch(f"/api/v1/monitoring/sources/{source_id}", {"enabled": False},
                     content_type="application/json").json()["enabled"] is False
    assert "GROOM" in api.get("/api/v1/monitoring/alerts?weeks=4").json()["counts"]
    auditor = make_user("auditor")
    audit_token = tokens.create(auditor, "script")[1]
    as_auditor = Client(HTTP_AUTHORIZATION=f"Bearer {audit_token}")
    assert as_auditor.get("/api/v1/monitoring/sources").status_code == 200
    assert as_auditor.post(f"/api/v1/monitoring/sources/{source_id}/check").status_code == 403


def test_the_periodic_job_checks_due_sources_once_per_interval_however_many_workers_run(db, site, analyst):
    from copvn.jobs import schedule

    site.pages["/rss"] = (200, rss(("a1", "Tuyển mẫu nhí", GROOMING)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"))
    first = schedule.run_due()
    assert first["monitoring.check"]["alerts"] == 1
    due_again(feed)
    assert "monitoring.check" not in schedule.run_due()  # claimed: a second worker's round skips it
    assert QueueItem.objects.filter(case__reports__channel=Channel.MONITORING).count() == 1


def test_a_kept_error_is_said_in_the_readers_language_and_a_viewer_cannot_edit(db, site, analyst, make_user, client,
                                                                               signed_in):
    from django.utils import translation

    feed = source(analyst, Source.Kind.FEED, "http://127.0.0.1:9/feed")
    watch.check_due()
    feed.refresh_from_db()
    assert feed.status == "error" and feed.last_error_code.startswith("fetch.")
    vietnamese = feed.error_text
    with translation.override("en"):
        english = feed.error_text
    assert vietnamese != english and "127.0.0.1" in english
    signed_in(make_user("auditor"))
    page = client.get(f"/monitoring/{feed.pk}/").content.decode()
    assert "Kiểm tra ngay" not in page and "Sửa nguồn" not in page
    assert client.post(f"/monitoring/{feed.pk}/", {"name": "đổi tên", "interval_minutes": 60}).status_code == 403
    feed.refresh_from_db()
    assert feed.name != "đổi tên"


def test_a_csam_items_words_are_not_shown_on_the_monitoring_pages(db, site, analyst, client, signed_in):
    site.pages["/rss"] = (200, rss(("a1", "Tuyển mẫu nhí", GROOMING)), "application/rss+xml")
    feed = source(analyst, Source.Kind.FEED, site.url("/rss"))
    watch.check_due()
    item = SeenItem.objects.get(source=feed)
    SeenItem.objects.filter(pk=item.pk).update(codes=["CSAM", "GROOM"])
    signed_in(analyst)
    page = client.get(f"/monitoring/{feed.pk}/").content.decode()
    assert "Không hiển thị nội dung" in page and "mẫu ảnh nhí" not in page and "facebook.com/posts/a1" not in page
