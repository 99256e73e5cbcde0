import re

import pyotp
import pytest
from django.test import override_settings

from copvn.accounts.models import User
from copvn.accounts.second_factor import SESSION_KEY
from copvn.audit.models import AuditEvent
from copvn.core.models import OutboxMessage

from .conftest import PASSWORD, totp_now


def sign_in_password(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_a_case_role_must_pass_the_second_factor_before_anything_else(client, make_user):
    analyst = make_user("analyst")
    response = sign_in_password(client, analyst.username)
    assert response.status_code == 302
    assert client.get("/").url == "/login/second-factor/"
    assert client.get("/orgs/").url == "/login/second-factor/"
    response = client.post("/login/second-factor/", {"code": totp_now(analyst)})
    assert response.status_code == 302 and client.session[SESSION_KEY] is True
    assert client.get("/").status_code == 200
    assert list(AuditEvent.objects.filter(actor=analyst).values_list("action", flat=True).order_by("seq")) == [
        "auth.login", "auth.second_factor"]


def test_a_used_code_cannot_be_replayed(client, make_user):
    analyst = make_user("analyst")
    code = totp_now(analyst)
    sign_in_password(client, analyst.username)
    assert client.post("/login/second-factor/", {"code": code}).status_code == 302
    client.logout()
    sign_in_password(client, analyst.username)
    response = client.post("/login/second-factor/", {"code": code})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_wrong_code_is_refused_and_counted(client, make_user):
    analyst = make_user("analyst")
    sign_in_password(client, analyst.username)
    response = client.post("/login/second-factor/", {"code": "000000" if totp_now(analyst) != "000000" else "111111"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.login_failed", data__step="second_factor").count() == 1


def test_a_new_user_enrols_with_a_code_from_the_shown_secret(client, make_user):
    admin = make_user("admin", enrolled=False)
    sign_in_password(client, admin.username)
    page = client.get("/login/enrol/")
    assert client.get("/").url == "/login/enrol/"
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    assert "<svg" in page.content.decode()
    response = client.post("/login/enrol/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.has_second_factor and admin.totp_secret == secret
    assert client.get("/").status_code == 200


def test_a_platform_liaison_signs_in_without_a_second_factor(client, make_user):
    liaison = make_user("platform_liaison")
    sign_in_password(client, liaison.username)
    assert client.get("/").status_code == 200


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_sign_in_is_rate_limited_per_account(client, make_user):
    user = make_user("analyst")
    for _ in range(3):
        assert sign_in_password(client, user.username, "sai").status_code == 200
    response = sign_in_password(client, user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_ADDRESS=4)
def test_sign_in_is_rate_limited_per_address(client, make_user):
    for n in range(4):
        sign_in_password(client, f"khong-co-{n}", "sai", REMOTE_ADDR="198.51.100.7")
    assert sign_in_password(client, "khac", "sai", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert sign_in_password(client, "khac", "sai", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_wrong_password_gives_one_message_for_both_unknown_user_and_bad_password(client, make_user):
    make_user("analyst", username="co-that")
    a = sign_in_password(client, "co-that", "sai").content.decode()
    b = sign_in_password(client, "khong-co", "sai").content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in a and "Tên đăng nhập hoặc mật khẩu không đúng." in b


def test_next_cannot_send_the_user_to_another_site(client, make_user):
    liaison = make_user("platform_liaison")
    response = client.post("/login/", {"username": liaison.username, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == "/"


def test_logout_needs_post_and_is_audited(client, make_user, signed_in):
    signed_in(make_user("auditor"))
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()


def test_an_admin_creates_a_user_and_sees_the_password_once(client, make_user, signed_in, make_org):
    signed_in(make_user("admin"))
    org = make_org("zalo", kind="platform")
    response = client.post("/users/new/", {"username": "lienlac", "last_name": "Nguyễn", "first_name": "An",
                                           "email": "an@example.vn", "role": "platform_liaison",
                                           "organisation": org.pk, "is_active": "on"})
    assert response.status_code == 200
    password = re.search(r'id="new-password">([^<]+)<', response.content.decode()).group(1)
    created = User.objects.get(username="lienlac")
    assert created.check_password(password) and created.role == "platform_liaison"
    assert AuditEvent.objects.filter(action="users.create", object_id=str(created.pk)).exists()


def test_a_scoped_role_needs_an_organisation(client, make_user, signed_in):
    signed_in(make_user("admin"))
    response = client.post("/users/new/", {"username": "x", "role": "platform_liaison", "is_active": "on"})
    assert response.status_code == 200 and not User.objects.filter(username="x").exists()
    assert "cần chọn cơ quan" in response.content.decode()


def test_an_unknown_role_is_refused(client, make_user, signed_in):
    signed_in(make_user("admin"))
    response = client.post("/users/new/", {"username": "x", "role": "superhero", "is_active": "on"})
    assert response.status_code == 200 and not User.objects.filter(username="x").exists()


def test_resetting_the_second_factor_needs_a_reason_and_is_audited(client, make_user, signed_in):
    signed_in(make_user("admin"))
    target = make_user("analyst")
    client.post(f"/users/{target.pk}/reset/", {"what": "second_factor", "reason": ""})
    target.refresh_from_db()
    assert target.has_second_factor
    client.post(f"/users/{target.pk}/reset/", {"what": "second_factor", "reason": "mất điện thoại"})
    target.refresh_from_db()
    assert not target.has_second_factor
    assert AuditEvent.objects.get(action="users.reset_second_factor").reason == "mất điện thoại"


@pytest.mark.parametrize("method", ["get", "post"])
def test_csrf_is_enforced_on_sign_in(method, make_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    make_user("analyst")
    if method == "post":
        assert strict.post("/login/", {"username": "u-analyst", "password": PASSWORD}).status_code == 403
    else:
        assert strict.get("/login/").status_code == 200


def test_the_sign_in_page_sends_the_public_to_the_report_form_and_the_status_page(client, db):
    page = client.get("/login/").content.decode()
    assert 'href="/report/"' in page and 'href="/report/status/"' in page and "111" in page


def _sign_in_with_password(client, username, address):
    return client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def _wrong_code(client, address):
    return client.post("/login/second-factor/", {"code": "000000"}, REMOTE_ADDR=address)


def test_wrong_codes_count_across_sign_ins_and_addresses_until_the_account_locks(client, make_user, settings):
    settings.SECOND_FACTOR_MAX_FAILURES = 6
    settings.LOGIN_FAILURES_PER_ADDRESS = 1000
    analyst = make_user("analyst", username="phantich")
    User.objects.filter(pk=analyst.pk).update(email="phantich@example.vn")
    for n in range(6):  # a new sign-in from a new address each time: the count is per account
        address = f"198.51.100.{n + 1}"
        assert _sign_in_with_password(client, "phantich", address).status_code == 302
        _wrong_code(client, address)
    analyst.refresh_from_db()
    assert analyst.locked_at is not None and analyst.second_factor_failures == 6
    refused = _sign_in_with_password(client, "phantich", "203.0.113.50")
    assert refused.status_code == 200 and "tạm khóa" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked", object_id=str(analyst.pk)).count() == 1
    message = OutboxMessage.objects.get(kind="account.locked")
    assert message.to == "phantich@example.vn" and "bị tạm khóa" in message.subject


def test_a_correct_code_resets_the_count_and_a_correct_password_does_not(client, make_user, settings):
    settings.SECOND_FACTOR_MAX_FAILURES = 3
    analyst = make_user("analyst", username="phantich")
    _sign_in_with_password(client, "phantich", "198.51.100.1")
    _wrong_code(client, "198.51.100.1")
    _sign_in_with_password(client, "phantich", "198.51.100.2")
    _wrong_code(client, "198.51.100.2")
    analyst.refresh_from_db()
    assert analyst.second_factor_failures == 2
    client.post("/login/second-factor/", {"code": totp_now(analyst)})
    analyst.refresh_from_db()
    assert analyst.second_factor_failures == 0 and analyst.locked_at is None


def test_an_administrator_lifts_the_lock_and_the_locked_users_sessions_end(client, make_user, signed_in, settings):
    import datetime as dt

    from django.test import Client

    analyst = make_user("analyst", username="phantich")
    elsewhere = Client()
    elsewhere.force_login(analyst)
    User.objects.filter(pk=analyst.pk).update(locked_at=dt.datetime.now(dt.UTC), second_factor_failures=10)
    assert elsewhere.get("/cases/").url == "/login/", "an open session of a locked account ends"
    signed_in(make_user("admin"))
    page = client.get(f"/users/{analyst.pk}/").content.decode()
    assert "Tài khoản đang bị khóa" in page and "Mở khóa tài khoản" in page
    client.post(f"/users/{analyst.pk}/reset/", {"what": "unlock", "reason": "Đã xác minh với người dùng"})
    analyst.refresh_from_db()
    assert analyst.locked_at is None and analyst.second_factor_failures == 0
    assert AuditEvent.objects.filter(action="users.unlock", reason="Đã xác minh với người dùng").exists()


def test_an_outsider_cannot_lock_the_owner_out_with_wrong_passwords(client, make_user, settings):
    make_user("analyst", username="phantich")
    for _ in range(8):  # from the outsider's address
        client.post("/login/", {"username": "phantich", "password": "sai"}, REMOTE_ADDR="203.0.113.66")
    assert client.post("/login/", {"username": "phantich", "password": PASSWORD},
                       REMOTE_ADDR="203.0.113.66").status_code == 429
    owner = client.post("/login/", {"username": "phantich", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert owner.status_code == 302, "the owner, from their own address, still signs in"


def test_the_per_account_backstop_stops_guessing_from_many_addresses(client, make_user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE = 12
    make_user("analyst", username="phantich")
    for n in range(12):
        client.post("/login/", {"username": "phantich", "password": "sai"}, REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert client.post("/login/", {"username": "phantich", "password": PASSWORD},
                       REMOTE_ADDR="198.51.100.7").status_code == 429


def test_a_password_an_administrator_chose_must_be_changed_first(client, make_user, signed_in):
    analyst = make_user("analyst", username="phantich")
    User.objects.filter(pk=analyst.pk).update(must_change_password=True)
    analyst.refresh_from_db()
    signed_in(analyst)
    assert client.get("/cases/").url == "/account/password/"
    new = "một-mật-khẩu-mới-rất-dài-2026"
    answer = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert answer.status_code == 302 and client.get("/cases/").status_code == 200, "the session survives the change"
    analyst.refresh_from_db()
    assert analyst.check_password(new) and not analyst.must_change_password
    assert AuditEvent.objects.filter(action="auth.password_changed", object_id=str(analyst.pk)).exists()


def test_users_created_or_reset_by_an_administrator_must_choose_their_own_password(client, make_user, signed_in):
    signed_in(make_user("admin"))
    client.post("/users/new/", {"username": "moi", "last_name": "Lê", "first_name": "An", "role": "auditor"})
    created = User.objects.get(username="moi")
    assert created.must_change_password


def test_createadmin_asks_for_the_password_and_prints_none(db):
    from click.testing import CliRunner

    from copvn.cli import main

    secret = "mật-khẩu-quản-trị-dài-2026"
    result = CliRunner().invoke(main, ["createadmin", "quantri2", "--family", "Trương Công", "--given", "Hải"],
                                input=f"{secret}\n{secret}\n")
    assert result.exit_code == 0, result.output
    assert secret not in result.stdout and secret not in result.stderr
    admin = User.objects.get(username="quantri2")
    assert admin.role == "admin" and admin.check_password(secret) and admin.get_full_name() == "Trương Công Hải"
    weak = CliRunner().invoke(main, ["createadmin", "yeu"], input="123\n123\n")
    assert weak.exit_code == 1 and not User.objects.filter(username="yeu").exists()
