"""Full-page screenshots of a running copvn, as the public and as each demo user, at phone and desktop widths.

Run through scripts/screenshots, which starts a throwaway demo server. Writes ROLE-PAGE-WIDTH.png into the
output folder and prints one JSON line per picture; a page that scrolls sideways is reported on stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
WIDTHS = (390, 1280)
HEIGHT = 900
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


class Camera:
    def __init__(self, out: Path):
        self.out = out
        self.overflowing: list[str] = []

    def shoot(self, page: Page, who: str, name: str, widths=WIDTHS) -> None:
        for width in widths:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            path = self.out / f"{who}-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            wide = page.evaluate(OVERFLOW)
            if wide:
                self.overflowing.append(path.name)
            print(json.dumps({"file": path.name, "url": page.url, "scrolls_sideways": wide}), flush=True)


def sample_image() -> bytes:
    """A harmless generated picture (a gradient with a few shapes) to stand for a reporter's screenshot."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), "#dfe7ef")
    draw = ImageDraw.Draw(image)
    for x in range(0, 480, 4):
        draw.line([(x, 0), (x, 320)], fill=(40 + x // 4, 90, 160 - x // 6))
    draw.ellipse([60, 60, 200, 200], fill="#f2c14e")
    draw.rectangle([260, 120, 420, 260], fill="#13315c")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def public_pages(page: Page, base: str, camera: Camera) -> str:
    """The public's pages; sends one report with a picture and returns its reference."""
    page.goto(f"{base}/report/")
    camera.shoot(page, "public", "report")
    page.get_by_label("Đường dẫn (mỗi dòng một đường dẫn)").fill(
        "https://www.tiktok.com/@kenh-thu-thach/video/7350000000000000001?is_from_webapp=1&sender_device=pc"
        "&utm_source=copy_link_with_a_long_tracking_parameter_that_never_ends\nhttps://www.facebook.com/groups/123")
    page.get_by_label("Mô tả sự việc").fill(
        "Video rủ học sinh tham gia thử thách nguy hiểm; nhiều em lớp 7 đã chia sẻ lại trong nhóm lớp.")
    page.get_by_label("Tự làm hại bản thân, tự tử, thử thách nguy hiểm").check()
    page.get_by_label("Có trẻ em đang gặp nguy hiểm ngay lúc này").check()
    page.get_by_label("Ảnh chụp màn hình (không bắt buộc)").set_input_files(
        [{"name": "anh-chup.png", "mimeType": "image/png", "buffer": sample_image()}])
    page.get_by_role("button", name="Gửi phản ánh").click()
    reference = page.locator("#reference").inner_text().strip()
    camera.shoot(page, "public", "report-thanks")
    page.get_by_role("link", name="Tra cứu tình trạng").click()
    page.get_by_role("status").wait_for()
    camera.shoot(page, "public", "status")
    page.goto(f"{base}/report/status/?reference=PA-KHONG-CO")
    camera.shoot(page, "public", "status-not-found")
    page.goto(f"{base}/login/")
    camera.shoot(page, "public", "login")
    page.get_by_label("Tên đăng nhập").fill("khong-co-ai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("alert").first.wait_for()
    camera.shoot(page, "public", "login-error")
    page.goto(f"{base}/khong-co-trang-nay/")
    camera.shoot(page, "public", "not-found")
    return reference


def sign_in(page: Page, base: str, user: dict, camera: Camera) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(user["username"])
    page.get_by_label("Mật khẩu").fill(user["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    if user.get("totp_secret"):
        page.wait_for_url("**/login/second-factor/**")
        if user["role"] == "admin":
            camera.shoot(page, user["role"], "second-factor")
        page.get_by_label("Mã xác thực 6 số").fill(pyotp.TOTP(user["totp_secret"]).now())
        page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}/")


def page_name(url: str) -> str:
    path = urlsplit(url).path.strip("/")
    return path.replace("/", "-") or "home"


# A list page (by path) → the links on it to follow to each item's own page, and how many of them.
DETAILS = {
    "/notices/": ("main table a[href^='/notices/YC-']", 6),
    "/provider/notices/": ("main table a[href^='/provider/notices/']", 3),
    "/referrals/": ("main table a[href^='/referrals/CH-']", 3),
    "/referrals/inbox/": ("main table a[href^='/referrals/inbox/']", 3),
    "/notices/contacts/": ("main table a[href^='/notices/contacts/']", 1),
}
# Pages that no menu links to: the notices past their deadline.
EXTRA = {"/notices/": ["/notices/?overdue=1"]}


def detail_pages(page: Page, base: str, role: str, href: str, camera: Camera) -> None:
    """The pages of the items a list shows (notices, referrals, contacts), and the case page of a notice,
    which holds the coordination section."""
    selector, most = DETAILS.get(href, ("", 0))
    targets = list(dict.fromkeys(a.get_attribute("href") for a in page.locator(selector).all()))[:most] \
        if selector else []
    for extra in EXTRA.get(href, []):
        page.goto(base + extra)
        camera.shoot(page, role, page_name(href) + "-overdue")
    for target in targets:
        page.goto(base + target)
        camera.shoot(page, role, page_name(target))
    case = page.locator("main a[href^='/cases/']").first
    if targets and case.count():
        case.click()
        page.wait_for_load_state()
        camera.shoot(page, role, "case-coordination")
        form = page.locator("#coordination details > summary")
        if form.count():
            form.click()
            camera.shoot(page, role, "case-coordination-refer")


def role_pages(page: Page, base: str, user: dict, camera: Camera, reference: str) -> None:
    role = user["role"]
    sign_in(page, base, user, camera)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    links = [a.get_attribute("href") for a in nav.get_by_role("link").all()]
    camera.shoot(page, role, "home")
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    nav.locator("summary").click()
    camera.shoot(page, role, "menu-open", widths=WIDTHS[:1])
    for href in links:
        if href == "/":
            continue
        page.goto(base + href)
        camera.shoot(page, role, page_name(href))
        detail_pages(page, base, role, href, camera)
        page.goto(base + href)
        if page_name(href) == "cases":
            first = page.locator("table a[href^='/cases/']").first
            if first.count():
                first.click()
                page.wait_for_load_state()
                camera.shoot(page, role, "case")
            # The case of the report sent above, which holds a picture.
            page.goto(f"{base}{href}?state=all&q={reference}")
            mine = page.locator("table a[href^='/cases/']").first
            if mine.count():
                mine.click()
                page.wait_for_load_state()
                camera.shoot(page, role, "case-with-picture")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--users", required=True, type=Path, help="the JSON lines that `copvn demo` printed")
    parser.add_argument("--out", required=True, type=Path, help="the folder for the pictures")
    parser.add_argument("--roles", default="", help="only these roles, comma-separated (default: every role)")
    options = parser.parse_args()
    users = [json.loads(line) for line in options.users.read_text(encoding="utf-8").splitlines() if line.strip()]
    if options.roles:
        users = [user for user in users if user["role"] in options.roles.split(",")]
    camera = Camera(options.out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        reference = ""
        for user in [None, *users]:
            context = browser.new_context(locale="vi-VN", viewport={"width": WIDTHS[-1], "height": HEIGHT})
            if user is None:
                reference = public_pages(context.new_page(), options.base, camera)
            else:
                role_pages(context.new_page(), options.base, user, camera, reference)
            context.close()
        browser.close()
    for name in camera.overflowing:
        print(f"screenshots: {name}: the page scrolls sideways", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
