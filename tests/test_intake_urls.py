"""One URL rule for every way a report arrives, links kept as given, shown decoded."""

import json

import pytest

from copvn.cases.models import Case
from copvn.intake.importer import import_reports
from copvn.intake.keys import issue
from copvn.intake.models import Report
from copvn.intake.services import ReportInput, submit

REFUSED = ["not a url", "http://127.0.0.1/", "http://10.1.2.3/x", "http://[fe80::1]/", "0x7f.1", "javascript:alert(1)"]


@pytest.mark.parametrize("text", REFUSED)
def test_the_form_the_api_and_the_import_refuse_the_same_text(client, make_org, text):
    form = client.post("/report/", {"urls": text, "harm_words": "other"})
    assert form.status_code == 400
    key, secret = issue(make_org("zalo", kind="platform"), "Zalo", "normal")
    api = client.post("/api/v1/reports", json.dumps({"urls": [text]}), content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 422, api.content
    result = import_reports(f"urls,description\n{text},Mô tả\n".encode(), "a.csv")
    assert result.created == [] and len(result.errors) == 1 and result.errors[0][0] == 2
    assert Report.objects.count() == 0 and Case.objects.count() == 0


def test_an_import_row_with_spaces_is_one_invalid_url_not_three(db):
    result = import_reports(b"urls,description\nnot a url,x\n", "a.csv")
    assert [line for line, _reason in result.errors] == [2]
    assert "dấu cách" in result.errors[0][1]
    several = import_reports(b"urls\nhttps://a.example.vn/1|https://b.example.vn/2\n", "b.csv")
    assert len(several.created) == 1 and Report.objects.get().urls.count() == 2


def test_a_reported_http_link_is_stored_shown_and_fetched_as_given(client, make_user, signed_in, db):
    report, _ = submit(ReportInput(channel="web", urls=["http://tin-do.example.vn/bai-viet?id=7"]))
    case_url = report.case.urls.get()
    assert case_url.first_url == "http://tin-do.example.vn/bai-viet?id=7"
    assert report.urls.get().raw == "http://tin-do.example.vn/bai-viet?id=7"
    again, _ = submit(ReportInput(channel="web", urls=["https://tin-do.example.vn/bai-viet?id=7"]))
    assert again.case == report.case, "the canonical form compares both schemes"
    signed_in(make_user("analyst"))
    page = client.get(f"/cases/{report.case.reference}/").content.decode()
    assert "http://tin-do.example.vn/bai-viet?id=7" in page
    from copvn.cases.capture import _fetchable

    assert _fetchable(case_url.first_url).startswith("http://")


def test_urls_are_shown_decoded(client, make_user, signed_in, db):
    report, _ = submit(ReportInput(channel="web", urls=["https://www.tiktok.com/@k%E1%BA%BB_l%E1%BA%A1_123"]))
    signed_in(make_user("analyst"))
    for page in (f"/cases/{report.case.reference}/", "/cases/"):
        html = client.get(page).content.decode()
        assert "@kẻ_lạ_123" in html and "%E1%BA" not in html


def test_display_keeps_reserved_and_invisible_characters_escaped():
    from copvn.detect.urls import display

    assert display("https://a.vn/x%2Fy?q=%26%20z") == "https://a.vn/x%2Fy?q=%26%20z"
    assert display("https://a.vn/%E2%80%AEgnp.exe") == "https://a.vn/%E2%80%AEgnp.exe"
    assert display("https://a.vn/%FF%FE") == "https://a.vn/%FF%FE"
    assert display("https://xn--tr-em-zqa.vn/b%C3%A0i") .endswith("/bài")
