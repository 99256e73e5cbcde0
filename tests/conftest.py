import datetime as dt
import os

import pyotp
import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from copvn.accounts.roles import ROLES  # noqa: E402

PASSWORD = "mật-khẩu-thử-nghiệm-2026"


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """The live server's keep-alive request threads can outlive the browser tests with a PostgreSQL session
    open, and PostgreSQL refuses to drop a database in use: end those sessions before the test database goes."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def make_org(db):
    from copvn.orgs.models import Organisation

    counter = iter(range(10_000))

    def make(code=None, kind="department", parent=None, valid_from=dt.date(2021, 1, 1), valid_until=None, **extra):
        n = next(counter)
        code = code or f"org-{n}"
        return Organisation.objects.create(
            code=code, name=extra.pop("name", f"Đơn vị {code}"), short_name=extra.pop("short_name", code.upper()),
            kind=kind, parent=parent, valid_from=valid_from, valid_until=valid_until, **extra,
        )

    return make


# A liaison belongs to the body it speaks for (its referrals, tasks and records are that body's).
LIAISON_KINDS = {"platform_liaison": "platform", "police_liaison": "police", "child_services_liaison": "other"}


@pytest.fixture
def make_user(db, make_org):
    from copvn.accounts.models import User

    def make(role, username=None, organisation=None, enrolled=True):
        if organisation is None and (ROLES[role].scope == "own" or role in LIAISON_KINDS):
            organisation = make_org(kind=LIAISON_KINDS.get(role, "department"))
        user = User.objects.create_user(username or f"u-{role}", password=PASSWORD, role=role,
                                        organisation=organisation)
        if enrolled and ROLES[role].needs_second_factor:
            user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = dt.datetime.now(dt.UTC)
            user.save()
        return user

    return make


def sign_in_client(client, user):
    """Give `client` a session as after a real sign-in, second factor passed; leave it signed out for None."""
    from copvn.accounts.second_factor import SESSION_KEY

    if user is not None:
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = True
        session.save()
    return client


@pytest.fixture
def signed_in(client):
    """A client signed in as `user` with the second factor passed, as after a real sign-in."""
    return lambda user: sign_in_client(client, user)


def views_for(role):
    """The GET views of the permission matrix that `role` may open (None: a visitor signed out)."""
    from .test_permissions import MATRIX, PUBLIC

    for name, (method, allowed) in sorted(MATRIX.items()):
        if method == "get" and (allowed == PUBLIC or (isinstance(allowed, set) and role in allowed)):
            yield name


def totp_now(user, offset_steps=0):
    import time

    return pyotp.TOTP(user.totp_secret).at(time.time() + 30 * offset_steps)


@pytest.fixture(autouse=True)
def own_data_directory(settings, tmp_path):
    """Files a test writes (quarantine, evidence, list indexes) go to its own folder, never the checkout's."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests check behaviour, not the cost of PBKDF2: a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_audit_triggers_off = False


def _set_audit_triggers(on: bool):
    import importlib

    from django.db import connection

    triggers = importlib.import_module("copvn.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditevent {'ENABLE' if on else 'DISABLE'} TRIGGER USER")
        else:
            for statement in triggers.SQLITE if on else triggers.SQLITE_REVERSE:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _restore_audit_triggers(request, django_db_blocker):
    """Tests run with the append-only triggers on; see `flushable_audit` for why they may be off in between."""
    global _audit_triggers_off
    if _audit_triggers_off:
        with django_db_blocker.unblock():
            _set_audit_triggers(True)
        _audit_triggers_off = False


@pytest.fixture
def flushable_audit(transactional_db):
    """A transactional test ends by emptying every table, which the audit triggers refuse: lift them for that.
    Emptying also removes the taxonomy, the review queues, the legal bases and the report types that migrations
    seed, so they are seeded again first."""
    import importlib

    from django.apps import apps

    global _audit_triggers_off
    importlib.import_module("copvn.taxonomy.migrations.0002_seed_categories").seed(apps, None)
    importlib.import_module("copvn.review.migrations.0002_seed_queues").seed(apps, None)
    importlib.import_module("copvn.takedowns.migrations.0002_seed").seed(apps, None)
    importlib.import_module("copvn.reporting.migrations.0002_seed").seed(apps, None)
    yield
    _set_audit_triggers(False)
    _audit_triggers_off = True


def png_bytes(width=40, height=30, colour=(200, 30, 30)):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def make_case(db):
    """A case as intake makes it: a report with a URL and a screenshot, and a finished capture with evidence."""
    from copvn.cases.models import Artefact, Capture
    from copvn.core.blobs import EVIDENCE
    from copvn.intake.services import ReportInput, submit

    def make(url="https://www.facebook.com/groups/1/posts/2", **extra):
        data = ReportInput(channel="hotline_111", urls=[url], description="Có người nhắn tin dụ dỗ học sinh",
                           uploads=[(png_bytes(colour=extra.pop("colour", (1, 2, 3))), "anh.png")], **extra)
        report, _created = submit(data)
        case_url = report.case.urls.get()
        capture = Capture.objects.create(case_url=case_url, requested_url=url, status="done", final_url=url)
        body = b"<html><title>x</title></html>"
        Artefact.objects.create(capture=capture, kind="html", sha256=EVIDENCE.store(body), stored_path=EVIDENCE.store(body),
                                size=len(body), component="test")
        return report.case

    return make


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public page caches its tables: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
