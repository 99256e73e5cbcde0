from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "copvn" / "locale"


def test_every_message_has_an_english_translation_and_the_catalogue_is_compiled():
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.mo"))
    untranslated = [e.msgid for e in po if not e.msgstr and not e.msgstr_plural and not e.obsolete]
    assert untranslated == []
    compiled = {e.msgid: e.msgstr for e in mo}
    assert {e.msgid: e.msgstr for e in po if not e.obsolete and "fuzzy" not in e.flags} == compiled


def test_the_interface_speaks_vietnamese_by_default_and_english_on_request(client, db):
    assert "Đăng nhập" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert "Sign in" in page and 'lang="en"' in page


def test_dates_follow_vietnamese_conventions(client, make_user, signed_in, make_org):
    import datetime as dt

    org = make_org("so-x", valid_from=dt.date(2025, 3, 1))
    signed_in(make_user("admin"))
    assert "01/03/2025" in client.get(f"/orgs/{org.pk}/").content.decode()


def test_a_browser_that_asks_for_english_still_gets_vietnamese_until_the_user_picks_english(client, db):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode() and page["Content-Language"] == "vi"
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/report/"}, HTTP_ACCEPT_LANGUAGE="vi")
    cookie = answer.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600, "the choice is remembered"
    assert 'lang="en"' in client.get("/report/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


def test_durations_are_written_in_words_of_the_language():
    import datetime as dt

    from django.utils import translation

    from copvn.core.durations import in_words

    assert in_words(dt.timedelta(hours=11, minutes=59, seconds=30)) == "11 giờ 59 phút"
    assert in_words(dt.timedelta(days=2, hours=3, minutes=4)) == "2 ngày 3 giờ"
    assert in_words(dt.timedelta(seconds=20)) == "dưới 1 phút"
    with translation.override("en"):
        assert in_words(dt.timedelta(hours=1, minutes=2)) == "1 hour 2 minutes"
