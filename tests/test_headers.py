"""Every page carries a strict Content-Security-Policy; staff pages are never cached; HSTS in production."""

import re

from .conftest import PASSWORD  # noqa: F401


def test_every_page_has_a_policy_that_allows_only_copvns_own_scripts_and_styles(client, db):
    for path in ("/login/", "/report/", "/report/status/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "copvn" / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{template}: inline script"
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text), f"{template}: inline style or handler"


def test_staff_pages_are_never_stored_by_a_browser_or_a_proxy(client, make_user, signed_in, make_case):
    case = make_case()
    signed_in(make_user("analyst"))
    for path in ("/", f"/cases/{case.reference}/", "/cases/"):
        assert client.get(path)["Cache-Control"] == "no-store, private", path


def test_the_enrolment_page_with_its_secret_is_not_cached(client, make_user):
    user = make_user("analyst", enrolled=False)
    client.force_login(user)
    answer = client.get("/login/enrol/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store, private"


def test_hsts_is_sent_over_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    answer = client.get("/login/", secure=True)
    assert answer["Strict-Transport-Security"] == "max-age=31536000"


def test_a_nul_character_in_a_parameter_or_the_path_is_refused_before_any_view(client, db):
    for path in ("/api/v1/notices?state=%00x", "/tasks/?state=a%00", "/transparency/?period=2026%0011",
                 "/api/v1/reports/monthly/2026%0011"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "NUL" in response.content.decode()
    assert client.get("/transparency/").status_code == 200
