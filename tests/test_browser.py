"""End to end in Debian's headless Chromium, driven by Playwright."""

import shutil

import pyotp
import pytest

from .conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_an_administrator_signs_in_with_a_second_factor_creates_an_organisation_and_sees_it_audited(
        page, live_server, make_user, flushable_audit):
    admin = make_user("admin", username="quantri")
    sign_in_through_the_form(page, live_server, admin)
    assert "Xin chào" in page.locator("h1").inner_text()

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Cơ quan, tổ chức").click()
    page.get_by_role("link", name="Thêm cơ quan, tổ chức").click()
    page.locator("#id_code").fill("truong-thcs-thai-nguyen")
    page.locator("#id_name").fill("Trường THCS Thái Nguyên")
    page.get_by_label("Tên viết tắt").fill("THCS-TN")
    page.get_by_label("Loại").select_option("school")
    page.locator("#id_valid_from").fill("2025-07-01")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("h1").inner_text() == "Trường THCS Thái Nguyên"

    page.get_by_role("link", name="Nhật ký kiểm toán").click()
    row = page.locator("table.audit tbody tr").first
    assert "orgs.create" in row.inner_text() and "Trường THCS Thái Nguyên" in row.inner_text()
    page.get_by_role("button", name="Kiểm tra tính toàn vẹn").click()
    assert "Chuỗi nhật ký toàn vẹn" in page.locator(".messages").inner_text()


def test_the_sign_in_page_works_by_keyboard_and_switches_to_english(page, live_server, flushable_audit):
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("khong-co-ai")  # the username field has the focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type("sai-mat-khau")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    page.locator("a.skip").focus()
    assert page.locator("a.skip").bounding_box()["x"] >= 0  # the skip link shows itself when focused
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    page.set_viewport_size({"width": 375, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_of_the_public_reports_from_a_phone_and_checks_the_status(page, live_server, flushable_audit):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/report/")
    page.get_by_label("Đường dẫn (mỗi dòng một đường dẫn)").fill("https://www.tiktok.com/@kenh/video/123")
    page.get_by_label("Mô tả sự việc").fill("Video rủ học sinh tham gia thử thách nguy hiểm")
    page.get_by_label("Tự làm hại bản thân, tự tử, thử thách nguy hiểm").check()
    page.get_by_label("Có trẻ em đang gặp nguy hiểm ngay lúc này").check()
    assert page.locator("#id_website").count() == 1 and page.locator("#id_website").is_hidden(), "honeypot unseen"
    assert "Để trống" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Gửi phản ánh").click()
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("PA-")
    page.get_by_role("link", name="Tra cứu tình trạng").click()
    assert "Đã tiếp nhận" in page.get_by_role("status").inner_text()


def sign_in_through_the_form(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/login/second-factor/**")
    page.get_by_label("Mã xác thực 6 số").fill(pyotp.TOTP(user.totp_secret).now())
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/")


def test_an_analyst_sees_a_blurred_copy_until_a_deliberate_reveal_which_is_audited(
        page, live_server, make_user, flushable_audit):
    import hashlib
    import io

    from PIL import Image

    from copvn.audit.models import AuditEvent
    from copvn.intake.services import ReportInput, submit

    from .test_reviewer_protection import detailed_png, neighbour_difference

    original = detailed_png(500, 400)
    report, _ = submit(ReportInput(channel="hotline_111", description="Ảnh chụp tin nhắn", uploads=[(original, "a.png")]))
    analyst = make_user("analyst", username="phantich")
    sign_in_through_the_form(page, live_server, analyst)
    received = {}
    page.on("response", lambda r: received.__setitem__(r.url, r) if "/media/" in r.url else None)
    page.goto(f"{live_server.url}/cases/{report.case.reference}/")
    figure = page.locator("figure.shielded")
    figure.locator("img").evaluate("img => img.decode()")
    blurred = next(r for url, r in received.items() if url.endswith(f"/media/{report.uploads.get().pk}/")).body()
    assert hashlib.sha256(blurred).digest() != hashlib.sha256(original).digest()
    assert Image.open(io.BytesIO(blurred)).mode == "L" and neighbour_difference(Image.open(io.BytesIO(blurred))) < 2
    assert not AuditEvent.objects.filter(action="media.reveal").exists()

    passed = {}

    def through(route):  # what the server sent to the page, read on the way
        answer = route.fetch()
        passed.update(status=answer.status, body=answer.body())
        route.fulfill(response=answer)

    page.route("**/reveal/", through)
    figure.get_by_role("button", name="Hiện ảnh gốc (được ghi nhật ký)").click()
    page.wait_for_function("() => document.querySelector('figure.shielded img').naturalWidth === 500")
    assert passed["status"] == 200 and passed["body"] == original, "the reveal answers with the original"
    assert figure.locator("img").get_attribute("src").startswith("blob:"), "and the page shows it in place"
    assert AuditEvent.objects.filter(action="media.reveal", actor=analyst).count() == 1
