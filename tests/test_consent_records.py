"""The consent registry's papers and follow-up: printable forms (DOCX, PDF from it), scanned signed forms kept
in quarantine and opened only with an audit entry, the removal task a withdrawal gives the agency, kept
checks and the downloadable redaction — through the pages and the newsroom API."""

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile

import pyotp
import pytest
from django.utils import timezone
from PIL import Image

from copvn.accounts import tokens
from copvn.audit.models import AuditEvent
from copvn.consent import services
from copvn.consent.models import ConsentRecord
from copvn.coordination.models import Task
from copvn.core.blobs import QUARANTINE
from copvn.intake import keys

from .test_consent import ARTICLE, MOTHER, PUBLISHED, _consent


@pytest.fixture
def newsroom(db, make_org, make_user, client, signed_in):
    agency = make_org("bao-kh", kind="press", name="Báo Khánh Hòa", short_name="BKH",
                      parent=make_org("ubnd-kh", kind="peoples_committee", name="Ủy ban nhân dân tỉnh Khánh Hòa"))
    editor = make_user("press_editor", "bientap", organisation=agency)
    _key, secret = keys.issue(agency, "toa-soan", "normal")
    signed_in(editor)
    return agency, editor, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _png(colour="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, "PNG")
    return out.getvalue()


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def _lan(client, auth) -> int:
    response = _consent(client, auth, "Nguyễn Thị Lan", "2020-03-02", [MOTHER])
    assert response.status_code == 201
    return response.json()["id"]


def test_the_blank_and_the_filled_form_carry_the_scope_and_the_page_for_the_child(client, newsroom):
    _agency, _editor, auth = newsroom
    blank = client.get("/consent/form.docx")
    assert blank.status_code == 200 and blank["Content-Disposition"].endswith('.docx"')
    text = _docx_text(blank.content)
    assert "GIẤY ĐỒNG Ý" in text and "Giải thích cho em" in text.replace("GIẢI THÍCH CHO EM", "Giải thích cho em")
    assert "Em có quyền nói “không”" in text and "BÁO KHÁNH HÒA" in text and "Khánh Hòa, ngày" in text
    pk = _lan(client, auth)
    filled = _docx_text(client.get(f"/consent/{pk}/form.docx").content)
    consent = ConsentRecord.objects.get(pk=pk)
    assert "Nguyễn Thị Lan" in filled and "02/03/2020" in filled and "Phạm Thị Hoa" in filled
    assert consent.revisions.last().digest in filled
    ticks = re.findall(r"<w:t>([^<]*)</w:t>", filled)
    assert ticks[ticks.index("Họ tên, tuổi, đặc điểm nhận dạng") + 1] == "☒"
    assert ticks[ticks.index("Sức khỏe, bệnh án") + 1] == "☐"
    assert AuditEvent.objects.filter(action="consent.form", object_id=str(pk)).exists()
    api = client.get(f"/api/v1/consents/{pk}/form?format=docx", **auth)
    assert api.status_code == 200 and "Nguyễn Thị Lan" in _docx_text(api.content)
    assert client.get("/api/v1/consent-form?format=odt", **auth).status_code == 422


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler are installed by scripts/test")
def test_the_pdf_form_is_made_from_the_docx_with_its_fonts_embedded(client, newsroom, tmp_path):
    _agency, _editor, auth = newsroom
    pdf = client.get(f"/consent/{_lan(client, auth)}/form.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Nguyễn Thị Lan" in text and "Em có quyền nói" in text and "Người chăm sóc" not in text.split("GIẤY")[0]
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())  # every font embedded


def test_a_scanned_form_is_quarantined_hashed_chained_and_opened_only_with_an_audit_entry(client, newsroom):
    _agency, _editor, auth = newsroom
    pk = _lan(client, auth)
    scan = _png()
    upload = io.BytesIO(scan)
    upload.name = "giay-dong-y.png"
    response = client.post(f"/consent/{pk}/evidence/", {"file": upload})
    assert response.status_code == 302
    consent = ConsentRecord.objects.get(pk=pk)
    evidence = consent.evidence.get()
    assert QUARANTINE.exists(evidence.sha256) and evidence.content_type == "image/png"
    assert consent.revisions.last().content["evidence"] == [evidence.sha256] and services.chain_intact(consent)
    page = client.get(f"/consent/{pk}/").content.decode()
    assert evidence.sha256 in page and "<img" not in page  # listed by hash, never shown inline
    opened = client.get(f"/consent/{pk}/evidence/{evidence.pk}/")
    assert opened.status_code == 200 and opened.content == scan
    assert opened["Content-Disposition"].startswith("attachment") and "sandbox" in opened["Content-Security-Policy"]
    entry = AuditEvent.objects.filter(action="consent.evidence_open").get()
    assert entry.data["sha256"] == evidence.sha256 and entry.actor.username == "bientap"
    again = io.BytesIO(scan)
    again.name = "lan-2.png"
    client.post(f"/consent/{pk}/evidence/", {"file": again})
    assert consent.evidence.count() == 1  # the same scan twice is one piece of evidence


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused_and_nothing_is_kept(client, newsroom):
    _agency, _editor, auth = newsroom
    pk = _lan(client, auth)
    fake = io.BytesIO(b"MZ\x90\x00 not a scan at all")
    fake.name = "scan.pdf"
    response = client.post(f"/consent/{pk}/evidence/", {"file": fake}, follow=True)
    assert "PDF, JPEG hoặc PNG" in response.content.decode()
    consent = ConsentRecord.objects.get(pk=pk)
    assert not consent.evidence.exists() and consent.revisions.count() == 1
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    api = client.post(f"/api/v1/consents/{pk}/evidence", {"file": _named(pdf, "scan.pdf")}, **auth)
    assert api.status_code == 201 and api.json()["content_type"] == "application/pdf"
    got = client.get(f"/api/v1/consents/{pk}/evidence/{api.json()['id']}", **auth)
    assert got.status_code == 200 and got.content == pdf
    empty = client.post(f"/api/v1/consents/{pk}/evidence", {"file": _named(b"", "x.png")}, **auth)
    assert empty.status_code in (400, 422)


def _named(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_a_withdrawal_gives_the_agency_a_removal_task_it_can_close(client, newsroom, make_org, make_user,
                                                                    signed_in, settings):
    agency, editor, auth = newsroom
    pk = _lan(client, auth)
    body = {"by": "parent", "reason": "Gia đình không muốn", "published_url": "https://baokhanhhoa.vn/bai-1.html"}
    assert client.post(f"/api/v1/consents/{pk}/withdraw", json.dumps(body), content_type="application/json",
                       **auth).status_code == 200
    task = Task.objects.get()
    assert task.organisation == agency and task.origin == "consent_withdrawn" and task.subject == f"consent:{pk}"
    assert task.due == dt.date.today() + dt.timedelta(days=1) and "https://baokhanhhoa.vn/bai-1.html" in task.details
    assert "PA-" in task.details  # the PRIV report that follows the article
    listing = client.get("/tasks/").content.decode()
    assert "Gỡ thông tin của trẻ Nguyễn Thị Lan" in listing
    assert f'href="/consent/{pk}/"' in client.get(f"/tasks/{task.pk}/").content.decode()
    assert client.post(f"/tasks/{task.pk}/update/", {"state": "done", "comment": ""}).status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.closed_at is not None
    assert list(task.updates.values_list("state", flat=True)) == ["open", "done"]
    other = make_user("press_editor", "khac", organisation=make_org("bao-khac", kind="press"))
    signed_in(other)
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert "Nguyễn Thị Lan" not in client.get("/tasks/").content.decode()


def test_tasks_through_the_api_follow_the_same_rules(client, newsroom, make_user, make_org):
    agency, editor, auth = newsroom
    pk = _lan(client, auth)
    services.withdraw(ConsentRecord.objects.get(pk=pk), editor, "child", "")
    task = Task.objects.get()
    secret = tokens.create(editor, "script")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = client.get("/api/v1/tasks", **headers)
    assert listed.status_code == 200 and [t["id"] for t in listed.json()] == [task.pk]
    moved = client.post(f"/api/v1/tasks/{task.pk}/updates", json.dumps({"state": "in_progress", "comment": "Đang gỡ"}),
                        content_type="application/json", **headers)
    assert moved.status_code == 200 and moved.json()["state"] == "in_progress"
    cancelled = client.post(f"/api/v1/tasks/{task.pk}/updates", json.dumps({"state": "cancelled"}),
                            content_type="application/json", **headers)
    assert cancelled.status_code == 200
    reopened = client.post(f"/api/v1/tasks/{task.pk}/updates", json.dumps({"state": "open"}),
                           content_type="application/json", **headers)
    assert reopened.status_code == 409 and "Đã hủy" in reopened.json()["detail"]
    outsider = make_user("agency_focal_point", "dau-moi", organisation=make_org("so-gd"))
    outsider.totp_secret, outsider.totp_confirmed_at = pyotp.random_base32(), timezone.now()
    outsider.save()
    outsider_headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens.create(outsider, 's')[1]}"}
    assert client.get(f"/api/v1/tasks/{task.pk}", **outsider_headers).status_code == 404
    assert client.get("/api/v1/tasks", **outsider_headers).json() == []
    assert client.get("/api/v1/tasks", **auth).status_code == 401  # a partner key is not a staff token


def test_kept_checks_are_listed_and_the_redaction_downloads(client, newsroom, make_org, make_user, signed_in):
    agency, editor, auth = newsroom
    text = ARTICLE + " Em Lan sinh năm 2020, nhà số 12 đường Trần Phú."
    response = client.post("/consent/check/", {"title": "Họa sĩ nhí", "text": text, "medium": "online",
                                               "publication_date": PUBLISHED.isoformat(), "keep": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kết quả đã được lưu làm hồ sơ" in page
    listing = client.get("/consent/checks/").content.decode()
    assert "Họa sĩ nhí" in listing and "Chưa có hồ sơ đồng ý: 2" in listing
    kept_id = json.loads(client.get("/api/v1/prepublication-checks", **auth).content)[0]["check"]
    redacted = client.get(f"/consent/checks/{kept_id}/redacted.txt")
    assert redacted.status_code == 200 and redacted["Content-Disposition"].startswith("attachment")
    body = redacted.content.decode()
    assert "Nguyễn Thị Lan" not in body and "N.T.L." in body and "sinh năm 2020" not in body
    client.post("/consent/check/", {"title": "Không lưu", "text": ARTICLE, "medium": "online",
                                    "publication_date": PUBLISHED.isoformat()})
    assert "Không lưu" not in client.get("/consent/checks/").content.decode()
    signed_in(make_user("press_editor", "khac", organisation=make_org("bao-khac", kind="press")))
    assert client.get(f"/consent/checks/{kept_id}/").status_code == 404
    assert client.get(f"/consent/checks/{kept_id}/redacted.txt").status_code == 404


def test_a_draft_url_is_fetched_by_the_locked_down_fetcher(client, newsroom, settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    _agency, _editor, auth = newsroom
    page = f"<html><body><script>alert(1)</script><article><p>{ARTICLE}</p></article></body></html>".encode()

    class Draft(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200 if self.path == "/nhap/1" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Draft)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/nhap/1"
    try:
        body = {"title": "Nháp", "url": url, "publication_date": PUBLISHED.isoformat()}
        refused = client.post("/api/v1/prepublication-checks", json.dumps(body), content_type="application/json", **auth)
        assert refused.status_code == 422 and "not a public address" in refused.json()["detail"]
        settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]  # a test server, allowed deliberately
        fetched = client.post("/api/v1/prepublication-checks", json.dumps(body), content_type="application/json",
                              **auth)
        assert fetched.status_code == 200
        assert {v["name"] for v in fetched.json()["verdicts"]} == {"Em Nguyễn Thị Lan", "em Trần Minh Khoa"}
        page_answer = client.post("/consent/check/", {"title": "Nháp", "url": url, "medium": "online",
                                                      "publication_date": PUBLISHED.isoformat()}).content.decode()
        assert "Em Nguyễn Thị Lan" in page_answer and "alert(1)" not in page_answer
        missing = client.post("/consent/check/", {"url": url[:-1] + "2", "medium": "online",
                                                  "publication_date": PUBLISHED.isoformat()}).content.decode()
        assert "máy chủ trả lời mã 404" in missing
    finally:
        server.shutdown()
        server.server_close()


def test_the_check_page_says_every_problem_in_words(client, newsroom):
    _agency, _editor, auth = newsroom
    _consent(client, auth, "Trần Minh Khoa", "2017-05-09", [MOTHER], categories=["identity"])
    page = client.post("/consent/check/", {"title": "Họa sĩ nhí", "text": ARTICLE, "medium": "tv",
                                           "publication_date": PUBLISHED.isoformat()}).content.decode()
    assert "Thiếu đồng ý của chính trẻ" in page  # the child's own consent, and at once what else is wrong:
    assert "Chưa được đồng ý công bố: trường, lớp, kết quả học tập, quan hệ bạn bè" in page
    assert "Loại hình chưa được đồng ý: truyền hình" in page
    assert "category:" not in page and "medium:" not in page
    assert "[đã lược bỏ] [đã lược bỏ]" not in page


def test_the_language_menu_names_each_language_in_itself(client, newsroom):
    page = client.get("/consent/").content.decode()
    assert 'lang="en">English</option>' in page and 'lang="vi" selected>Tiếng Việt</option>' in page, page[:0]
