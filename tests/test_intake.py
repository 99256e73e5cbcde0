import datetime as dt
import io
import json
import struct
import zlib

import pytest
from click.testing import CliRunner
from django.utils import timezone

from copvn.audit.models import AuditEvent
from copvn.cases.models import Case
from copvn.cli import main
from copvn.core.blobs import QUARANTINE
from copvn.intake.importer import import_reports
from copvn.intake.models import Report
from copvn.intake.services import ReportInput, ReportInvalid, submit

from .conftest import png_bytes


def post_report(client, **fields):
    data = {"urls": "", "description": "", "harm_words": "other", "platform_hint": "", **fields}
    return client.post("/report/", data)


def test_a_public_report_is_persisted_and_answered_with_a_reference(client, db):
    response = post_report(client, urls="https://www.tiktok.com/@x/video/1?is_from_webapp=1",
                           description="Video quay cảnh đánh hội đồng một em học sinh", harm_words="bullying")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.reference in response.content.decode()
    assert report.channel == "web" and report.anonymous
    assert list(report.categories.values_list("code", flat=True)) == ["BULLY"]
    assert report.case.urls.get().canonical == "https://tiktok.com/@x/video/1"
    assert report.case.platform == "tiktok"
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()


def test_the_status_page_shows_only_the_reports_own_status(client, db):
    post_report(client, description="Tài khoản giả mạo học sinh")
    reference = Report.objects.get().reference
    page = client.get("/report/status/", {"reference": reference.lower().replace("-", " ")}).content.decode()
    assert "Đã tiếp nhận" in page and reference in page
    assert "Tài khoản giả mạo" not in page
    assert "Không tìm thấy" in client.get("/report/status/", {"reference": "PA-22222-22222"}).content.decode()


def test_a_double_click_creates_one_report(client, db):
    fields = {"urls": "https://example.vn/bai-1", "description": "Nội dung xấu"}
    first, second = post_report(client, **fields), post_report(client, **fields)
    assert (first.status_code, second.status_code) == (201, 200)
    assert Report.objects.count() == 1


def test_the_honeypot_and_the_rate_limit_stop_bots(client, db, settings):
    assert post_report(client, description="spam", website="http://spam.example").status_code == 400
    settings.PUBLIC_REPORTS_PER_HOUR = 2
    for n in range(2):
        assert post_report(client, description=f"Phản ánh {n}").status_code == 201
    assert post_report(client, description="Phản ánh 3").status_code == 429
    assert Report.objects.count() == 2


@pytest.mark.parametrize("urls, message", [
    ("javascript:alert(1)", "Giao thức “javascript” không được nhận"), ("file:///etc/passwd", "Giao thức “file”"),
    ("", "Cần ít nhất một đường dẫn"), ("not a url", "Đường dẫn có dấu cách"),
    ("http://127.0.0.1/admin", "127.0.0.1 là địa chỉ nội bộ"), ("http://[::1]:8000/", "::1 là địa chỉ nội bộ"),
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254 là địa chỉ nội bộ"),
    ("http://2130706433/", "2130706433 là địa chỉ nội bộ"), ("localhost:8000", "localhost là địa chỉ nội bộ"),
    ("http://192.168.1.1/", "192.168.1.1 là địa chỉ nội bộ"), ("intranet/x", "“intranet” không phải là tên miền"),
])
def test_bad_links_are_refused_with_a_reason_and_nothing_is_saved(client, db, urls, message):
    response = post_report(client, urls=urls)
    assert response.status_code == 400 and message in response.content.decode()
    assert Report.objects.count() == 0 and Case.objects.count() == 0


def test_a_giant_description_is_refused(client, db):
    assert post_report(client, description="x" * 20_001).status_code == 400
    assert Report.objects.count() == 0


def test_reports_about_the_same_content_join_one_open_case(db):
    first, _ = submit(ReportInput(channel="web", urls=["https://m.facebook.com/groups/9/posts/8?fbclid=1"]))
    second, _ = submit(ReportInput(channel="phone", urls=["facebook.com/groups/9/posts/8/"], reporter_name="Chị Mai"))
    other, _ = submit(ReportInput(channel="web", urls=["https://facebook.com/groups/9/posts/7"]))
    assert first.case == second.case != other.case
    assert first.case.urls.count() == 1 and first.case.reports.count() == 2
    first.case.move_to("closed")
    third, _ = submit(ReportInput(channel="web", urls=["https://facebook.com/groups/9/posts/8"]))
    assert third.case != first.case


def test_an_image_seen_before_joins_its_case(db):
    image = png_bytes(colour=(5, 6, 7))
    first, _ = submit(ReportInput(channel="web", description="ảnh 1", uploads=[(image, "a.png")]))
    second, _ = submit(ReportInput(channel="web", description="ảnh 2", uploads=[(image, "b.png")]))
    assert first.case == second.case
    upload = second.uploads.get()
    assert QUARANTINE.path(upload.sha256).exists()
    assert QUARANTINE.path(upload.sha256).stat().st_mode & 0o777 == 0o600
    assert (upload.content_type, upload.width, upload.height) == ("image/png", 40, 30)


def huge_png(width, height):
    raw = png_bytes(1, 1)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return raw[:8] + patched + raw[8 + 25:]


@pytest.mark.parametrize("content, name, message", [
    (b"just text, not an image", "anh.png", "không phải là ảnh"),
    (b"%PDF-1.4 fake", "scan.jpg", "không phải là ảnh"),
    (huge_png(30000, 30000), "bomb.png", "giải nén"),
    (png_bytes()[:60], "cut.png", "hỏng"),
    (b"", "empty.png", "rỗng"),
])
def test_uploads_are_checked_by_content(db, content, name, message):
    with pytest.raises(ReportInvalid, match=message):
        submit(ReportInput(channel="web", description="x", uploads=[(content, name)]))
    assert Report.objects.count() == 0


def test_an_oversized_upload_is_refused(db, settings):
    settings.MAX_UPLOAD_BYTES = 2048
    buffer = io.BytesIO()
    from PIL import Image

    Image.effect_noise((200, 200), 64).save(buffer, format="PNG")
    with pytest.raises(ReportInvalid, match="lớn hơn giới hạn"):
        submit(ReportInput(channel="web", uploads=[(buffer.getvalue(), "big.png")]))


def test_a_child_in_danger_starts_the_12_hour_clock_and_tops_the_queue(db):
    calm, _ = submit(ReportInput(channel="web", urls=["https://example.vn/a"]))
    danger, _ = submit(ReportInput(channel="web", urls=["https://example.vn/b"], child_in_danger=True))
    groom, _ = submit(ReportInput(channel="web", urls=["https://example.vn/c"], harm_words="grooming"))
    deadline = danger.case.urgent_deadline - danger.received_at
    assert danger.case.urgent and deadline == dt.timedelta(hours=12)
    assert groom.case.urgent and not calm.case.urgent
    assert list(Case.objects.queue_order()) == [danger.case, groom.case, calm.case]


def test_the_case_page_shows_time_left_and_is_audited(client, make_user, signed_in, db):
    report, _ = submit(ReportInput(channel="web", urls=["https://example.vn/x"], child_in_danger=True,
                                   description="Em bé bị dọa tung ảnh"))
    signed_in(make_user("analyst"))
    page = client.get(f"/cases/{report.case.reference}/").content.decode()
    assert "còn 11 giờ 59 phút" in page and "Em bé bị dọa tung ảnh" in page and report.reference in page
    assert AuditEvent.objects.filter(action="case.view", object_id=str(report.case.pk)).exists()


def test_csam_media_is_never_served(client, make_user, signed_in, db):
    report, _ = submit(ReportInput(channel="web", harm_words="sexual_abuse", uploads=[(png_bytes(), "x.png")]))
    signed_in(make_user("analyst"))
    upload = report.uploads.get()
    assert client.get(f"/cases/{report.case.reference}/media/{upload.pk}/").status_code == 404
    page = client.get(f"/cases/{report.case.reference}/").content.decode()
    assert "/media/" not in page and upload.sha256 in page


def test_staff_enter_a_hotline_report_with_its_referrer(client, make_user, signed_in, make_org):
    line = make_org("tong-dai-111", kind="other")
    officer = make_user("intake_officer")
    signed_in(officer)
    response = client.post("/intake/new/", {"channel_choice": "hotline_111", "referring_org": line.pk,
                                            "external_ref": "111-2026-0042", "urls": "https://zalo.me/g/abc",
                                            "description": "Phụ huynh gọi báo nhóm Zalo rủ trẻ đi làm xa",
                                            "harm_words": "fraud", "categories": ["FRAUD"], "reporter_name": "Nguyễn Văn B",
                                            "reporter_phone": "0905000000", "platform_hint": ""})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{report.case.reference}/"
    assert (report.channel, report.referring_org, report.external_ref, report.entered_by) == (
        "hotline_111", line, "111-2026-0042", officer)


CSV = """urls,description,categories,child_in_danger,client_key
https://example.vn/1,Bài đăng lộ ảnh học sinh,PRIV,0,r1
javascript:alert(1),Liên kết xấu,,0,r2
https://example.vn/3 | https://example.vn/4,Hai đường dẫn,BULLY;VIOL,có,r3
https://example.vn/5,Sai mã,NOPE,0,r4
https://example.vn/6,Sai cờ,,maybe,r5
"""


def test_an_import_reports_bad_rows_by_line_and_keeps_the_good_ones(db):
    result = import_reports(CSV.encode(), "reports.csv")
    assert len(result.created) == 2
    assert [line for line, _ in result.errors] == [3, 5, 6]
    assert "Giao thức “javascript” không được nhận" in result.errors[0][1] and "NOPE" in result.errors[1][1]
    again = import_reports(CSV.encode(), "reports.csv")
    assert again.created == [] and len(again.repeated) == 2 and Report.objects.count() == 2
    urgent = Report.objects.get(client_key="r3")
    assert urgent.case.urgent and urgent.urls.count() == 2


def test_json_lines_import_through_the_cli(db, tmp_path):
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join([json.dumps({"urls": ["https://example.vn/a"], "categories": ["GAMB"]}),
                               "{not json", json.dumps({"urls": "https://example.vn/b", "colour": "red"}),
                               json.dumps({"description": "Chỉ có mô tả"})]), encoding="utf-8")
    result = CliRunner().invoke(main, ["import-reports", str(path)])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["created"] == 2 and summary["errors"] == 2
    assert "reports.jsonl:2: Dòng không phải JSON hợp lệ" in result.stderr and "reports.jsonl:3: Khóa không được nhận: colour" in result.stderr


def test_broken_encoding_in_an_import_is_named(db):
    result = import_reports("urls\nhttps://example.vn/ả\n".encode("utf-16"), "x.csv")
    assert result.errors and "không phải văn bản UTF-8" in result.errors[0][1]


def test_the_import_page(client, make_user, signed_in):
    signed_in(make_user("intake_officer"))
    upload = io.BytesIO(CSV.encode())
    upload.name = "bao-cao.csv"
    page = client.post("/intake/import/", {"file": upload}).content.decode()
    assert "Tạo mới 2 phản ánh" in page and "Giao thức “javascript” không được nhận" in page
    assert "mau-nhap-phan-anh.csv" in page and "child_in_danger" in page


def test_case_list_filters_and_search(client, make_user, signed_in, db):
    a, _ = submit(ReportInput(channel="web", urls=["https://tiktok.com/@a/video/1"], harm_words="gambling"))
    b, _ = submit(ReportInput(channel="web", urls=["https://youtube.com/watch?v=abcdefghijk"], child_in_danger=True))
    Case.objects.filter(pk=a.case.pk).update(received_at=timezone.now() - dt.timedelta(days=10))
    signed_in(make_user("analyst"))

    def listed(**params):
        return client.get("/cases/", params).content.decode()

    assert a.case.reference in listed(category="GAMB") and b.case.reference not in listed(category="GAMB")
    assert b.case.reference in listed(urgent="yes") and a.case.reference not in listed(urgent="yes")
    assert a.case.reference in listed(platform="tiktok") and b.case.reference not in listed(platform="tiktok")
    assert a.case.reference in listed(older="7") and b.case.reference not in listed(older="7")
    assert b.case.reference in listed(q="abcdefghijk") and a.case.reference not in listed(q="abcdefghijk")
    assert a.case.reference in listed(q=a.reference)


def test_the_import_template_file_is_served_lists_every_column_and_imports_cleanly(client, db):
    from django.contrib.staticfiles import finders

    from copvn.intake.importer import COLUMNS

    response = client.get("/static/copvn/mau-nhap-phan-anh.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.decode("utf-8").splitlines()[0].split(",") == COLUMNS
    result = import_reports(open(finders.find("copvn/mau-nhap-phan-anh.csv"), "rb").read(), "mau.csv")
    assert result.errors == [] and len(result.created) == 2


def test_the_honeypot_is_in_the_html_but_hidden_from_people_keyboards_and_screen_readers(client, db):
    import re

    page = client.get("/report/").content.decode()
    assert "Để trống ô này" not in page
    wrapper = re.search(r'<div class="hp" hidden aria-hidden="true"><input[^>]*name="website"[^>]*></div>', page)
    assert wrapper and 'tabindex="-1"' in wrapper.group(0)
    assert '<label for="id_website"' not in page
