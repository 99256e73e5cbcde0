"""Every page speaks Vietnamese, whatever the browser asks for; English only when the user picks it.

Each role (and a visitor signed out) opens every GET page the permission matrix lets it open, with pages that
carry content: a case whose capture failed, a case on the 12-hour clock, the results of an import with bad
rows, the audit log after some acts. The visible text must hold no English from copvn's own catalogue and
none of the tell-tale phrases of Python, Django or library messages.
"""

import re
import socket
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from copvn.accounts.roles import ROLES

from .conftest import sign_in_client, views_for
from .test_permissions import MATRIX, url_for

CATALOGUE = Path(__file__).resolve().parent.parent / "copvn" / "locale" / "en" / "LC_MESSAGES" / "django.po"
ASKS_FOR_ENGLISH = "en-US,en;q=0.9"
ASKS_FOR_VIETNAMESE = "vi-VN,vi;q=0.9"
# Names and codes that read the same in both languages.
SAME_IN_BOTH = {"copvn", "Facebook", "TikTok", "YouTube", "Zalo", "SHA-256", "HTTP", "CSV", "JSON Lines", "API"}
SHORTEST_MESSAGE = 12
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Phrases of Python, Django and library messages that never belong in Vietnamese text.
TELL_TALE = ["object (", "This field", "Enter a valid", "not a valid", "the URL", "cannot", "must be", "Error",
             "Traceback", "Errno", "is not", "which is", "resolves to", "more fields", "unknown column",
             "not UTF-8", "in the registry"]
TELL_TALE_WORDS = [re.compile(r"\b(None|True|False)\b"),
                   re.compile(r"\b(hours?|minutes?|seconds?|days?|weeks?|months?|years?|the|is|are|of|and|with|must)\b",
                              re.IGNORECASE)]
CSV_WITH_BAD_ROWS = (
    "urls,description,categories,child_in_danger,referring_org,external_ref\n"
    "https://www.facebook.com/groups/9/posts/9,Nhóm rủ học sinh bỏ nhà đi,,không,,CV-1\n"
    "https://www.tiktok.com/@kenh/video/77,Video thử thách nguy hiểm,,có lẽ,,CV-2\n"
    "https://www.tiktok.com/@kenh/video/78,Video thử thách nguy hiểm,,không,khong-co-don-vi-nay,CV-3\n"
    "ftp://example.com/tep,Tệp có hại,,không,,CV-4\n"
    "https://exa mple.com/x,Đường dẫn có dấu cách,,không,,CV-5\n"
    "https://user:pass@example.com/x,Đường dẫn có mật khẩu,,không,,CV-6\n"
    "https://www.tiktok.com/@kenh/video/79,Danh mục sai,KHONG-CO,không,,CV-7\n"
    ",,,không,,CV-8\n"
    "https://www.tiktok.com/@kenh/video/80,Thừa cột,,không,,CV-9,thua\n"
).encode()
OTHER_IMPORTS = [
    ("tệp không phải UTF-8", "cu.csv", "urls,description\nhttps://example.com/a,Mo ta \xe0\n".encode("latin-1")),
    ("tệp có cột lạ", "cot-la.csv", b"urls,mo_ta\nhttps://example.com/a,x\n"),
    ("JSON Lines hỏng", "hong.jsonl", b'{"urls": "https://example.com/a"\n[1, 2]\n{"url_x": 1}\n'),
]


# Pages with content show it (in Vietnamese): the 12-hour clock, both failed captures, every bad import row.
MUST_SHOW = {
    "cases:detail": r"còn (11 giờ 5\d phút|12 giờ)",
    "cases:list": r"còn (11 giờ 5\d phút|12 giờ)",
    "cases:detail, lần thu thập lỗi": r"Lỗi · \S.*Bị từ chối.* · \S",
    "intake:import, kết quả nhập tệp có dòng lỗi": r"dòng đã có từ trước; 8 dòng lỗi\.",
}


def english_messages() -> list[tuple[str, str]]:
    """(msgid, English fragment) for each English string of copvn's catalogue that cannot be Vietnamese."""
    found = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not text or text == entry.msgid:
                continue
            for fragment in PLACEHOLDER.split(text):
                fragment = " ".join(fragment.split()).strip(" .,:;()")
                if len(fragment) >= SHORTEST_MESSAGE and fragment not in entry.msgid and fragment not in SAME_IN_BOTH:
                    found.append((entry.msgid, fragment))
    return found


ENGLISH = english_messages()


def visible_texts(document) -> list[str]:
    """What a reader sees or hears, piece by piece: the text nodes (no scripts, no styles) and the names given in
    attributes. Elements deliberately marked as another language (`lang="en"`, e.g. a category's English name)
    are left out."""
    for element in list(document.iter("script", "style", "template")):
        element.drop_tree()
    for element in document.xpath("//body//*[@lang]"):
        if not element.get("lang", "").lower().startswith("vi"):
            element.drop_tree()
    pieces = [document.findtext(".//title") or "", *document.body.itertext()]
    pieces += document.xpath("//body//@alt | //body//@placeholder | //body//@aria-label | //body//@title"
                             " | //input[@type='submit' or @type='button' or @type='reset']/@value")
    return list(dict.fromkeys(" ".join(piece.split()) for piece in pieces if piece.strip()))


def english_in(text: str) -> list[str]:
    """The English found in one piece of visible text."""
    found = [f"catalogue English {fragment!r} (msgid {msgid!r})" for msgid, fragment in ENGLISH if fragment in text]
    found += [repr(phrase) for phrase in TELL_TALE if phrase in text]
    found += [repr(m.group(0)) for words in TELL_TALE_WORDS for m in words.finditer(text)]
    return list(dict.fromkeys(found))


def english_on(document) -> list[str]:
    """One line per piece of visible text that holds English: what was recognised, then the text itself."""
    return [f"{', '.join(found)} in {text!r}" for text in visible_texts(document) if (found := english_in(text))]


def page_language(document) -> str:
    return document.get("lang", "")


def signed_in_client(user, **headers) -> Client:
    return sign_in_client(Client(headers=headers), user)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def content(make_user, make_case, settings, monkeypatch):
    """Cases and records as a working day leaves them, made through the code paths that make them. The network
    is stood in for by a resolver: one reported host answers on a closed local port (the capture fails), the
    other resolves to a private address (the fetcher refuses it)."""
    import dataclasses

    from django.core.files.uploadedfile import SimpleUploadedFile

    from copvn.cases import capture as capturing
    from copvn.detect import fetch as fetcher
    from copvn.intake.services import ReportInput, submit

    addresses = {"trang-loi.example.vn": ["127.0.0.1"], "trang-noi-bo.example.vn": ["10.1.2.3"]}
    standing_in = lambda host, port: addresses[host]  # noqa: E731
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    real_policy = capturing.policy
    monkeypatch.setattr(capturing, "policy", lambda: dataclasses.replace(real_policy(), resolver=standing_in))
    monkeypatch.setattr(fetcher, "system_resolver", standing_in)

    urgent = make_case(url="https://www.tiktok.com/@kenh/video/123", child_in_danger=True)
    report, _ = submit(ReportInput(channel="hotline_111", description="Trang web dụ dỗ trẻ em", urls=[
        f"http://trang-loi.example.vn:{closed_port()}/trang", "http://trang-noi-bo.example.vn/trang"]))
    for case_url in report.case.urls.all():
        capturing.capture(case_url.pk)
    assert {c.status for c in report.case.urls.all() for c in c.captures.all()} == {"failed", "refused"}
    importer = signed_in_client(make_user("intake_officer", username="tiep-nhan"))
    imported = importer.post(reverse("intake:import"),
                             {"file": SimpleUploadedFile("phan-anh.csv", CSV_WITH_BAD_ROWS, "text/csv")})
    assert imported.status_code == 200 and imported.context["result"].errors
    assert importer.get(reverse("cases:detail", args=[report.case.reference])).status_code == 200
    return {"case": urgent, "failed": report.case, "report": report}


def pages(role, user, make_org, content):
    """(what, URL) for every GET page of the role, and pages with content where the role may open them."""
    found = [(name, url_for(name, user, make_org, content["case"])) for name in views_for(role)]
    if role in MATRIX["cases:detail"][1]:
        found.append(("cases:detail, lần thu thập lỗi", reverse("cases:detail", args=[content["failed"].reference])))
        found.append(("cases:list, mọi giai đoạn", reverse("cases:list") + "?state=all"))
    found.append(("intake:status, tra cứu", reverse("intake:status") + f"?reference={content['report'].reference}"))
    return found


def responses(client, role, user, make_org, content):
    """(what, URL, response) for every page; for roles that import, the result pages of imports with errors."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for what, url in pages(role, user, make_org, content):
        yield what, url, client.get(url, follow=True)
    if role in MATRIX["intake:import"][1]:
        url = reverse("intake:import")
        files = [("tệp có dòng lỗi", "phan-anh.csv", CSV_WITH_BAD_ROWS), *OTHER_IMPORTS]
        for what, filename, body in files:
            yield (f"intake:import, kết quả nhập {what}", url,
                   client.post(url, {"file": SimpleUploadedFile(filename, body, "text/csv")}, follow=True))


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def who(role) -> str:
    return role or "signed out"


ROLE_OR_VISITOR = [*sorted(ROLES), None]


@pytest.mark.parametrize("accept_language", [ASKS_FOR_ENGLISH, ASKS_FOR_VIETNAMESE], ids=["browser-en", "browser-vi"])
@pytest.mark.parametrize("role", ROLE_OR_VISITOR, ids=who)
def test_every_page_is_in_vietnamese_whatever_the_browser_asks_for(role, accept_language, make_user, make_org, content):
    user = make_user(role) if role else None
    client = signed_in_client(user, accept_language=accept_language)
    problems, seen = [], 0
    for what, url, response in responses(client, role, user, make_org, content):
        where = f"[{who(role)}] {what} {url}"
        if not is_html(response):
            continue
        if response.status_code != 200:
            problems.append(f"{where}: HTTP {response.status_code}")
            continue
        seen += 1
        if django_settings.LANGUAGE_COOKIE_NAME in response.cookies:
            problems.append(f"{where}: the page set a language cookie the user did not ask for")
        document = lxml_html.document_fromstring(response.content.decode())
        english = english_on(document)
        if page_language(document) != "vi":
            # The whole page is in another language: one line says so, with the first English text as a sample.
            sample = f"; first English text: {english[0]}" if english else ""
            problems.append(f"{where}: <html lang={page_language(document)!r}>, not 'vi' (Accept-Language: "
                            f"{accept_language}, no language cookie){sample}")
            continue
        problems += [f"{where}: {found}" for found in english]
        shown = " ".join(visible_texts(lxml_html.document_fromstring(response.content.decode())))
        for key, expected in MUST_SHOW.items():
            if what == key and not re.search(expected, shown):
                problems.append(f"{where}: the page does not show {expected!r}")
    assert seen >= 5, f"[{who(role)}] only {seen} HTML pages were reached"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLE_OR_VISITOR, ids=who)
def test_english_only_when_the_user_picks_it_and_it_stays(role, make_user, make_org, content):
    """The choice (the language cookie) wins over a browser that asks for Vietnamese, on every page after it."""
    user = make_user(role) if role else None
    headers = {"accept_language": ASKS_FOR_VIETNAMESE}
    client = signed_in_client(user, **headers)
    assert page_language(lxml_html.document_fromstring(client.get(reverse("accounts:login")).content.decode())) == "vi"
    chosen = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert chosen.status_code == 302 and chosen.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    problems = []
    for what, url, response in responses(client, role, user, make_org, content):
        if response.status_code == 200 and is_html(response):
            language = page_language(lxml_html.document_fromstring(response.content.decode()))
            if language != "en":
                problems.append(f"[{who(role)}] {what} {url}: <html lang={language!r}> after choosing English")
    assert not problems, "\n".join(problems)
