"""The staff API: personal tokens, the same capabilities as the pages, the workbench for programs."""

import datetime as dt
import json
from typing import get_args

import pytest
from click.testing import CliRunner
from django.db import connection
from django.utils import timezone

from copvn.accounts import tokens
from copvn.accounts.models import StaffToken
from copvn.accounts.roles import ROLES
from copvn.audit.models import AuditEvent
from copvn.cases.models import State
from copvn.cli import main
from copvn.intake.keys import issue
from copvn.intake.models import ApiKey
from copvn.review import api_schemas, queue
from copvn.review.models import Decision, Finding, QueueItem

CASES = {"intake_officer", "analyst", "senior_analyst", "legal_officer", "auditor"}
REVIEW = {"analyst", "senior_analyst"}
APPROVE = {"senior_analyst"}


def call(client, method, path, secret=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    if body is None and method == "get":
        return client.get(f"/api/v1{path}", **headers)
    data = "" if body is None else json.dumps(body)  # an empty body, as `curl -X POST` sends
    return getattr(client, method)(f"/api/v1{path}", data, content_type="application/json", **headers)


@pytest.fixture
def token_for(db):
    def make(user, name="script"):
        return tokens.create(user, name)[1]

    return make


@pytest.fixture
def queued_case(make_case):
    def make(**extra):
        case = make_case(**extra)
        queue.refresh(case)
        return case

    return make


def choice(seen=0, **extra):
    return {"categories": ["BULLY"], "harmful": True, "action": "takedown", "reason": "Bắt nạt học sinh",
            "seen_number": seen, **extra}


def enrolled(make_user, role, username=None):
    """A user of any role with a second factor (roles that do not need one may still set one up)."""
    import pyotp

    user = make_user(role, username)
    if not user.has_second_factor:
        user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), timezone.now()
        user.save()
    return user


def test_token_create_refuses_a_user_without_a_second_factor_or_inactive_or_locked(make_user):
    make_user("analyst", "chua-dang-ky", enrolled=False)
    result = CliRunner().invoke(main, ["token", "create", "chua-dang-ky", "--name", "x"])
    assert result.exit_code == 1 and "no second factor" in result.stderr and result.stdout == ""
    locked = make_user("analyst", "bi-khoa")
    locked.locked_at = timezone.now()
    locked.save()
    assert "is locked" in CliRunner().invoke(main, ["token", "create", "bi-khoa", "--name", "x"]).stderr
    inactive = make_user("analyst", "nghi")
    inactive.is_active = False
    inactive.save()
    assert "inactive" in CliRunner().invoke(main, ["token", "create", "nghi", "--name", "x"]).stderr
    assert "no user named" in CliRunner().invoke(main, ["token", "create", "ai-do", "--name", "x"]).stderr
    assert not StaffToken.objects.exists() and not AuditEvent.objects.filter(action="token.create").exists()


def test_the_token_is_printed_once_and_only_its_hash_is_stored(make_user):
    analyst = make_user("analyst", "phan-tich")
    result = CliRunner().invoke(main, ["token", "create", "phan-tich", "--name", "máy chủ báo cáo"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    secret = printed["token"]
    stored = StaffToken.objects.get()
    assert stored.user == analyst and stored.prefix == printed["prefix"] == secret[:16]
    assert stored.digest == tokens.digest(secret) and secret not in stored.digest
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the schema)
            assert all(secret not in str(row) for row in cursor.fetchall()), f"the secret is stored in {table}"
    listing = CliRunner().invoke(main, ["token", "list", "phan-tich"])
    assert secret not in listing.stdout and json.loads(listing.stdout)["prefix"] == stored.prefix
    event = AuditEvent.objects.get(action="token.create")
    assert (event.object_type, event.object_id, event.data["prefix"]) == ("accounts.user", str(analyst.pk), stored.prefix)


def test_a_revoked_token_an_inactive_or_a_locked_user_gets_401(client, make_user, token_for, queued_case):
    analyst = make_user("analyst")
    secret = token_for(analyst)
    assert call(client, "get", "/cases", secret).status_code == 200
    assert call(client, "get", "/cases", secret + "x").status_code == 401
    analyst.locked_at = timezone.now()
    analyst.save()
    assert call(client, "get", "/cases", secret).status_code == 401
    analyst.locked_at, analyst.is_active = None, False
    analyst.save()
    assert call(client, "get", "/cases", secret).status_code == 401
    analyst.is_active = True
    analyst.save()
    prefix = StaffToken.objects.get().prefix
    result = CliRunner().invoke(main, ["token", "revoke", prefix])
    assert result.exit_code == 0 and json.loads(result.stdout)["revoked_at"]
    assert call(client, "get", "/cases", secret).status_code == 401
    assert "revoked already" in CliRunner().invoke(main, ["token", "revoke", prefix]).stderr
    assert AuditEvent.objects.get(action="token.revoke").data["prefix"] == prefix


def test_a_token_stops_working_when_the_second_factor_is_removed(client, make_user, token_for):
    analyst = make_user("analyst")
    secret = token_for(analyst)
    analyst.totp_secret, analyst.totp_confirmed_at = "", None
    analyst.save()
    assert call(client, "get", "/cases", secret).status_code == 401


def test_an_analyst_claims_renews_and_decides_and_the_senior_analyst_approves(client, make_user, token_for,
                                                                               queued_case):
    case = queued_case()
    analyst, senior = make_user("analyst"), make_user("senior_analyst")
    mine, theirs = token_for(analyst), token_for(senior)
    claimed = call(client, "post", "/queue/claim", mine)
    assert claimed.status_code == 200, claimed.content
    item = claimed.json()
    assert item["case"] == case.reference and item["queue"] == "general" and item["priority_reasons"]
    lease = dt.datetime.fromisoformat(item["lease_until"])
    QueueItem.objects.filter(pk=item["id"]).update(lease_until=lease - dt.timedelta(seconds=100))
    renewed = call(client, "post", f"/queue/items/{item['id']}/renew", mine)
    assert renewed.status_code == 200 and dt.datetime.fromisoformat(renewed.json()["lease_until"]) >= lease
    assert call(client, "post", f"/queue/items/{item['id']}/renew", theirs).status_code == 409
    decided = call(client, "post", f"/cases/{case.reference}/decisions", mine, choice())
    assert decided.status_code == 201, decided.content
    decision = decided.json()
    assert (decision["number"], decision["needs_approval"], decision["decided_by"]) == (1, True, analyst.username)
    assert call(client, "post", f"/decisions/{decision['id']}/approval", mine, {"approve": True}).status_code == 403
    pending = call(client, "get", "/approvals", theirs)
    assert [d["id"] for d in pending.json()] == [decision["id"]]
    approved = call(client, "post", f"/decisions/{decision['id']}/approval", theirs, {"approve": True, "comment": "Đúng"})
    assert approved.status_code == 201, approved.content
    assert approved.json()["approval"] == {**approved.json()["approval"], "verdict": "approved", "by": senior.username}
    case.refresh_from_db()
    assert case.state == State.COORDINATING and list(case.categories.values_list("code", flat=True)) == ["BULLY"]
    again = call(client, "post", f"/decisions/{decision['id']}/approval", theirs, {"approve": True})
    assert again.status_code == 409 and "đã được xem xét" in again.json()["detail"]
    acts = [(e.action, e.actor) for e in AuditEvent.objects.filter(object_type="cases.case").order_by("seq")]
    assert ("review.claim", analyst) in acts and ("decision.create", analyst) in acts
    assert ("decision.approve", senior) in acts


def test_an_analyst_cannot_approve_their_own_decision(client, make_user, token_for, queued_case):
    case = queued_case()
    senior = make_user("senior_analyst")
    secret = token_for(senior)
    decision = call(client, "post", f"/cases/{case.reference}/decisions", secret, choice()).json()
    refused = call(client, "post", f"/decisions/{decision['id']}/approval", secret, {"approve": True})
    assert refused.status_code == 409 and "chính mình" in refused.json()["detail"]


def test_releasing_gives_the_item_back_and_only_the_holder_can(client, make_user, token_for, queued_case):
    queued_case()
    first, second = token_for(make_user("analyst", "a1")), token_for(make_user("analyst", "a2"))
    item = call(client, "post", "/queue/claim", first).json()
    assert call(client, "post", "/queue/claim", second).status_code == 204
    assert call(client, "post", f"/queue/items/{item['id']}/release", second).status_code == 409
    assert call(client, "post", f"/queue/items/{item['id']}/release", first).status_code == 204
    assert call(client, "post", "/queue/claim", second).json()["id"] == item["id"]
    assert AuditEvent.objects.filter(action="review.skip").count() == 1
    assert call(client, "post", "/queue/items/999999/renew", first).status_code == 404


def test_an_intake_officer_gets_403_on_claim(client, make_user, token_for, queued_case):
    queued_case()
    response = call(client, "post", "/queue/claim", token_for(make_user("intake_officer")))
    assert response.status_code == 403 and response.json()["detail"]
    assert QueueItem.objects.get().holder is None and not AuditEvent.objects.filter(action="review.claim").exists()


def test_an_auditor_reads_a_case_with_its_findings_and_decisions(client, make_user, token_for, queued_case):
    case = queued_case()
    Finding.objects.create(case=case, detector="lexicon", version="1", source=f"report:{case.reports.get().pk}:description",
                           category_code="GROOM", score=0.9, key="k1",
                           evidence={"spans": [{"start": 0, "end": 6, "label": "GROOM"}]})
    analyst = make_user("analyst")
    call(client, "post", f"/cases/{case.reference}/decisions", token_for(analyst), choice(action="monitor"))
    auditor = make_user("auditor")
    response = call(client, "get", f"/cases/{case.reference}", token_for(auditor))
    assert response.status_code == 200, response.content
    body = response.json()
    report = body["reports"][0]
    assert report["description"] == "Có người nhắn tin dụ dỗ học sinh" and report["spans"][0]["label"] == "GROOM"
    assert report["uploads"][0]["sha256"] and body["urls"][0]["url"] == "https://www.facebook.com/groups/1/posts/2"
    assert [(f["detector"], f["category_code"], f["score"]) for f in body["findings"]] == [("lexicon", "GROOM", 0.9)]
    assert [(d["number"], d["action"], d["decided_by"]) for d in body["decisions"]] == [(1, "monitor", analyst.username)]
    assert body["state"] == "assessing" and body["trail"]
    viewed = AuditEvent.objects.filter(action="case.view").last()
    assert (viewed.actor, viewed.object_id) == (auditor, str(case.pk))
    assert call(client, "get", "/cases/PA-NOPE", token_for(auditor, "b")).status_code == 404


def test_the_case_list_is_newest_first_filtered_and_paged(client, make_user, token_for, queued_case):
    older = queued_case(url="https://www.tiktok.com/@a/video/1")
    newer = queued_case(url="https://www.tiktok.com/@b/video/2", colour=(9, 9, 9))  # another image: another case
    secret = token_for(make_user("legal_officer"))
    listing = call(client, "get", "/cases?limit=1", secret).json()
    assert listing["count"] == 2 and [c["reference"] for c in listing["items"]] == [newer.reference]
    assert listing["items"][0]["queue_item"]["queue"] == "general"
    assert call(client, "get", "/cases?limit=1&offset=1", secret).json()["items"][0]["reference"] == older.reference
    assert call(client, "get", "/cases?state=closed", secret).json()["count"] == 0
    assert call(client, "get", "/cases?queue=general", secret).json()["count"] == 2
    assert call(client, "get", "/cases?queue=csam", secret).json()["count"] == 0
    assert call(client, "get", "/cases?state=nonsense", secret).status_code == 422
    assert call(client, "get", "/cases?limit=100000", secret).status_code == 422


def test_a_stale_decision_gets_409_and_changes_nothing(client, make_user, token_for, queued_case):
    case = queued_case()
    first, second = token_for(make_user("analyst", "a1")), token_for(make_user("analyst", "a2"))
    assert call(client, "post", f"/cases/{case.reference}/decisions", first, choice(action="monitor")).status_code == 201
    stale = call(client, "post", f"/cases/{case.reference}/decisions", second, choice(action="none", harmful=False))
    assert stale.status_code == 409 and "mới hơn" in stale.json()["detail"]
    assert Decision.objects.filter(case=case).count() == 1


def test_a_decision_on_a_case_someone_else_holds_gets_409(client, make_user, token_for, queued_case):
    case = queued_case()
    first, second = token_for(make_user("analyst", "a1")), token_for(make_user("analyst", "a2"))
    call(client, "post", "/queue/claim", first)
    refused = call(client, "post", f"/cases/{case.reference}/decisions", second, choice())
    assert refused.status_code == 409 and "đang được" in refused.json()["detail"]


@pytest.mark.parametrize("body", [
    {"harmful": True, "action": "monitor", "seen_number": 0},  # no reason
    choice(categories=["NOPE"]), choice(categories=[]), choice(action="delete"), choice(seen=-1),
    choice(categories=["CSAM"]),  # CSAM needs its class and age band
])
def test_a_malformed_decision_gets_422_and_nothing_is_saved(client, make_user, token_for, queued_case, body):
    case = queued_case()
    response = call(client, "post", f"/cases/{case.reference}/decisions", token_for(make_user("analyst")), body)
    assert response.status_code == 422, response.content
    assert not Decision.objects.exists()


def test_the_queue_answers_204_when_nothing_waits(client, make_user, token_for, queued_case):
    secret = token_for(make_user("analyst"))
    assert call(client, "post", "/queue/claim", secret).status_code == 204
    queued_case(category_codes=["CSAM"])  # in the CSAM queue, for cleared analysts only
    assert call(client, "post", "/queue/claim", secret).status_code == 204
    assert call(client, "post", "/queue/claim", secret, {"queue": "csam"}).status_code == 404
    assert call(client, "post", "/queue/claim", secret, {"queue": "general"}).status_code == 204


def test_partner_keys_and_staff_tokens_each_open_only_their_own_api(client, make_user, make_org, token_for,
                                                                     signed_in):
    partner = issue(make_org("zalo", kind="platform"), "Zalo", "high")[1]
    staff = token_for(make_user("senior_analyst"))
    assert call(client, "get", "/cases", partner).status_code == 401
    assert call(client, "post", "/queue/claim", partner).status_code == 401
    assert call(client, "post", "/reports", staff, {"urls": ["https://zalo.me/g/abc"]}).status_code == 401
    assert call(client, "get", "/reports/PA-22222-22222", staff).status_code == 401
    assert call(client, "post", "/reports", partner, {"urls": ["https://zalo.me/g/abc"]}).status_code == 201
    signed_in(make_user("analyst"))
    assert call(client, "get", "/cases").status_code == 401, "a staff session is not a token"


def _probe(name, reference, item_id, decision_id):
    return {"list_cases": ("get", "/cases"), "get_case": ("get", f"/cases/{reference}"),
            "claim_item": ("post", "/queue/claim"), "renew_item": ("post", f"/queue/items/{item_id}/renew"),
            "release_item": ("post", f"/queue/items/{item_id}/release"),
            "create_decision": ("post", f"/cases/{reference}/decisions"), "list_approvals": ("get", "/approvals"),
            "approve_decision": ("post", f"/decisions/{decision_id}/approval"),
            "hold_item": ("post", f"/queue/items/{item_id}/hold"), "assign_item": ("post", f"/queue/items/{item_id}/assign")}[name]


EXPECTED = {"list_cases": CASES, "get_case": CASES, "claim_item": REVIEW, "renew_item": REVIEW,
            "release_item": REVIEW, "create_decision": REVIEW, "list_approvals": APPROVE, "approve_decision": APPROVE,
            "hold_item": REVIEW, "assign_item": APPROVE}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_role_against_every_staff_operation(role, client, make_user, queued_case):
    case = queued_case()
    item = QueueItem.objects.get(case=case)
    author = make_user("analyst", "tac-gia")
    decision = Decision.objects.create(case=case, number=1, categories=["GROOM"], harmful=True, action="takedown",
                                       reason="x", decided_by=author, needs_approval=True)
    secret = tokens.create(enrolled(make_user, role, f"nguoi-{role}"), "probe")[1]
    for name, allowed in EXPECTED.items():
        method, path = _probe(name, case.reference, item.pk, decision.pk)
        status = call(client, method, path, secret).status_code
        if role in allowed:
            assert status not in (401, 403), f"{role} should reach {name}, got {status}"
        else:
            assert status == 403, f"{role} must be denied {name}, got {status}"


def test_the_openapi_document_lists_the_staff_operations_with_their_capability(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    staff = {(path, method): op for path, ops in spec["paths"].items() for method, op in ops.items()
             if op.get("security") == [{"StaffTokenAuth": []}]
             and not path.startswith(("/api/v1/takedowns", "/api/v1/referrals"))}  # tests/test_takedown_api.py
    assert {(p, m) for p, m in staff} == {
        ("/api/v1/cases", "get"), ("/api/v1/cases/{reference}", "get"), ("/api/v1/queue/claim", "post"),
        ("/api/v1/queue/items/{item_id}/renew", "post"), ("/api/v1/queue/items/{item_id}/release", "post"),
        ("/api/v1/cases/{reference}/decisions", "post"), ("/api/v1/approvals", "get"),
        ("/api/v1/decisions/{decision_id}/approval", "post"), ("/api/v1/lists", "get"),
        ("/api/v1/lists/{slug}/entries", "post"), ("/api/v1/lists/{slug}/import", "post"),
        ("/api/v1/lists/{slug}/export", "get"), ("/api/v1/queue/items/{item_id}/hold", "post"),
        ("/api/v1/queue/items/{item_id}/assign", "post"), ("/api/v1/tasks", "get"), ("/api/v1/tasks/{task_id}", "get"),
        ("/api/v1/tasks/{task_id}/updates", "post"), ("/api/v1/text/classify", "post"),
        ("/api/v1/monitoring/sources", "get"), ("/api/v1/monitoring/sources", "post"),
        ("/api/v1/monitoring/sources/{source_id}", "get"), ("/api/v1/monitoring/sources/{source_id}", "patch"),
        ("/api/v1/monitoring/sources/{source_id}/check", "post"), ("/api/v1/monitoring/sources/{source_id}/drops", "post"),
        ("/api/v1/monitoring/alerts", "get"), ("/api/v1/tasks", "post"), ("/api/v1/tasks/{task_id}/attachments", "post"),
        ("/api/v1/activities", "get"), ("/api/v1/activities", "post"), ("/api/v1/obstacles", "get"),
        ("/api/v1/obstacles", "post"), ("/api/v1/obstacles/{obstacle_id}/answer", "post"),
        ("/api/v1/reports/{code}/{period}", "get"), ("/api/v1/submissions", "get"), ("/api/v1/submissions/mine", "get"),
        ("/api/v1/submissions/mine/{code}/{period}", "put"), ("/api/v1/submissions/{submission_id}/review", "post"),
        ("/api/v1/dashboard", "get")}
    by_name = {op["operationId"].rsplit("_api_", 1)[1]: op for op in staff.values()}
    assert {name: op["x-capability"] for name, op in by_name.items()} == {
        "list_cases": "cases.view", "get_case": "cases.view", "claim_item": "review.work", "renew_item": "review.work",
        "release_item": "review.work", "create_decision": "review.work", "list_approvals": "review.approve",
        "approve_decision": "review.approve", "list_lists": "lists.view", "add_values": "lists.manage",
        "import_values": "lists.manage", "export_values": "lists.view", "hold_item": "review.work",
        "assign_item": "review.assign", "list_tasks": "tasks.view", "get_task": "tasks.view",
        "update_task": "tasks.update", "classify_text": "review.work", "list_sources": "monitoring.view",
        "create_source": "monitoring.manage", "get_source": "monitoring.view", "update_source": "monitoring.manage",
        "check_now": "monitoring.manage", "add_drop": "monitoring.manage", "alerts": "monitoring.view",
        "assign_task": "tasks.assign", "attach_to_task": "tasks.update", "list_activities": "activities.view",
        "create_activity": "activities.record", "list_obstacles": "obstacles.view", "raise_obstacle": "obstacles.raise",
        "answer_obstacle": "obstacles.answer", "province_report": "reports.view", "list_submissions": "reports.view",
        "my_submissions": "reports.submit", "save_submission": "reports.submit", "review_submission": "reports.manage",
        "dashboard": "dashboard.view"}
    assert all(op["summary"] for op in staff.values())
    assert spec["paths"]["/api/v1/reports"]["post"]["security"] == [{"ApiKeyAuth": []}]


def test_the_schemas_name_the_models_values():
    assert set(get_args(api_schemas.STATES)) == set(State.values)
    assert set(get_args(api_schemas.ACTIONS)) == set(Decision.Action.values)
    fields = api_schemas.DecisionIn.model_fields
    assert set(get_args(fields["csam_class"].annotation)) == {"", *Decision.CsamClass.values}
    assert set(get_args(fields["age_band"].annotation)) == {"", *Decision.AgeBand.values}
    assert set(get_args(fields["severity"].annotation)) == set(Decision.Severity.values)


def test_apikey_issue_prints_a_working_key_once_and_refuses_an_unknown_code(client, make_org):
    org = make_org("tiktok", kind="platform")
    result = CliRunner().invoke(main, ["apikey", "issue", "tiktok", "--name", "TikTok T&S", "--trust", "high"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    key = ApiKey.objects.get()
    assert (key.organisation, key.trust, key.prefix) == (org, "high", printed["prefix"])
    assert printed["key"] not in key.digest
    assert call(client, "post", "/reports", printed["key"], {"urls": ["https://www.tiktok.com/@a/video/1"]}).status_code == 201
    unknown = CliRunner().invoke(main, ["apikey", "issue", "khong-co", "--name", "x"])
    assert unknown.exit_code == 1 and "no organisation with code 'khong-co'" in unknown.stderr
    assert AuditEvent.objects.filter(action="apikey.issue").count() == 1


def test_hold_and_assign_through_the_api(client, make_user, token_for, queued_case):
    case = queued_case()
    analyst, senior = make_user("analyst", "a-hold"), make_user("senior_analyst", "s-assign")
    item = QueueItem.objects.get(case=case)
    assert call(client, "post", f"/queue/items/{item.pk}/assign", token_for(senior), {"username": "a-hold"}).status_code == 204
    item.refresh_from_db()
    assert item.assigned_to == analyst
    mine = token_for(analyst)
    assert call(client, "post", "/queue/claim", mine, {}).status_code == 200
    assert call(client, "post", f"/queue/items/{item.pk}/hold", mine, {"reason": "Chờ xác minh"}).status_code == 204
    item.refresh_from_db()
    assert item.state == "held" and item.hold_reason == "Chờ xác minh"
