"""The audit viewer speaks in words: actions, objects and people by name, with the codes kept beside them."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import copvn
from copvn.audit import labels
from copvn.audit.services import record
from copvn.cases.models import Capture
from copvn.intake.services import ReportInput, submit

# Actions built from a prefix and a value: the prefix, and every value it is finished with.
COMPUTED_ACTIONS = {
    "capture.": [status for status in Capture.Status.values if status != Capture.Status.PENDING],
}


def _is_record(call: ast.Call) -> bool:
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    if name == "record" and call.args and isinstance(call.args[0], ast.Name) and call.args[0].id == "action":
        return False  # takedowns' log_event: it refuses an unlabelled action itself (test below)
    return name == "record" and bool(call.args)


def test_notice_events_refuse_an_action_without_a_label(db):
    from copvn.takedowns.services import log_event

    with pytest.raises(ValueError, match="unlabelled"):
        log_event(None, "notice.something_new")


def _codes(expr: ast.expr, where: str) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body, where) | _codes(expr.orelse, where)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add) and isinstance(expr.left, ast.Constant) \
            and expr.left.value in COMPUTED_ACTIONS:
        return {expr.left.value + value for value in COMPUTED_ACTIONS[expr.left.value]}
    raise AssertionError(f"{where}: cannot tell which actions this record() call writes; "
                         "add its prefix to COMPUTED_ACTIONS")


def recorded_actions() -> dict[str, str]:
    """Every action code that a record() call in copvn can write, with where it is written."""
    found = {}
    root = Path(copvn.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_record(node):
                where = f"{path.relative_to(root.parent)}:{node.lineno}"
                found.update(dict.fromkeys(_codes(node.args[0], where), where))
    return found


def test_every_action_written_anywhere_has_a_label():
    actions = recorded_actions()
    assert {"report.submit", "case.view", "media.reveal", "capture.done", "orgs.update"} <= set(actions)
    unlabelled = {code: where for code, where in actions.items() if code not in labels.ACTIONS}
    assert not unlabelled, f"add these to copvn/audit/labels.py ACTIONS: {unlabelled}"


def test_every_object_type_is_a_real_model():
    from django.apps import apps

    for object_type in labels.OBJECT_TYPES:
        assert apps.get_model(object_type)


def test_an_unknown_code_is_shown_as_itself():
    assert labels.action_label("something.new") == "something.new"
    assert labels.object_label("x.y", "7", "") == "x.y #7"


def test_the_default_django_text_of_an_old_entry_becomes_the_noun_and_number():
    assert labels.object_label("cases.capture", "4", "Capture object (4)") == "Lần thu thập #4"
    assert labels.object_label("intake.report", "6", "PA-9M2RH-VGD87") == "Phản ánh PA-9M2RH-VGD87"


class _OldCapture:
    """What an entry about a capture held before captures had a text of their own."""

    class _meta:
        app_label, model_name = "cases", "capture"

    pk = 4

    def __str__(self):
        return "Capture object (4)"


@pytest.fixture
def officer(make_user):
    user = make_user("intake_officer", username="tiepnhan")
    user.last_name, user.first_name = "Trương Công", "Hải"
    user.save()
    return user


def test_the_viewer_shows_what_happened_in_words(db, make_user, signed_in, officer):
    report, _created = submit(ReportInput(channel="web", description="Có người dọa tung ảnh của em"), actor=officer)
    record("capture.done", obj=_OldCapture())
    client = signed_in(make_user("auditor"))
    page = client.get(reverse("audit:list")).content.decode()
    assert "Ghi nhận phản ánh" in page and "report.submit" in page
    assert f"Phản ánh {report.reference}" in page and f"intake.report:{report.pk}" in page
    assert "Lần thu thập #4" in page and "Thu thập nội dung thành công" in page
    assert "object (" not in page
    assert "Trương Công Hải <span class=\"muted\">(tiepnhan)</span>" in page
    assert '<option value="report.submit">Ghi nhận phản ánh (report.submit)</option>' in page


def test_an_auditor_finds_a_person_by_full_name(db, make_user, signed_in, officer):
    submit(ReportInput(channel="web", description="Tin nhắn đe dọa"), actor=officer)
    record("audit.verify", actor=make_user("admin"))
    client = signed_in(make_user("auditor"))
    page = client.get(reverse("audit:list"), {"actor": "Trương Công Hải"}).content.decode()
    rows = page.split("<tbody>", 1)[1]
    assert "Ghi nhận phản ánh" in rows and "Kiểm tra tính toàn vẹn nhật ký" not in rows


def test_the_greeting_puts_the_family_name_first(db, signed_in, officer):
    assert officer.get_full_name() == "Trương Công Hải" and officer.get_short_name() == "Hải"
    page = signed_in(officer).get("/").content.decode()
    assert "Xin chào, Trương Công Hải" in page and "Hải Trương Công" not in page


def test_recent_activity_on_the_home_page_names_people_family_name_first(db, make_user, signed_in, officer):
    submit(ReportInput(channel="web", description="Ảnh bị phát tán"), actor=officer)
    page = signed_in(make_user("auditor")).get("/").content.decode()
    assert "Trương Công Hải" in page.split("<tbody>", 1)[1]


def test_every_page_with_an_audit_trail_shows_words_not_codes(client, make_user, signed_in, make_case):
    case = make_case()
    signed_in(make_user("analyst"))
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Ghi nhận phản ánh" in page and "Xem vụ việc" in page and " object (" not in page


def test_the_user_list_finds_people_by_their_full_name(client, make_user, signed_in):
    from copvn.accounts.models import User

    signed_in(make_user("admin"))
    User.objects.create_user("hai", password="x" * 14, role="analyst", last_name="Trương Công", first_name="Hải")
    page = client.get("/users/?q=Công Hải").content.decode()
    assert "Trương Công Hải" in page
