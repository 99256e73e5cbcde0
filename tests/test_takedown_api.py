"""Notices and referrals through /api/v1: a provider answers with its partner key (or its liaison's staff token)
and sees only what is addressed to it; copvn's staff drive the workflow with personal staff tokens under the
capabilities of copvn/accounts/roles.py; liaisons of the receiving body see and answer only their referrals."""

import datetime as dt
import json
import re

import pyotp
import pytest
from django.utils import timezone

from copvn.accounts import tokens
from copvn.intake import keys
from copvn.referrals.models import Referral
from copvn.takedowns import services, verification
from copvn.takedowns.models import Notice, NoticeURL, ProviderContact
from copvn.takedowns.states import State

from . import takedown_world
from .takedown_world import Pages, decided_case

site, world = takedown_world.site, takedown_world.world  # fixtures

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def call(client, method, path, secret=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    if body is None and method == "get":
        return client.get(f"/api/v1{path}", **headers)
    data = "{}" if body is None else json.dumps(body)
    return getattr(client, method)(f"/api/v1{path}", data, content_type="application/json", **headers)


def token(user) -> str:
    """A personal staff token; roles that need no second factor enrol one first (tokens require it)."""
    if not user.has_second_factor:
        user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), timezone.now()
        user.save()
    return tokens.create(user, "script")[1]


def sent_notice(world, path="/post/1") -> Notice:
    decided_case(world, path)
    draft = Notice.objects.get(state=State.DRAFT, urls__url=world.url(path))
    services.approve(draft, world.legal)
    draft.refresh_from_db()
    assert draft.state == State.SENT
    return draft


def sent_to_other_provider(world, path="/elsewhere/1") -> Notice:
    """A notice sent to the other ISP: its networks hold the loopback addresses while it is drafted and sent."""
    mine = ProviderContact.objects.get(organisation=world.isp)
    theirs = ProviderContact.objects.get(organisation=world.other_isp)
    ProviderContact.objects.filter(pk=mine.pk).update(networks="192.0.2.0/24")
    ProviderContact.objects.filter(pk=theirs.pk).update(networks="127.0.0.0/8")
    decided_case(world, path)
    notice = Notice.objects.get(provider=world.other_isp, state=State.DRAFT)
    services.approve(notice, world.legal)
    ProviderContact.objects.filter(pk=mine.pk).update(networks=mine.networks)
    ProviderContact.objects.filter(pk=theirs.pk).update(networks=theirs.networks)
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.provider == world.other_isp
    return notice


@pytest.fixture
def partner(world):
    return keys.issue(world.isp, "k", "normal")[1]


# — the provider's side ————————————————————————————————————————————————————————————————————————————————————


def test_a_provider_lists_only_its_own_notices_and_never_drafts(client, world, partner):
    mine = sent_notice(world, "/post/1")
    theirs = sent_to_other_provider(world)
    decided_case(world, "/post/2")
    draft = Notice.objects.get(provider=world.isp, state=State.DRAFT)
    response = call(client, "get", "/notices", partner)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and [n["id"] for n in body["items"]] == [mine.pk]
    item = body["items"][0]
    assert item["reference"] == mine.reference and item["provider"] == world.isp.code and item["state"] == "sent"
    assert [u["url"] for u in item["urls"]] == [world.url("/post/1")]
    ids = {n["id"] for n in body["items"]}
    assert theirs.pk not in ids and draft.pk not in ids
    assert call(client, "get", f"/notices/{mine.pk}", partner).status_code == 200
    assert call(client, "get", f"/notices/{theirs.pk}", partner).status_code == 404
    assert call(client, "get", f"/notices/{draft.pk}", partner).status_code == 404


def test_a_provider_acknowledges_reports_removal_and_disputes_with_a_reason(client, world, partner):
    notice = sent_notice(world)
    response = call(client, "post", f"/notices/{notice.pk}/acknowledge", partner, {"note": "Đã nhận"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["provider_status"]) == ("acknowledged", "acknowledged")
    assert response.json()["acknowledged_at"]
    response = call(client, "post", f"/notices/{notice.pk}/removed", partner, {"note": "Đã gỡ bài viết"})
    assert response.status_code == 200 and response.json()["state"] == "removal_reported"
    assert response.json()["provider_status"] == "removed"
    assert call(client, "post", f"/notices/{notice.pk}/dispute", partner, {"reason": ""}).status_code == 422
    assert Notice.objects.get(pk=notice.pk).state == State.REMOVAL_REPORTED, "a refused dispute changes nothing"
    response = call(client, "post", f"/notices/{notice.pk}/dispute", partner, {"reason": "Nội dung hợp pháp"})
    assert response.status_code == 200 and response.json()["state"] == "disputed"
    notice.refresh_from_db()
    assert notice.provider_status == "disputed" and notice.provider_note == "Nội dung hợp pháp"


def test_answering_another_providers_notice_is_not_found_and_changes_nothing(client, world, partner):
    theirs = sent_to_other_provider(world)
    for kind, body in [("acknowledge", {}), ("removed", {}), ("dispute", {"reason": "Không phải của chúng tôi"})]:
        response = call(client, "post", f"/notices/{theirs.pk}/{kind}", partner, body)
        assert response.status_code == 404, (kind, response.content)
    theirs.refresh_from_db()
    assert theirs.state == State.SENT and not theirs.provider_status and theirs.acknowledged_at is None
    assert not theirs.events.filter(action__in=["notice.acknowledge", "notice.removed", "notice.dispute"]).exists()
    assert call(client, "post", "/notices/999999/acknowledge", partner, {}).status_code == 404


def test_a_closed_notice_takes_no_answer_and_says_why_in_vietnamese(client, world, partner):
    notice = sent_notice(world)
    assert call(client, "post", f"/notices/{notice.pk}/dispute", partner, {"reason": "Sai địa chỉ"}).status_code == 200
    services.settle_dispute(Notice.objects.get(pk=notice.pk), world.legal, True, "Chấp nhận phản đối")
    assert Notice.objects.get(pk=notice.pk).state == State.CLOSED
    response = call(client, "post", f"/notices/{notice.pk}/acknowledge", partner, {})
    assert response.status_code == 409, response.content
    detail = response.json()["detail"]
    assert VIETNAMESE.search(detail) and "Đã đóng" in detail
    assert Notice.objects.get(pk=notice.pk).state == State.CLOSED


def test_the_liaisons_staff_token_answers_but_an_analysts_token_is_refused(client, world, make_user):
    notice = sent_notice(world)
    inside = make_user("analyst", "phantich-isp", organisation=world.isp)  # refused by role, not by organisation
    for analyst in (token(world.analyst), token(inside)):
        assert call(client, "get", "/notices", analyst).status_code == 401
        assert call(client, "get", f"/notices/{notice.pk}", analyst).status_code == 401
        assert call(client, "post", f"/notices/{notice.pk}/acknowledge", analyst, {}).status_code == 401
    assert Notice.objects.get(pk=notice.pk).state == State.SENT
    liaison = token(world.liaison)
    assert call(client, "get", "/notices", liaison).json()["count"] == 1
    response = call(client, "post", f"/notices/{notice.pk}/acknowledge", liaison, {"note": "Đã nhận"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["provider_status"]) == ("acknowledged", "acknowledged")
    event = Notice.objects.get(pk=notice.pk).events.get(action="notice.acknowledge")
    assert event.actor == world.liaison and event.actor_organisation == world.isp
    assert call(client, "get", "/notices").status_code == 401, "no credentials"


# — copvn's staff ——————————————————————————————————————————————————————————————————————————————————————————


def test_an_analyst_lists_notices_but_may_not_approve(client, world):
    decided_case(world)
    draft = Notice.objects.get()
    analyst = token(world.analyst)
    response = call(client, "get", "/takedowns/notices", analyst)
    assert response.status_code == 200 and [n["reference"] for n in response.json()["items"]] == [draft.reference]
    assert call(client, "get", f"/takedowns/notices/{draft.reference}", analyst).status_code == 200
    assert call(client, "post", f"/takedowns/notices/{draft.reference}/approve", analyst).status_code == 403
    assert Notice.objects.get().state == State.DRAFT


def test_a_legal_officer_approves_anothers_draft_never_their_own_and_cannot_send_twice(client, world):
    decided_case(world, "/post/1")
    draft = Notice.objects.get()
    assert draft.drafted_by == world.analyst
    legal = token(world.legal)
    response = call(client, "post", f"/takedowns/notices/{draft.reference}/approve", legal)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "sent" and body["sent_at"] and body["due_at"]
    sent = dt.datetime.fromisoformat(body["sent_at"])
    assert dt.datetime.fromisoformat(body["due_at"]) - sent == dt.timedelta(hours=body["legal_basis"]["hours"])
    again = call(client, "post", f"/takedowns/notices/{draft.reference}/send", legal)
    assert again.status_code == 409 and VIETNAMESE.search(again.json()["detail"])
    assert call(client, "post", f"/takedowns/notices/{draft.reference}/approve", legal).status_code == 409
    assert Notice.objects.get(pk=draft.pk).dispatches.count() == 1, "sent once"

    decided_case(world, "/post/2")
    own = Notice.objects.get(state=State.DRAFT)
    Notice.objects.filter(pk=own.pk).update(drafted_by=world.legal)
    response = call(client, "post", f"/takedowns/notices/{own.reference}/approve", legal)
    assert response.status_code == 409 and "bốn mắt" in response.json()["detail"]
    assert Notice.objects.get(pk=own.pk).state == State.DRAFT
    assert call(client, "post", "/takedowns/notices/YC-0000-99999/approve", legal).status_code == 404


def test_overdue_lists_only_notices_past_their_deadline(client, world):
    late = sent_notice(world, "/post/1")
    on_time = sent_notice(world, "/post/2")
    analyst = token(world.analyst)
    assert call(client, "get", "/takedowns/notices?overdue=true", analyst).json()["count"] == 0
    Notice.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    response = call(client, "get", "/takedowns/notices?overdue=true", analyst)
    assert response.status_code == 200
    assert [n["reference"] for n in response.json()["items"]] == [late.reference]
    everything = call(client, "get", "/takedowns/notices", analyst).json()
    assert {n["reference"] for n in everything["items"]} == {late.reference, on_time.reference}


def test_upholding_a_dispute_closes_the_notice(client, world, partner):
    notice = sent_notice(world)
    legal = token(world.legal)
    path = f"/takedowns/notices/{notice.reference}/settle-dispute"
    early = call(client, "post", path, legal, {"upheld": True, "note": "Chấp nhận"})
    assert early.status_code == 409, "nothing to settle before a dispute"
    assert call(client, "post", f"/notices/{notice.pk}/dispute", partner, {"reason": "Sai địa chỉ"}).status_code == 200
    assert call(client, "post", path, token(world.analyst), {"upheld": True, "note": "x"}).status_code == 403
    response = call(client, "post", path, legal, {"upheld": True, "note": "Phản đối có cơ sở"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    notice.refresh_from_db()
    assert notice.state == State.CLOSED and notice.closed_at is not None


def test_the_figures_give_the_measured_hours_to_verified_removal(client, world, settings):
    decided_case(world, "/post/9")
    reference = Notice.objects.get().reference
    legal = token(world.legal)
    assert call(client, "post", f"/takedowns/notices/{reference}/approve", legal).status_code == 200
    # Sent some hours ago, so the hours to removal are not close to zero.
    earlier = dt.timedelta(hours=5, minutes=17)
    notice = Notice.objects.get(reference=reference)
    Notice.objects.filter(pk=notice.pk).update(sent_at=notice.sent_at - earlier, due_at=notice.due_at - earlier)
    Pages.down.add("/post/9")
    settings.NOTICE_HOST_INTERVAL_SECONDS = 0
    for _ in range(3):
        NoticeURL.objects.filter(notice=notice).update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
        assert verification.run_due()["checked"] == 1
    notice.refresh_from_db()
    assert notice.state == State.VERIFIED_REMOVED and notice.removed_at is not None
    measured = (notice.removed_at - notice.sent_at).total_seconds() / 3600
    assert measured > 5
    response = call(client, "get", "/takedowns/figures?by=provider", legal)
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["group"] for r in rows] == [world.isp.name]
    row = rows[0]
    assert (row["sent"], row["removed"], row["disputed"], row["overdue"]) == (1, 1, 0, 0)
    assert row["median_hours"] == pytest.approx(measured, abs=0.01)
    assert row["p90_hours"] == pytest.approx(measured, abs=0.01)
    assert call(client, "get", "/takedowns/figures?by=provider", token(world.analyst)).status_code == 403


def test_partner_keys_are_refused_on_staff_endpoints(client, world, partner):
    decided_case(world)
    reference = Notice.objects.get().reference
    for method, path, body in [
        ("get", "/takedowns/notices", None), ("get", f"/takedowns/notices/{reference}", None),
        ("post", f"/takedowns/notices/{reference}/approve", None), ("post", f"/takedowns/notices/{reference}/send", None),
        ("post", f"/takedowns/notices/{reference}/settle-dispute", {"upheld": True, "note": "x"}),
        ("post", f"/takedowns/notices/{reference}/close", {"note": "x"}), ("get", "/takedowns/figures", None),
        ("get", "/referrals", None), ("get", "/referrals/inbox", None),
    ]:
        assert call(client, method, path, partner, body).status_code == 401, path
    assert Notice.objects.get().state == State.DRAFT


# — referrals ——————————————————————————————————————————————————————————————————————————————————————————————


@pytest.fixture
def police(world, make_org, make_user):
    unit = make_org("ca-kh-a05", kind="police", name="Phòng An ninh mạng Công an tỉnh Khánh Hòa")
    other = make_org("ca-other", kind="police", name="Công an tỉnh khác")
    return unit, make_user("police_liaison", "canbo-ca", organisation=unit), \
        make_user("police_liaison", "canbo-khac", organisation=other)


def test_a_senior_analyst_outside_any_organisation_refers_a_case(client, world, police):
    unit, liaison, _stranger = police
    assert world.senior.organisation is None
    client.raise_request_exception = False  # a server error is an answer here, not a crash of the test
    case = decided_case(world)
    response = call(client, "post", "/referrals", token(world.senior),
                    {"case": case.reference, "organisation": unit.code, "destination": "police"})
    assert response.status_code == 201, response.content
    assert re.fullmatch(r"[0-9a-f]{64}", response.json()["package_sha256"])
    assert [r["reference"] for r in call(client, "get", "/referrals/inbox", token(liaison)).json()] == \
        [response.json()["reference"]]


def test_a_referral_reaches_only_the_receiving_bodys_liaison_who_answers_it(client, world, police):
    unit, liaison, stranger = police
    world.senior.organisation = world.issuer  # the package is issued in the name of the referrer's department
    world.senior.save()
    case = decided_case(world)
    senior = token(world.senior)
    response = call(client, "post", "/referrals", senior, {"case": case.reference, "organisation": unit.code,
                                                           "destination": "police", "note": "Đề nghị xác minh"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert re.fullmatch(r"[0-9a-f]{64}", created["package_sha256"])
    assert (created["case"], created["organisation"], created["state"]) == (case.reference, unit.code, "sent")
    reference = created["reference"]
    assert Referral.objects.get(reference=reference).package_sha256 == created["package_sha256"]

    mine, theirs = token(liaison), token(stranger)
    inbox = call(client, "get", "/referrals/inbox", mine)
    assert inbox.status_code == 200 and [r["reference"] for r in inbox.json()] == [reference]
    assert call(client, "get", "/referrals/inbox", theirs).json() == []
    assert call(client, "post", f"/referrals/inbox/{reference}/acknowledge", theirs).status_code == 404
    outcome = {"outcome": "investigating", "note": "Đang xác minh"}
    assert call(client, "post", f"/referrals/inbox/{reference}/outcome", theirs, outcome).status_code == 404
    assert Referral.objects.get(reference=reference).state == "sent", "a stranger changes nothing"

    response = call(client, "post", f"/referrals/inbox/{reference}/acknowledge", mine)
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert response.json()["acknowledged_at"]
    unknown = call(client, "post", f"/referrals/inbox/{reference}/outcome", mine, {"outcome": "solved", "note": "x"})
    assert unknown.status_code == 409 and VIETNAMESE.search(unknown.json()["detail"])
    assert Referral.objects.get(reference=reference).state == "acknowledged"
    response = call(client, "post", f"/referrals/inbox/{reference}/outcome", mine,
                    {"outcome": "investigating", "note": "Đã lập hồ sơ xác minh"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["outcome"]) == ("closed", "investigating")
    assert response.json()["outcome_note"] == "Đã lập hồ sơ xác minh"
    assert call(client, "get", "/referrals/inbox", theirs).json() == []


def test_referring_needs_the_capability_and_a_known_case_and_body(client, world, police):
    unit, liaison, _stranger = police
    case = decided_case(world)
    body = {"case": case.reference, "organisation": unit.code, "destination": "police"}
    assert call(client, "post", "/referrals", token(world.analyst), body).status_code == 403
    assert call(client, "post", "/referrals", token(liaison), body).status_code == 403
    senior = token(world.senior)
    assert call(client, "post", "/referrals", senior, {**body, "organisation": "nowhere"}).status_code == 404
    assert call(client, "post", "/referrals", senior, {**body, "destination": "mars"}).status_code == 409
    assert not Referral.objects.exists()


# — the OpenAPI document ———————————————————————————————————————————————————————————————————————————————————

PROVIDER_OPERATIONS = {("/api/v1/notices", "get"), ("/api/v1/notices/{notice_id}", "get"),
                       ("/api/v1/notices/{notice_id}/acknowledge", "post"),
                       ("/api/v1/notices/{notice_id}/removed", "post"),
                       ("/api/v1/notices/{notice_id}/dispute", "post")}
STAFF_OPERATIONS = {
    ("/api/v1/takedowns/notices", "get"): "notices.view",
    ("/api/v1/takedowns/notices/{reference}", "get"): "notices.view",
    ("/api/v1/takedowns/notices/{reference}/approve", "post"): "notices.approve",
    ("/api/v1/takedowns/notices/{reference}/send", "post"): "notices.manage",
    ("/api/v1/takedowns/notices/{reference}/settle-dispute", "post"): "notices.manage",
    ("/api/v1/takedowns/notices/{reference}/close", "post"): "notices.manage",
    ("/api/v1/takedowns/urls/{url_id}/confirm-addressee", "post"): "notices.manage",
    ("/api/v1/takedowns/figures", "get"): "notices.figures",
    ("/api/v1/referrals", "get"): "referrals.view",
    ("/api/v1/referrals", "post"): "referrals.create",
    ("/api/v1/referrals/inbox", "get"): "referrals.respond",
    ("/api/v1/referrals/inbox/{reference}/acknowledge", "post"): "referrals.respond",
    ("/api/v1/referrals/inbox/{reference}/outcome", "post"): "referrals.respond",
}


def test_the_openapi_document_lists_the_notice_and_referral_operations(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    operations = {(path, method): op for path, ops in spec["paths"].items() for method, op in ops.items()}
    assert PROVIDER_OPERATIONS | set(STAFF_OPERATIONS) <= set(operations)
    for key in PROVIDER_OPERATIONS:
        assert operations[key]["security"] == [{"ProviderAuth": []}], key
        assert "x-capability" not in operations[key], key
        assert operations[key]["summary"], key
    for key, capability in STAFF_OPERATIONS.items():
        assert operations[key]["security"] == [{"StaffTokenAuth": []}], key
        assert operations[key].get("x-capability") == capability, key
        assert operations[key]["summary"], key
    assert "ProviderAuth" in spec["components"]["securitySchemes"]


def test_a_since_with_any_offset_is_read_as_utc_and_out_of_range_is_refused(world, client):
    from copvn.intake import keys

    _key, secret = keys.issue(world.isp, "k-since", "normal")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/notices", {"since": "8156-12-25T19:22:59+22:03"}, **auth).status_code == 200
    assert client.get("/api/v1/notices", {"since": "9999-12-31T23:59:59-23:00"}, **auth).status_code == 422
