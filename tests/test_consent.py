"""The press consent registry and the pre-publication check, through the newsroom API: parents' and
children's (aged 7+) consent, scope, withdrawal, the hash chain, and bad input."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from copvn.consent import check, services
from copvn.consent.models import ConsentRecord, Revision
from copvn.intake import keys

PUBLISHED = dt.date(2026, 12, 10)
ARTICLE = ("Em Nguyễn Thị Lan (6 tuổi), học lớp 1A Trường Tiểu học Vĩnh Hải, rất thích vẽ. Bạn cùng trường là "
           "em Trần Minh Khoa, 9 tuổi, học lớp 4B Trường Tiểu học Vĩnh Hải.")


@pytest.fixture
def newsroom(db, make_org, make_user):
    agency = make_org("bao-kh", kind="press", name="Báo Khánh Hòa", short_name="BKH")
    editor = make_user("press_editor", "bientap", organisation=agency)
    _key, secret = keys.issue(agency, "toa-soan", "normal")
    return agency, editor, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _consent(client, auth, name, born, signers, **extra):
    body = {"child_name": name, "date_of_birth": born, "school": "Trường Tiểu học Vĩnh Hải",
            "categories": ["identity", "school"], "media": ["online"], "valid_from": "2026-11-01",
            "signers": signers, **extra}
    return client.post("/api/v1/consents", json.dumps(body), content_type="application/json", **auth)


def _check(client, auth, text=ARTICLE, **extra):
    body = {"title": "Những họa sĩ nhí", "text": text, "publication_date": PUBLISHED.isoformat(), **extra}
    response = client.post("/api/v1/prepublication-checks", json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    return {v["name"]: v for v in response.json()["verdicts"]}


MOTHER = {"role": "parent", "full_name": "Phạm Thị Hoa", "relation": "mẹ", "signed_on": "2026-11-20"}


def test_a_six_year_old_is_covered_by_the_parent_alone_a_nine_year_old_needs_her_own_consent(client, newsroom):
    _agency, _editor, auth = newsroom
    assert _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER]).status_code == 201
    khoa = _consent(client, auth, "Trần Minh Khoa", "2017-05-09", [dict(MOTHER, full_name="Lê Văn Tâm", relation="bố")])
    assert khoa.status_code == 201
    verdicts = _check(client, auth)
    assert verdicts["Em Nguyễn Thị Lan"]["verdict"] == "covered"
    assert verdicts["em Trần Minh Khoa"]["verdict"] == "missing_child"
    assert verdicts["em Trần Minh Khoa"]["age_on_publication"] == 9
    own = {"role": "child", "full_name": "Trần Minh Khoa", "signed_on": "2026-11-21"}
    added = client.post(f"/api/v1/consents/{khoa.json()['id']}/signers", json.dumps(own),
                        content_type="application/json", **auth)
    assert added.status_code == 200 and added.json()["chain_intact"]
    assert _check(client, auth)["em Trần Minh Khoa"]["verdict"] == "covered"
    withdrawn = client.post(f"/api/v1/consents/{khoa.json()['id']}/withdraw",
                            json.dumps({"by": "child", "reason": "Em không muốn nữa"}),
                            content_type="application/json", **auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert _check(client, auth)["em Trần Minh Khoa"]["verdict"] == "withdrawn"


def test_names_match_without_diacritics_and_the_redaction_is_offered(client, newsroom):
    _agency, _editor, auth = newsroom
    _consent(client, auth, "Nguyen Thi Lan", "2020-03-02", [MOTHER])
    body = {"title": "x", "text": ARTICLE, "publication_date": PUBLISHED.isoformat()}
    result = client.post("/api/v1/prepublication-checks", json.dumps(body), content_type="application/json",
                         **auth).json()
    verdicts = {v["name"]: v["verdict"] for v in result["verdicts"]}
    assert verdicts == {"Em Nguyễn Thị Lan": "covered", "em Trần Minh Khoa": "no_record"}
    assert "T.M.K." in result["redacted"] and "Trần Minh Khoa" not in result["redacted"]


def test_out_of_scope_initials_and_the_period(client, newsroom):
    _agency, _editor, auth = newsroom
    _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER], categories=["identity"])
    assert _check(client, auth)["Em Nguyễn Thị Lan"]["reasons"] == ["category:school"]
    assert _check(client, auth, medium="tv")["Em Nguyễn Thị Lan"]["verdict"] == "out_of_scope"
    initials = _check(client, auth, text="Cháu N.T.L. (6 tuổi) học lớp 1A.")
    assert [v["verdict"] for v in initials.values()] == ["not_identifiable"]


def test_bad_consents_are_refused_with_a_clear_message_and_nothing_written(client, newsroom):
    _agency, _editor, auth = newsroom
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = _consent(client, auth, "Lê Bảo An", future, [MOTHER])
    assert response.status_code == 422 and "tương lai" in response.json()["detail"]
    alone = _consent(client, auth, "Lê Bảo An", "2021-01-01", [{"role": "child", "full_name": "Lê Bảo An",
                                                                  "signed_on": "2026-11-20"}])
    assert alone.status_code == 422 and "cha, mẹ" in alone.json()["detail"]
    assert not ConsentRecord.objects.exists() and not Revision.objects.exists()
    ok = _consent(client, auth, "Lê Bảo An", "2021-01-01", [MOTHER]).json()
    twice = [client.post(f"/api/v1/consents/{ok['id']}/withdraw", json.dumps({"by": "parent"}),
                         content_type="application/json", **auth) for _ in range(2)]
    assert [r.status_code for r in twice] == [200, 422]
    assert client.post("/api/v1/consents/999999/withdraw", json.dumps({"by": "parent"}),
                       content_type="application/json", **auth).status_code == 404


def test_an_agency_sees_only_its_own_records_and_only_a_press_key_may_check(client, newsroom, make_org):
    _agency, _editor, auth = newsroom
    mine = _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER]).json()
    _key, other = keys.issue(make_org("bao-khac", kind="press"), "k", "normal")
    other_auth = {"HTTP_AUTHORIZATION": f"Bearer {other}"}
    assert client.get(f"/api/v1/consents/{mine['id']}", **other_auth).status_code == 404
    assert _check(client, other_auth)["Em Nguyễn Thị Lan"]["verdict"] == "no_record"
    _key, platform = keys.issue(make_org("nen-tang", kind="platform"), "k", "normal")
    body = {"text": ARTICLE, "publication_date": "2026-12-10"}
    assert client.post("/api/v1/prepublication-checks", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {platform}").status_code == 403


def test_the_revisions_form_a_hash_chain_that_shows_tampering(client, newsroom):
    _agency, _editor, auth = newsroom
    made = _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER]).json()
    consent = ConsentRecord.objects.get(pk=made["id"])
    services.withdraw(consent, None, "parent", "Gia đình chuyển đi")
    assert consent.revisions.count() == 2 and services.chain_intact(consent)
    first = consent.revisions.get(number=1)
    Revision.objects.filter(pk=first.pk).update(content={**first.content, "categories": ["identity", "health"]})
    assert not services.chain_intact(consent)


def test_a_withdrawal_of_an_article_already_online_opens_a_priv_case(client, newsroom, settings):
    _agency, _editor, auth = newsroom
    made = _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER]).json()
    body = {"by": "parent", "reason": "Không đồng ý nữa", "published_url": "https://baokhanhhoa.vn/hoa-si-nhi.html"}
    assert client.post(f"/api/v1/consents/{made['id']}/withdraw", json.dumps(body), content_type="application/json",
                       **auth).status_code == 200
    from copvn.intake.models import Report

    report = Report.objects.get()
    assert list(report.categories.values_list("code", flat=True)) == ["PRIV"]


def test_an_age_without_a_date_of_birth_is_marked_uncertain(newsroom):
    agency, editor, _auth = newsroom
    services.register(agency, editor, services.ConsentInput(
        child_name="Trần Minh Khoa", valid_from=dt.date(2026, 11, 1), categories=["identity", "school"],
        media=["online"], age_years=9,
        signers=[services.SignerInput(role="parent", full_name="Lê Văn Tâm", signed_on=dt.date(2026, 11, 20))]))
    verdict = {v["name"]: v for v in check.run(agency, ARTICLE, publication_date=PUBLISHED)["verdicts"]}
    assert verdict["em Trần Minh Khoa"]["verdict"] == "missing_child"
    assert verdict["em Trần Minh Khoa"]["reasons"] == ["age_uncertain"]


def test_the_command_line_reads_text_and_docx_and_refuses_a_fake_docx(newsroom, tmp_path):
    from click.testing import CliRunner

    from copvn.cli import main
    from copvn.documents import Document, Paragraph, build_docx

    agency, _editor, _auth = newsroom
    article = tmp_path / "bai.docx"
    article.write_bytes(build_docx(Document(issuer="BÁO KHÁNH HÒA", place="Khánh Hòa", date=dt.date(2026, 12, 1),
                                            summary="Bài", kind="BÀI VIẾT", body=[Paragraph(ARTICLE)])))
    result = CliRunner().invoke(main, ["check-article", str(article), "--agency", agency.code, "--date", "2026-12-10"])
    assert result.exit_code == 0, result.output
    names = {v["name"]: v["verdict"] for v in json.loads(result.stdout)["verdicts"]}
    assert names == {"Em Nguyễn Thị Lan": "no_record", "em Trần Minh Khoa": "no_record"}
    fake = tmp_path / "gia.docx"
    fake.write_bytes(b"not a word file")
    refused = CliRunner().invoke(main, ["check-article", str(fake), "--agency", agency.code])
    assert refused.exit_code != 0 and "không phải văn bản Word" in refused.output
