"""A small province for takedown tests: the lead department (the issuer), an ISP that hosts 127.0.0.0/8 with
a contact address, its liaison, copvn's analysts and legal officers, and a page on loopback that can be taken
down. Nothing leaves this machine."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from copvn.intake.services import ReportInput, submit
from copvn.review import queue
from copvn.review.services import DecisionInput, approve, decide

LIVE_PAGE = "<!doctype html><html><head><title>Nhóm kín</title></head><body><p>Nội dung gây hại</p></body></html>"


class Pages(BaseHTTPRequestHandler):
    """Serves every path with 200 until it is taken down (then 404)."""

    down: set = set()
    hits: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Pages.hits.append(self.path)
        gone = self.path in Pages.down
        body = (b"<html><title>Not found</title></html>" if gone else LIVE_PAGE.encode())
        self.send_response(404 if gone else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@dataclass
class World:
    issuer: object
    isp: object
    other_isp: object
    liaison: object
    analyst: object
    senior: object
    legal: object
    second_legal: object
    port: int
    users: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def site():
    Pages.down, Pages.hits = set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(db, settings, make_org, make_user, site):
    from copvn.takedowns.models import ProviderContact

    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.NOTICE_GROUP_MINUTES = 60
    ubnd = make_org("ubnd-khanh-hoa", kind="peoples_committee", name="Ủy ban nhân dân tỉnh Khánh Hòa")
    issuer = make_org("skhcn-kh", parent=ubnd, name="Sở Khoa học và Công nghệ tỉnh Khánh Hòa", short_name="SKHCN",
                      email="skhcn@khanhhoa.gov.vn", phone="0258 3822 000", address="04 Phan Chu Trinh, Nha Trang")
    settings.NOTICE_ISSUER = issuer.code
    isp = make_org("isp-loopback", kind="isp", name="Công ty Lưu trữ Vòng lặp", short_name="VL")
    other = make_org("isp-other", kind="isp", name="Công ty Lưu trữ Khác", short_name="KHAC")
    ProviderContact.objects.create(organisation=isp, email="abuse@vong-lap.example", networks="127.0.0.0/8")
    ProviderContact.objects.create(organisation=other, email="abuse@khac.example", networks="10.99.0.0/16")
    return World(issuer=issuer, isp=isp, other_isp=other, liaison=make_user("platform_liaison", "lienlac", organisation=isp),
                 analyst=make_user("analyst", "phantich"), senior=make_user("senior_analyst", "phantichchinh"),
                 legal=make_user("legal_officer", "phapche", organisation=issuer),
                 second_legal=make_user("legal_officer", "phapche2", organisation=issuer), port=site)


def decided_case(world: World, path: str = "/post/1", *, categories=("GROOM",), action="takedown", urgent=False,
                 received_at: dt.datetime | None = None, **extra):
    """A reported URL on the loopback site, decided harmful with a takedown and approved (four-eyes)."""
    report, _ = submit(ReportInput(channel="web", urls=[world.url(path)], description="Nhắn tin dụ dỗ học sinh",
                                   child_in_danger=urgent))
    case = report.case
    case.urls.update(addresses=["127.0.0.1"])
    if received_at is not None:
        type(case).objects.filter(pk=case.pk).update(received_at=received_at)
        case.refresh_from_db()
    queue.refresh(case)
    decision = decide(case, world.analyst, DecisionInput(categories=list(categories), harmful=True, action=action,
                                                         reason="Dụ dỗ trẻ em qua mạng", seen_number=0,
                                                         **extra))
    if decision.needs_approval:
        approve(decision, world.senior, True)
    case.refresh_from_db()
    return case
