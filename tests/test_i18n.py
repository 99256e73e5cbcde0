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
