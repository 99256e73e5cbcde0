import re
from pathlib import Path

import pytest

from copvn import config

ROOT = Path(__file__).resolve().parent.parent


def variables_read_by_the_code():
    names = set()
    for path in (ROOT / "copvn").rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'(?:env_(?:str|bool|int|list|levels)|email_url)\(\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r'environ\[\s*"([A-Z0-9_]+)"\s*\]', text))
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_every_variable_the_settings_read_is_documented():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", (ROOT / "docs" / "configuration.md").read_text(), re.M))
    read = variables_read_by_the_code()
    assert len(read) >= 15
    assert read - documented == set(), "read but not documented"
    assert documented - read == set(), "documented but no longer read"


def test_postgres_urls_are_parsed_with_escapes_and_options(tmp_path):
    db = config.database("postgres://copvn:p%40ss@db.internal:6543/copvn_prod?sslmode=require", tmp_path)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "copvn_prod", "copvn", "p@ss", "db.internal", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_is_the_embedded_default_with_wal_and_immediate_transactions(tmp_path):
    db = config.database("", tmp_path)
    assert db["NAME"] == str(tmp_path / "copvn.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config.database("sqlite:////srv/copvn/db.sqlite3", tmp_path)["NAME"] == "/srv/copvn/db.sqlite3"


@pytest.mark.parametrize("url, message", [
    ("mysql://root@localhost/copvn", "unsupported scheme 'mysql'"),
    ("postgres://u:secret@host:notaport/db", "the port is not a number"),
    ("postgres://u@host:5432/", "the database name is missing"),
    ("sqlite://", "a SQLite URL looks like"),
])
def test_a_broken_database_url_says_what_is_wrong_without_the_password(tmp_path, url, message):
    with pytest.raises(config.ConfigError, match=message) as caught:
        config.database(url, tmp_path)
    assert "secret" not in str(caught.value)


def test_booleans_and_numbers_fail_closed(monkeypatch):
    monkeypatch.setenv("COPVN_DEBUG", "maybe")
    with pytest.raises(config.ConfigError, match="COPVN_DEBUG"):
        config.env_bool("COPVN_DEBUG")
    monkeypatch.setenv("COPVN_WORKER_LEASE_SECONDS", "1")
    with pytest.raises(config.ConfigError, match="at least 2"):
        config.env_int("COPVN_WORKER_LEASE_SECONDS", 60, minimum=2)


def test_the_embedded_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("COPVN_SECRET_KEY", raising=False)
    first = config.secret_key(False, tmp_path)
    assert config.secret_key(False, tmp_path) == first and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(config.ConfigError, match="required"):
        config.secret_key(True, tmp_path)
    monkeypatch.setenv("COPVN_SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="at least 40"):
        config.secret_key(True, tmp_path)


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi" and ("en", "English") in settings.LANGUAGES
    assert settings.DEBUG is False


def test_levels_are_read_as_pairs_and_fail_closed(monkeypatch):
    monkeypatch.setenv("COPVN_API_REPORTS_PER_MINUTE", "low:3, high:900")
    assert config.env_levels("COPVN_API_REPORTS_PER_MINUTE", {"low": 10, "normal": 60, "high": 600}) == {
        "low": 3, "normal": 60, "high": 900}
    for bad in ("low:0", "medium:5", "low=5", "low:many"):
        monkeypatch.setenv("COPVN_API_REPORTS_PER_MINUTE", bad)
        with pytest.raises(config.ConfigError, match="COPVN_API_REPORTS_PER_MINUTE"):
            config.env_levels("COPVN_API_REPORTS_PER_MINUTE", {"low": 10, "normal": 60, "high": 600})
