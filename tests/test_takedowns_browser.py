"""Notice-and-takedown and referrals end to end in Debian's headless Chromium, each person in their own browser.

The legal officer approves a drafted notice and downloads its letter; the hosting provider's liaison sees only
the notices addressed to that provider, acknowledges and reports removal; the page on loopback is taken down
and three checks verify it; the figures count the removal. A senior analyst refers a case to the police, whose
liaison acknowledges it and records the outcome. Every page is styled and its console stays clean.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone

from . import takedown_world
from .conftest import PASSWORD
from .takedown_world import Pages, decided_case
from .test_browser import ARGS, CHROMIUM, sign_in_through_the_form
from .test_pages import STYLING, UNSTYLED

pytestmark = pytest.mark.browser
site, world = takedown_world.site, takedown_world.world  # fixtures
POLICE = "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao, Công an tỉnh Khánh Hòa"


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class Person:
    """One user in a browser context of their own, signed in through the form with the second factor."""

    def __init__(self, chromium, live_server, user, width=1280):
        self.base = live_server.url
        self.context = chromium.new_context(locale="vi-VN", viewport={"width": width, "height": 900},
                                            accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught script error: {error}"))
        if user.totp_secret:
            sign_in_through_the_form(self.page, live_server, user)
        else:  # a provider's liaison has no second factor
            self.page.goto(f"{self.base}/login/")
            self.page.get_by_label("Tên đăng nhập").fill(user.username)
            self.page.get_by_label("Mật khẩu").fill(PASSWORD)
            self.page.get_by_role("button", name="Đăng nhập").click()
            self.page.wait_for_url(f"{self.base}/")
        assert "Xin chào" in self.page.locator("h1").inner_text()
        self.assert_well()

    def _on_console(self, message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def goto(self, path: str) -> int:
        response = self.page.goto(self.base + path, wait_until="load")
        return response.status if response else 0

    def assert_well(self):
        """The page in view is styled by copvn's stylesheet and the console has shown no error so far."""
        styling = self.page.evaluate(STYLING)
        assert any(sheet["rules"] for sheet in styling["sheets"]), f"no stylesheet applied at {self.page.url}"
        assert styling["background"] not in UNSTYLED, f"the body is unstyled at {self.page.url}"
        assert self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{self.page.url} scrolls sideways"
        assert not self.errors, f"console errors at {self.page.url}: {self.errors}"

    def messages(self) -> str:
        return self.page.locator(".messages").inner_text()

    def fact(self, term: str) -> str:
        """The value of one line of the page's facts list (<dt>term</dt><dd>value</dd>)."""
        return self.page.locator("dl.facts dt", has_text=term).first.locator("xpath=following-sibling::dd[1]") \
            .inner_text()

    def nav(self, name: str):
        self.page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name).click()
        self.page.wait_for_load_state()


def _check_now(settings):
    from copvn.takedowns import verification
    from copvn.takedowns.models import NoticeURL

    NoticeURL.objects.update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
    settings.NOTICE_HOST_INTERVAL_SECONDS = 0
    return verification.run_due()


def _sent_notice_to(provider, issuer):
    """A notice already sent to another provider, which this provider's liaison must never see."""
    from copvn.takedowns.models import LegalBasis, Notice

    now = timezone.now()
    return Notice.objects.create(reference=f"YC-{now.year}-99999", provider=provider, issuer=issuer, state="sent",
                                 legal_basis=LegalBasis.objects.get(code="nd147-2024-authority"), sent_at=now,
                                 due_at=now + dt.timedelta(hours=24))


def test_a_notice_is_approved_answered_by_its_provider_verified_removed_and_counted(
        chromium, live_server, flushable_audit, world, make_user, settings):
    from copvn.takedowns.models import Notice

    decided_case(world, "/post/1")
    notice = Notice.objects.get()
    elsewhere = _sent_notice_to(world.other_isp, world.issuer)

    # (a) The legal officer opens the draft, approves it and downloads the letter as sent.
    legal = Person(chromium, live_server, world.legal)
    legal.nav("Yêu cầu gỡ bỏ")
    legal.page.get_by_role("link", name=notice.reference).click()
    legal.page.wait_for_load_state()
    assert legal.fact("Trạng thái") == "Dự thảo"
    assert "Nghị định số 147/2024/NĐ-CP ngày 09/11/2024 của Chính phủ" in legal.fact("Căn cứ pháp lý")
    assert "24 giờ" in legal.fact("Căn cứ pháp lý")
    assert world.url("/post/1") in legal.page.locator("main table").first.inner_text()
    legal.assert_well()
    legal.page.get_by_role("button", name="Phê duyệt và gửi").click()
    legal.page.wait_for_load_state()
    assert "Đã phê duyệt yêu cầu." in legal.messages()
    assert legal.fact("Trạng thái") == "Đã gửi"
    assert re.search(r"còn 23 giờ( \d+ phút)?", legal.fact("Thời hạn")), legal.fact("Thời hạn")
    with legal.page.expect_download() as waiting:
        legal.page.locator("main a[href$='.docx']").first.click()
    download = waiting.value
    assert download.suggested_filename == f"{notice.reference}-notice.docx"
    letter = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115 (read at once)
    assert "word/document.xml" in letter.namelist()
    assert notice.reference in letter.read("word/document.xml").decode()
    legal.assert_well()

    # (b) The liaison of the hosting provider sees that notice alone, acknowledges it and reports removal.
    liaison = Person(chromium, live_server, world.liaison)
    liaison.nav("Yêu cầu gửi đơn vị")
    rows = liaison.page.locator("main table tbody tr")
    assert rows.count() == 1 and notice.reference in rows.first.inner_text(), rows.all_inner_texts()
    assert elsewhere.reference not in liaison.page.locator("main").inner_text()
    liaison.assert_well()
    liaison.page.get_by_role("link", name=notice.reference).click()
    liaison.page.wait_for_load_state()
    assert world.url("/post/1") in liaison.page.locator("main").inner_text()
    liaison.page.get_by_role("button", name="Xác nhận đã tiếp nhận").click()
    liaison.page.wait_for_load_state()
    assert "Đã ghi nhận phản hồi của đơn vị." in liaison.messages()
    assert liaison.fact("Trạng thái") == "Đã xác nhận tiếp nhận"
    liaison.page.get_by_label("Ghi chú").fill("Đã gỡ bài viết theo yêu cầu")
    liaison.page.get_by_role("button", name="Báo đã gỡ").click()
    liaison.page.wait_for_load_state()
    assert liaison.fact("Trạng thái") == "Nhà cung cấp báo đã gỡ"
    assert "Đã gỡ bài viết theo yêu cầu" in liaison.fact("Phản hồi của nhà cung cấp")
    history = liaison.page.locator("#history").inner_text()
    assert "Đã xác nhận tiếp nhận" in history and "Nhà cung cấp báo đã gỡ" in history
    assert not re.search(r"\b(sent|acknowledged|removal_reported)\b", history), history
    liaison.assert_well()

    # Another provider's liaison finds neither the notice in the list nor its page.
    other = Person(chromium, live_server, make_user("platform_liaison", "lienlackhac", organisation=world.other_isp))
    other.nav("Yêu cầu gửi đơn vị")
    listed = other.page.locator("main").inner_text()
    assert notice.reference not in listed and elsewhere.reference in listed
    other.assert_well()
    assert other.goto(f"/provider/notices/{notice.reference}/") == 404
    assert notice.reference not in other.page.locator("body").inner_text()

    # (c) The page is taken down; three checks in a row find it gone: verified, not taken on the provider's word.
    Pages.down.add("/post/1")
    for _ in range(3):
        assert _check_now(settings)["checked"] == 1
    legal.page.reload()
    assert legal.fact("Trạng thái") == "Đã kiểm chứng: đã gỡ"
    assert "Đã gỡ" in legal.page.locator("main table").first.inner_text()
    legal.assert_well()
    legal.nav("Số liệu gỡ bỏ")
    row = legal.page.locator("table").first.locator("tbody tr", has_text=world.isp.name)
    cells = row.locator("td").all_inner_texts()
    headers = legal.page.locator("table").first.locator("thead th").all_inner_texts()
    figures = dict(zip(headers, cells, strict=True))
    assert figures["Đã gửi"] == "1" and figures["Đã kiểm chứng gỡ"] == "1", figures
    assert figures["Trung vị thời gian gỡ (giờ)"] not in ("", "—"), figures
    legal.assert_well()


def test_a_senior_analyst_refers_a_case_and_the_police_liaison_acknowledges_and_records_the_outcome(
        chromium, live_server, flushable_audit, world, make_org, make_user):
    police = make_org("ca-khanh-hoa-a05", kind="police", name=POLICE, short_name="PA05")
    case = decided_case(world, "/post/2")

    senior = Person(chromium, live_server, world.senior)
    senior.goto(f"/cases/{case.reference}/")
    section = senior.page.locator("#coordination")
    assert "Điều phối xử lý" in section.locator("h2").inner_text()
    section.locator("summary", has_text="Chuyển hồ sơ tới cơ quan khác").click()
    section.get_by_label("Loại nơi nhận").select_option(label="Cơ quan công an (an ninh mạng)")
    section.get_by_label("Cơ quan nhận").select_option(label=POLICE)
    section.get_by_label("Ghi chú").fill("Đề nghị xác minh tài khoản nhắn tin cho học sinh")
    senior.assert_well()
    section.get_by_role("button", name="Chuyển hồ sơ").click()
    senior.page.wait_for_url("**/referrals/CH-*/")
    reference = senior.page.locator("h1").inner_text().split()[-1]
    assert f"Đã chuyển hồ sơ: {reference}." in senior.messages()
    assert senior.fact("Nơi nhận") == f"Cơ quan công an (an ninh mạng) — {POLICE}"
    assert senior.fact("Trạng thái").startswith("Đã chuyển")
    senior.assert_well()

    officer = Person(chromium, live_server, make_user("police_liaison", "canboanm", organisation=police))
    officer.nav("Hồ sơ được chuyển tới")
    rows = officer.page.locator("main table tbody tr")
    assert rows.count() == 1 and case.reference in rows.first.inner_text()
    officer.assert_well()
    officer.page.get_by_role("link", name=reference).click()
    officer.page.wait_for_load_state()
    assert "Đề nghị xác minh tài khoản nhắn tin cho học sinh" in officer.page.locator("main").inner_text()
    officer.page.get_by_role("button", name="Xác nhận đã tiếp nhận").click()
    officer.page.wait_for_load_state()
    assert "Đã ghi nhận." in officer.messages()
    assert officer.fact("Trạng thái").startswith("Đã tiếp nhận")
    officer.page.get_by_label("Kết quả xử lý").select_option(label="Đang xác minh, điều tra")
    officer.page.get_by_label("Nội dung kết quả").fill("Đã lập hồ sơ xác minh chủ tài khoản")
    officer.page.get_by_role("button", name="Ghi kết quả").click()
    officer.page.wait_for_load_state()
    assert officer.fact("Trạng thái").startswith("Đã có kết quả")
    assert officer.fact("Kết quả") == "Đang xác minh, điều tra — Đã lập hồ sơ xác minh chủ tài khoản"
    assert officer.page.get_by_role("button", name="Ghi kết quả").count() == 0, "nothing more to record"
    officer.assert_well()

    senior.goto(f"/cases/{case.reference}/")
    assert "Đang xác minh, điều tra" in senior.page.locator("#coordination").inner_text()
    senior.assert_well()
