"""Every page as people see it, in Debian's headless Chromium: styled, with its scripts and images, no errors.

Each role (and a visitor signed out) opens every GET page the permission matrix lets it open. A page fails
when a stylesheet, script, image or font it loads does not answer 200 with the right content type, when the
browser console shows an error, or when no stylesheet of copvn's applied to it. Pages that are not HTML
(images, evidence downloads, the audit CSV, JSON) are recognised by their content type and left out.
The same pages, as HTML, give every image an alt text and every form field a label.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from copvn.accounts.roles import ROLES

from .conftest import sign_in_client, views_for
from .test_browser import ARGS, CHROMIUM
from .test_permissions import MATRIX, url_for

pytestmark = pytest.mark.browser

CONTENT_TYPES = {
    "stylesheet": re.compile(r"text/css\b"),
    "script": re.compile(r"(text|application)/(x-)?(javascript|ecmascript)\b"),
    "image": re.compile(r"image/[\w.+-]+"),
    "font": re.compile(r"font/[\w.+-]+"),
}
UNSTYLED = {"rgba(0, 0, 0, 0)", "transparent", "rgb(255, 255, 255)", "rgba(255, 255, 255, 1)"}
ROLE_OR_VISITOR = [*sorted(ROLES), None]
# Loads every image (lazy ones too, by bringing them into view) and waits for each to finish or fail.
LOAD_IMAGES = """async () => Promise.all([...document.images].map(async (img) => {
  img.scrollIntoView();
  try { await img.decode(); } catch (e) { /* a broken image is reported below */ }
  return {src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0};
}))"""
STYLING = """() => ({
  background: getComputedStyle(document.body).backgroundColor,
  sheets: [...document.styleSheets].filter((s) => s.href && new URL(s.href).pathname.startsWith("/static/"))
    .map((s) => {
      try { return {href: s.href, rules: s.cssRules.length}; } catch (e) { return {href: s.href, rules: 0}; }
    }),
})"""


def who(role) -> str:
    return role or "signed out"


def signed_in_client(user) -> Client:
    return sign_in_client(Client(), user)


def html_pages(role, user, make_org, case, client):
    """(view name, URL) of the role's pages that answer HTML, judged by the content type the server sends."""
    for name in views_for(role):
        url = url_for(name, user, make_org, case)
        if client.get(url).get("Content-Type", "").startswith("text/html"):
            yield name, url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


class Watcher:
    """What the page loads and what the console says, for the page being visited now."""

    def __init__(self, page):
        self.loaded, self.errors = [], []
        page.on("response", self.on_response)
        page.on("requestfailed", self.on_failure)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught script error: {error}"))

    def reset(self):
        self.loaded, self.errors = [], []

    def on_response(self, response):
        kind = response.request.resource_type
        if kind in CONTENT_TYPES:
            self.loaded.append((kind, response.url, response.status, response.headers.get("content-type", "")))

    def on_console(self, message):
        source = message.location.get("url", "")
        # Chromium asks for the tab's icon once per browser, on whichever page comes first: that request has its
        # own test (test_the_tab_icon_loads), so that the failure names the icon, not a page at random.
        if message.type == "error" and not source.endswith("/favicon.ico"):
            self.errors.append(f"console error: {message.text} ({source})")

    def on_failure(self, request):
        if request.resource_type in CONTENT_TYPES:
            self.errors.append(f"{request.resource_type} {request.url} failed: {request.failure}")

    def problems(self):
        found = list(self.errors)
        for kind, url, status, content_type in self.loaded:
            if status == 304:
                continue  # the browser revalidated its copy, which came with 200 and was checked then
            if status != 200:
                found.append(f"{kind} {url} answered HTTP {status}")
            elif not CONTENT_TYPES[kind].match(content_type):
                found.append(f"{kind} {url} came as {content_type or 'no content type'!r}")
        return found


def visit(page, watcher, url):
    """Open the page, load its images; every problem seen, and the URLs of the images that loaded."""
    watcher.reset()
    response = page.goto(url, wait_until="load")
    problems = [] if response and response.status == 200 else [f"the page answered HTTP {response and response.status}"]
    images = page.evaluate(LOAD_IMAGES)
    problems += [f"image {image['src']} did not load" for image in images if not image["loaded"]]
    styling = page.evaluate(STYLING)
    if not any(sheet["rules"] for sheet in styling["sheets"]):
        problems.append(f"no stylesheet from /static/ applied (sheets: {styling['sheets']})")
    if styling["background"] in UNSTYLED:
        problems.append(f"the body has the browser's default background ({styling['background']}): unstyled")
    return problems + watcher.problems(), [image["src"] for image in images if image["loaded"]]


@pytest.mark.parametrize("role", ROLE_OR_VISITOR, ids=who)
def test_every_page_loads_styled_with_its_scripts_and_images_and_no_errors(
        role, browser, live_server, flushable_audit, make_user, make_org, make_case):
    case = make_case(child_in_danger=True)
    user = make_user(role) if role else None
    client = signed_in_client(user)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    if user is not None:
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    watcher = Watcher(page)
    problems, visited, images = [], [], []
    try:
        for name, url in html_pages(role, user, make_org, case, client):
            found, loaded = visit(page, watcher, live_server.url + url)
            problems += [f"[{who(role)}] {name} {url}: {problem}" for problem in found]
            visited.append(name)
            images += loaded
    finally:
        context.close()
    if role is None:
        assert {"accounts:login", "intake:public_report"} <= set(visited), visited
    assert len(visited) >= 5, f"[{who(role)}] only {visited} were visited"
    if role in MATRIX["cases:media"][1]:
        media = reverse("cases:media", args=[case.reference, case.reports.first().uploads.first().pk])
        assert any(src.endswith(media) for src in images), f"[{role}] the case page did not load its image {media}"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_tab_icon_loads(browser, live_server, flushable_audit):
    """The icon a browser shows in the tab: the page's <link rel="icon">, else /favicon.ico, which every browser
    asks for by itself."""
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        icon = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href"
                             " || location.origin + '/favicon.ico'")
        response = page.request.get(icon)
        content_type = response.headers.get("content-type", "")
    finally:
        context.close()
    assert response.status == 200 and CONTENT_TYPES["image"].match(content_type), \
        f"the tab icon {icon} answered HTTP {response.status} ({content_type or 'no content type'})"


def unlabelled_fields(document) -> list[str]:
    labelled_ids = {label.get("for") for label in document.iter("label") if label.get("for")}
    ids = {element.get("id") for element in document.iter() if element.get("id")}
    found = []
    # A field that nobody sees or hears (inside `hidden` or `aria-hidden="true"`, like a honeypot) needs no label.
    for field in document.xpath("//input[not(@type='hidden' or @type='submit' or @type='button' or @type='reset'"
                                " or @type='image')] | //select | //textarea"):
        if field.xpath("ancestor-or-self::*[@hidden or @aria-hidden='true']"):
            continue
        named_by = [i for i in (field.get("aria-labelledby") or "").split() if i in ids]
        if not (field.get("id") in labelled_ids or field.xpath("ancestor::label") or
                (field.get("aria-label") or "").strip() or named_by):
            found.append(f"form field without a label: {lxml_html.tostring(field, encoding='unicode')[:160]}")
    return found


def images_without_alt(document) -> list[str]:
    return [f"image without alt text: {lxml_html.tostring(img, encoding='unicode')[:160]}"
            for img in document.iter("img") if not (img.get("alt") or "").strip()]


@pytest.mark.parametrize("role", ROLE_OR_VISITOR, ids=who)
def test_every_image_has_alt_text_and_every_form_field_a_label(role, make_user, make_org, make_case):
    case = make_case(child_in_danger=True)
    user = make_user(role) if role else None
    client = signed_in_client(user)
    problems, seen = [], 0
    for name in views_for(role):
        url = url_for(name, user, make_org, case)
        response = client.get(url, follow=True)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen += 1
        document = lxml_html.document_fromstring(response.content.decode())
        problems += [f"[{who(role)}] {name} {url}: {problem}"
                     for problem in images_without_alt(document) + unlabelled_fields(document)]
    assert seen >= 5
    assert not problems, "\n".join(problems)
