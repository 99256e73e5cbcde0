import json

import pytest

from copvn.audit.models import AuditEvent
from copvn.intake.keys import issue, revoke
from copvn.intake.models import ApiKey, Report


@pytest.fixture
def partner(make_org):
    org = make_org("zalo", kind="platform")
    key, secret = issue(org, "Zalo trust & safety", "high")
    return org, key, secret


def call(client, method, path, secret=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    if body is None:
        return getattr(client, method)(f"/api/v1{path}", **headers)
    return getattr(client, method)(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def test_a_partner_submits_a_report_and_reads_its_status(client, partner):
    org, key, secret = partner
    response = call(client, "post", "/reports", secret, {"urls": ["https://zalo.me/g/abc"], "categories": ["groom"],
                                                        "child_in_danger": True, "external_ref": "ZL-1"})
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(reference=body["reference"])
    assert (report.channel, report.api_key, report.referring_org, report.case.urgent) == ("api", key, org, True)
    status = call(client, "get", f"/reports/{body['reference']}", secret)
    assert status.status_code == 200 and status.json()["status"] == "received"


def test_the_same_client_key_twice_creates_one_report(client, partner):
    _org, _key, secret = partner
    body = {"urls": ["https://zalo.me/g/abc"], "client_key": "ZL-77"}
    first, second = call(client, "post", "/reports", secret, body), call(client, "post", "/reports", secret, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["reference"] == second.json()["reference"] and Report.objects.count() == 1


def test_a_batch_takes_the_good_items_and_names_the_bad(client, partner):
    _org, _key, secret = partner
    body = {"reports": [{"urls": ["https://zalo.me/g/1"]}, {"urls": ["ftp://x"]}, {"description": "Chỉ mô tả"}]}
    response = call(client, "post", "/reports/batch", secret, body)
    results = response.json()["results"]
    assert response.status_code == 200 and [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["report"] and results[2]["report"] and "Giao thức “ftp” không được nhận" in results[1]["errors"]["urls"][0]
    assert Report.objects.count() == 2


def test_unknown_revoked_or_missing_keys_are_refused(client, partner):
    _org, key, secret = partner
    assert call(client, "post", "/reports", None, {"urls": ["https://a.vn"]}).status_code == 401
    assert call(client, "post", "/reports", "copvn_wrong", {"urls": ["https://a.vn"]}).status_code == 401
    revoke(key, "rò rỉ")
    assert call(client, "post", "/reports", secret, {"urls": ["https://a.vn"]}).status_code == 401
    assert Report.objects.count() == 0


def test_a_partner_sees_only_its_own_reports(client, partner, make_org):
    _org, _key, secret = partner
    other_secret = issue(make_org("meta", kind="platform"), "Meta", "normal")[1]
    reference = call(client, "post", "/reports", other_secret, {"urls": ["https://facebook.com/x"]}).json()["reference"]
    assert call(client, "get", f"/reports/{reference}", secret).status_code == 404


@pytest.mark.parametrize("body", [
    {"urls": "not-a-list"}, {"urls": ["https://a.vn"] * 21}, {"description": "x" * 20_001}, {"urls": [123]},
    {"categories": ["UNKNOWN"]}, {},
])
def test_malformed_bodies_get_422_and_nothing_is_saved(client, partner, body):
    _org, _key, secret = partner
    assert call(client, "post", "/reports", secret, body).status_code == 422
    assert Report.objects.count() == 0


def test_keys_are_stored_hashed_and_issued_and_revoked_with_audit(client, make_user, signed_in, make_org):
    org = make_org("tiktok", kind="platform")
    signed_in(make_user("admin"))
    page = client.post("/apikeys/", {"organisation": org.pk, "name": "TikTok", "trust": "normal"}).content.decode()
    key = ApiKey.objects.get()
    secret = page.split('id="api-key">')[1].split("<")[0]
    assert secret.startswith("copvn_") and secret not in key.digest and key.prefix == secret[:12]
    client.post(f"/apikeys/{key.pk}/revoke/", {"reason": "đối tác đề nghị"})
    key.refresh_from_db()
    assert not key.active
    assert [e.action for e in AuditEvent.objects.order_by("seq")][-2:] == ["apikey.issue", "apikey.revoke"]


def test_the_openapi_document_describes_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/reports", "/api/v1/reports/batch", "/api/v1/reports/{reference}"} <= set(spec["paths"])


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
def test_text_no_database_can_store_is_cleaned_not_a_server_error(client, partner, text):
    _org, _key, secret = partner
    response = call(client, "post", "/reports", secret, {"description": text, "client_key": text, "external_ref": text})
    assert response.status_code in (201, 422)  # a lone surrogate is refused by the JSON schema layer: fine
    if response.status_code == 201:
        assert "\x00" not in Report.objects.get().description


def test_a_key_is_limited_by_its_trust_level_and_told_when_to_retry(client, make_org, settings):
    settings.API_REPORTS_PER_MINUTE = {"low": 2, "normal": 4, "high": 8}
    org = make_org("isp", kind="platform")
    _key, low = issue(org, "thấp", "low")
    _key, high = issue(org, "cao", "high")
    answers = [call(client, "post", "/reports", low, {"description": f"Phản ánh {n}"}).status_code for n in range(4)]
    assert answers == [201, 201, 429, 429]
    refused = call(client, "post", "/reports", low, {"description": "thêm"})
    assert refused["Retry-After"] == "60" and "thử lại" in refused.json()["detail"]
    batch = call(client, "post", "/reports/batch", high, {"reports": [{"description": f"Lô {n}"} for n in range(10)]})
    results = batch.json()["results"]
    assert batch.status_code == 200 and batch["Retry-After"] == "60"
    assert [bool(r.get("report")) for r in results] == [True] * 8 + [False] * 2
    assert "rate" in results[9]["errors"]
    assert Report.objects.count() == 10
    assert call(client, "post", "/reports/batch", high, {"reports": [{"description": "nữa"}]}).status_code == 429
