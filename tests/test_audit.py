import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from copvn.audit.models import GENESIS, AuditEvent
from copvn.audit.services import record, verify_chain
from copvn.cli import main


def _three_entries(user):
    for action in ("orgs.create", "case.open", "media.reveal"):
        record(action, actor=user, object_type="x.y", object_id="7", reason="kiểm tra", data={"n": 1})


def _disable_triggers():
    """What someone with database access could do; the test's transaction puts the triggers back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")


def test_entries_are_chained_from_the_genesis(db, make_user):
    _three_entries(make_user("admin"))
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    report = verify_chain()
    assert report.ok and report.checked == 3 and report.head_hash == events[2].hash


def test_it_records_who_what_which_object_where_and_why(db, make_user, rf):
    user = make_user("analyst")
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Trình duyệt")
    request.user = user
    event = record("case.open", request=request, obj=user, reason="xem hồ sơ")
    assert (event.actor, event.role, event.action, event.ip, event.reason) == (user, "analyst", "case.open", "203.0.113.9", "xem hồ sơ")
    assert event.object_type == "accounts.user" and event.object_id == str(user.pk)


def test_the_application_cannot_change_or_delete_an_entry(db, make_user):
    _three_entries(make_user("admin"))
    event = AuditEvent.objects.first()
    event.reason = "đổi"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(reason="x")


def test_the_database_refuses_a_direct_update(db, make_user):
    _three_entries(make_user("admin"))
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET reason = 'sửa lén' WHERE seq = 2")


def test_verify_names_the_first_changed_entry(db, make_user):
    _three_entries(make_user("admin"))
    _disable_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'sửa lén' WHERE seq = 2")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 2 and "changed" in report.problem
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert '"first_broken_seq": 2' in result.stdout


def test_verify_catches_a_deleted_entry(db, make_user):
    _three_entries(make_user("admin"))
    _disable_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    report = verify_chain()
    assert report.first_broken_seq == 3 and "missing" in report.problem


def test_verify_catches_a_rehashed_entry_through_the_next_link(db, make_user):
    _three_entries(make_user("admin"))
    _disable_triggers()
    forged = AuditEvent.objects.get(seq=1)
    forged.reason = "giả mạo"
    new_hash = forged.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = 1", ["giả mạo", new_hash])
    report = verify_chain()
    assert report.first_broken_seq == 2 and "link" in report.problem


def test_verify_on_an_intact_chain_exits_zero(db, make_user):
    _three_entries(make_user("admin"))
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert '"ok": true' in result.stdout


def test_an_entry_cannot_be_rewritten_by_an_insert_that_replaces_it(db, make_user):
    from django.db import DatabaseError

    _three_entries(make_user("admin"))
    first = AuditEvent.objects.get(seq=1)
    columns = "id, seq, at, actor_label, role, action, object_type, object_id, object_repr, ip, user_agent, reason, " \
              "data, prev_hash, hash"
    values = [first.pk, 1, first.at, "ke-gian", "", "nothing.happened", "", "", "", "", "", "", "{}", GENESIS, "f" * 64]
    marks = ", ".join(["%s"] * len(values))
    statement = (f"INSERT OR REPLACE INTO audit_auditevent ({columns}) VALUES ({marks})" if connection.vendor == "sqlite"  # noqa: S608 (constant text)
                 else f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks}) "  # noqa: S608
                      "ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, values)
    assert AuditEvent.objects.get(seq=1).action == "orgs.create" and verify_chain().ok


def test_verify_with_an_expected_head_detects_removal_of_the_newest_entries(db, make_user):
    _three_entries(make_user("admin"))
    head = verify_chain().head_hash
    record("case.view", object_type="x.y", object_id="8")
    assert CliRunner().invoke(main, ["audit", "verify", "--expect-head", head]).exit_code == 0, "growth is fine"
    _disable_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 3")
    assert verify_chain().ok, "a chain cut at its end still verifies on its own"
    result = CliRunner().invoke(main, ["audit", "verify", "--expect-head", head])
    assert result.exit_code == 1 and "entries were removed from its end" in result.stderr


def test_the_audit_export_defuses_cells_a_spreadsheet_would_run_as_formulas(client, make_user, signed_in):
    import csv
    import io

    record("report.import", reason='=HYPERLINK("http://ke-gian.example","bam vao").csv')
    record("report.import", reason="+cmd|' /C calc'!A0")
    record("report.import", reason="-1+1")
    signed_in(make_user("auditor"))
    response = client.get("/audit/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    reasons = [row[9] for row in rows[1:] if row[4] == "report.import"]
    assert sorted(reasons) == sorted(["'=HYPERLINK(\"http://ke-gian.example\",\"bam vao\").csv", "'+cmd|' /C calc'!A0",
                                      "'-1+1"])
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
