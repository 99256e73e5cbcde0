"""Periodic reports: the Decree 09 periods, figures that reconcile with the database, the agencies' submissions
(draft → submitted → returned or accepted), the generated DOCX/PDF/XLSX, and bad input."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import subprocess

import pytest
from django.utils import timezone

from copvn.coordination import services as coordination
from copvn.coordination.models import ActivityRecord
from copvn.intake.models import Report
from copvn.reporting import figures, services
from copvn.reporting.models import ReportType
from copvn.reporting.periods import PeriodError, containing, parse, previous

from .test_documents import line, needs_pdf, span, words

NOV = parse("monthly", "2026-11")  # 15/10/2026 … 14/11/2026
ZONE = dt.timezone(dt.timedelta(hours=7))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


@pytest.mark.parametrize(("frequency", "key", "start", "end"), [
    ("monthly", "2026-11", dt.date(2026, 10, 15), dt.date(2026, 11, 14)),
    ("monthly", "2026-01", dt.date(2025, 12, 15), dt.date(2026, 1, 14)),
    ("six-monthly", "2026-H1", dt.date(2025, 12, 15), dt.date(2026, 6, 14)),
    ("six-monthly", "2026-H2", dt.date(2026, 6, 15), dt.date(2026, 12, 14)),
    ("annual", "2026", dt.date(2025, 12, 15), dt.date(2026, 12, 14)),
])
def test_periods_follow_the_decree_09_cut_offs(frequency, key, start, end):
    period = parse(frequency, key)
    assert (period.start, period.end) == (start, end)
    assert containing(frequency, start) == period == containing(frequency, end)
    assert previous(period).end == start - dt.timedelta(days=1)


@pytest.mark.parametrize(("frequency", "key"), [("monthly", "2026-13"), ("monthly", "2026-1"),
                                                ("six-monthly", "2026-H3"), ("annual", "26"),
                                                ("adhoc", "2026-02-30..2026-03-02"), ("adhoc", "2026-03-02..2026-03-01")])
def test_a_period_that_does_not_exist_is_refused_with_what_to_write(frequency, key):
    with pytest.raises(PeriodError):
        parse(frequency, key)


@pytest.fixture
def province(db, make_org, make_user, make_case, settings):
    """November 2026 with reports, notices, referrals, activities, an obstacle — and things just outside it."""
    committee = make_org("ubnd-tinh", kind="peoples_committee", name="Ủy ban nhân dân tỉnh Khánh Hòa")
    make_org("so-chu-tri", parent=committee, name="Sở Khoa học và Công nghệ tỉnh Khánh Hòa", short_name="SKHCN")
    settings.NOTICE_ISSUER = "so-chu-tri"
    from copvn.core.outbox import DOCUMENTS
    from copvn.referrals.models import Referral
    from copvn.takedowns.models import LegalBasis, Notice
    from copvn.taxonomy.models import Category

    groom, gamb = Category.objects.get(code="GROOM"), Category.objects.get(code="GAMB")
    days = [NOV.start, NOV.start + dt.timedelta(days=3), NOV.end, NOV.end + dt.timedelta(days=1),
            NOV.start - dt.timedelta(days=1)]
    channels = ["web", "hotline_111", "web", "web", "agency"]
    for n, (day, channel) in enumerate(zip(days, channels, strict=True)):
        case = make_case(url=f"https://www.facebook.com/groups/{n}/posts/{n}", colour=(10 * n, 3, 200 - n))
        case.categories.add(groom if n % 2 == 0 else gamb)
        Report.objects.filter(case=case).update(received_at=at(day), channel=channel)
        case.received_at = at(day)
        case.save(update_fields=["received_at"])
    provider, issuer = make_org(kind="platform"), make_org()
    basis = LegalBasis.objects.first()
    hours = [2.0, 9.33, 30.0, 50.5, 71.0]
    for n, h in enumerate(hours):
        sent = at(NOV.start + dt.timedelta(days=n + 1))
        Notice.objects.create(reference=f"YC-2026-{n:05d}", provider=provider, issuer=issuer, legal_basis=basis,
                              state="verified_removed", sent_at=sent, removed_at=sent + dt.timedelta(hours=h))
    Notice.objects.create(reference="YC-2026-00099", provider=provider, issuer=issuer, legal_basis=basis,
                          state="sent", sent_at=at(NOV.start + dt.timedelta(days=2)))
    Notice.objects.create(reference="YC-2026-00098", provider=provider, issuer=issuer, legal_basis=basis,
                          state="verified_removed", sent_at=at(NOV.end + dt.timedelta(days=2)),
                          removed_at=at(NOV.end + dt.timedelta(days=2), 20))  # after the period
    case = make_case(url="https://www.tiktok.com/@x/video/1", colour=(90, 90, 9))
    for n, (destination, outcome) in enumerate([("hotline", "child_supported"), ("hotline", ""),
                                                ("police", "investigating")]):
        Referral.objects.create(reference=f"CH-2026-{n:05d}", case=case, destination=destination,
                                organisation=make_org(kind="police"), outcome=outcome, sent_at=at(NOV.start),
                                package_docx=DOCUMENTS.store(b"p"), package_sha256="0" * 64)
    agency = make_user("agency_focal_point")
    for day, kind, values in [(NOV.start, "school", {"schools": 12, "people_reached": 900}),
                              (NOV.end, "victim_support", {"support_requests": 4, "children_supported": 3}),
                              (NOV.end + dt.timedelta(days=1), "awareness", {"people_reached": 5000})]:
        ActivityRecord.objects.create(organisation=agency.organisation, kind=kind, day=day, title="x",
                                      created_by=agency, **values)
    obstacle = coordination.raise_obstacle(agency.organisation, agency, "Thiếu tài liệu", "Đề nghị cấp tài liệu.")
    type(obstacle).objects.filter(pk=obstacle.pk).update(raised_at=at(NOV.start + dt.timedelta(days=5)))
    return agency


def test_the_figures_reconcile_with_the_database(province):
    data = figures.compute(NOV)
    window = figures.Window.of(NOV)
    inside = Report.objects.filter(received_at__gte=window.since, received_at__lt=window.until)
    assert data["reports"]["total"] == inside.count() == 3
    assert data["reports"]["by_channel"] == {"web": 2, "hotline_111": 1}
    assert data["reports"]["by_channel_category"] == {"web": {"GROOM": 2}, "hotline_111": {"GAMB": 1}}
    removed = sorted([2.0, 9.33, 30.0, 50.5, 71.0])
    assert (data["notices"]["sent"], data["notices"]["removed"]) == (6, 5)
    assert data["notices"]["median_hours"] == statistics.median_low(removed) == 30.0
    assert data["notices"]["p90_hours"] == removed[4]  # the smallest value with 90 % at or below it
    assert data["notices"]["rows"][0]["sent"] == 6
    assert data["referrals"]["by_destination_outcome"] == {"hotline": {"child_supported": 1, "pending": 1},
                                                           "police": {"investigating": 1}}
    assert data["activities"]["school"]["schools"] == 12 and "awareness" not in data["activities"]
    assert data["targets"] == []  # Decision 830's targets end in 2025: none for November 2026
    assert data["obstacles"]["open"] == 1


def test_targets_are_data_and_achieved_values_come_from_the_records(province):
    from copvn.reporting.models import Programme, Target

    programme = Programme.objects.create(code="ct-2026-2030", name="Chương trình 2026 - 2030", start=dt.date(2026, 1, 1),
                                         end=dt.date(2030, 12, 31))
    Target.objects.create(programme=programme, indicator="victims_supported", name="Trẻ em được hỗ trợ",
                          target_percent=100, period_start=dt.date(2026, 1, 1), period_end=dt.date(2030, 12, 31))
    achieved = figures.compute(NOV)["targets"]
    assert len(achieved) == 1
    # 3 of 4 children supported (records) + 1 of 2 referrals to 111 supported: 4 of 6
    assert (achieved[0]["numerator"], achieved[0]["denominator"], achieved[0]["achieved_percent"]) == (4, 6, 66.7)


def test_a_submission_goes_draft_submitted_returned_submitted_accepted_and_then_never_changes(province, make_user):
    monthly = ReportType.objects.get(code="monthly")
    lead = make_user("lead_officer")
    draft = services.save_draft(monthly, "2026-11", province.organisation, province, {"results": ""})
    with pytest.raises(services.ReportRefused, match="kết quả"):
        services.submit(draft, province)
    draft = services.save_draft(monthly, "2026-11", province.organisation, province, {"results": "Đã làm 3 việc."})
    sent = services.submit(draft, province)
    with pytest.raises(services.ReportRefused, match="không sửa được"):
        services.save_draft(monthly, "2026-11", province.organisation, province, {"results": "đổi"})
    with pytest.raises(services.ReportRefused, match="ý kiến"):
        services.review(sent, lead, accept=False)
    returned = services.review(sent, lead, accept=False, comment="Bổ sung số trường.")
    again = services.save_draft(monthly, "2026-11", province.organisation, province, {"results": "Đã làm 3 việc; 12 trường."})
    accepted = services.review(services.submit(again, province), lead, accept=True)
    assert (returned.state, accepted.state) == ("returned", "accepted")
    with pytest.raises(services.ReportRefused):
        services.save_draft(monthly, "2026-11", province.organisation, province, {"results": "sửa sau khi tiếp nhận"})
    with pytest.raises(services.ReportRefused):
        services.review(accepted, lead, accept=False, comment="x")


def test_an_agency_cannot_submit_for_another(province, make_user, make_org, client, signed_in):
    other = make_user("agency_focal_point", "u-khac", organisation=make_org())
    monthly = ReportType.objects.get(code="monthly")
    theirs = services.save_draft(monthly, previous(containing("monthly", timezone.localdate())).key,
                                 province.organisation, province, {"results": "của họ"})
    signed_in(other)
    client.post(f"/reports/mine/monthly/{theirs.period}/", {"results": "của tôi", "submit": "1"})
    theirs.refresh_from_db()
    assert theirs.results == "của họ" and theirs.state == "draft"  # the other agency wrote its own, not theirs
    assert theirs.organisation == province.organisation


def test_a_future_period_or_a_period_not_ended_is_refused(db):
    monthly = ReportType.objects.get(code="monthly")
    with pytest.raises(services.ReportRefused, match="chưa bắt đầu"):
        services.generate(monthly, "2099-01", ["xlsx"])
    current = containing("monthly", timezone.localdate())
    with pytest.raises(services.ReportRefused, match="chưa kết thúc"):
        services.generate(monthly, current.key, ["xlsx"])


def test_the_xlsx_annex_holds_the_same_figures(province):
    from openpyxl import load_workbook

    files, errors, data = services.generate(ReportType.objects.get(code="monthly"), "2026-11", ["xlsx"])
    book = load_workbook(io.BytesIO(files["xlsx"]))
    assert book.sheetnames == ["Phản ánh", "Yêu cầu gỡ bỏ", "Chuyển hồ sơ", "Báo chí, đồng ý", "Chỉ tiêu", "Hoạt động"]
    reports = list(book["Phản ánh"].iter_rows(min_row=4, values_only=True))
    assert sum(r[-1] for r in reports) == data["reports"]["total"] == 3
    total = list(book["Yêu cầu gỡ bỏ"].iter_rows(min_row=4, values_only=True))[-1]
    assert total[0] == "Tổng" and total[1:4] == (6, 0, 5) and total[6] == 30.0
    assert book["Phản ánh"]["A1"].font.name == "Times New Roman"


def test_without_libreoffice_the_report_still_comes_as_docx_and_xlsx_with_the_reason(province, settings):
    settings.SOFFICE = "/nonexistent/soffice"
    files, errors, _data = services.generate(ReportType.objects.get(code="monthly"), "2026-11",
                                             ["docx", "pdf", "xlsx"])
    assert set(files) == {"docx", "xlsx"} and "pdf" in errors


def test_the_cli_writes_every_format_whole_and_refuses_a_bad_period(province, tmp_path):
    from click.testing import CliRunner

    from copvn.cli import main

    out = tmp_path / "out"
    bad = CliRunner().invoke(main, ["report", "generate", "--type", "monthly", "--period", "2026-13", "--out", str(out)])
    assert bad.exit_code != 0 and "Kỳ “2026-13” không tồn tại: ghi theo dạng 2026-11." in bad.output
    assert not out.exists()
    unknown = CliRunner().invoke(main, ["report", "generate", "--type", "quarterly", "--period", "2026-11",
                                        "--out", str(out)])
    assert unknown.exit_code != 0 and "monthly" in unknown.output
    ok = CliRunner().invoke(main, ["report", "generate", "--type", "monthly", "--period", "2026-11", "--format",
                                   "docx,xlsx", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert sorted(p.name for p in out.iterdir()) == ["bao-cao-monthly-2026-11.docx", "bao-cao-monthly-2026-11.xlsx"]


@needs_pdf
def test_the_pdf_follows_decree_30_with_fonts_embedded_and_vietnamese_letters(province, tmp_path):
    files, errors, _data = services.generate(ReportType.objects.get(code="monthly"), "2026-11", ["pdf"])
    assert not errors
    path = tmp_path / "report.pdf"
    path.write_bytes(files["pdf"])
    pages = words(path)
    first = pages[0]
    title = line(first, "CỘNG", 8)
    start, end = span(title)
    assert len({round(w.y0, 1) for w in title}) == 1 and start >= 95 and end <= 195 and abs((start + end) / 2 - 145) < 1
    body = [w for page in pages for w in page if w.y0 > 25]
    assert abs(min(w.x0 for w in body) - 30) < 1 and max(w.x1 for w in body) < 196
    assert not [w for w in first if w.y0 < 19]  # no page number on page 1
    if len(pages) > 1:
        assert [w.text for w in pages[1] if w.y1 < 21] == ["2"]
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f for f in fonts) and all("Liberation" in f for f in fonts)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for phrase in ("BÁO CÁO", "Tiếp nhận 3 phản ánh", "trung vị 30,00 giờ", "Độc lập - Tự do - Hạnh phúc",
                   "tháng 11/2026", "từ ngày 15/10/2026 đến ngày 14/11/2026", "Thiếu tài liệu"):
        assert phrase in " ".join(text.split()), phrase


def test_the_dashboard_and_the_public_page_show_the_same_figures_with_small_counts_suppressed(province, make_user,
                                                                                             client, signed_in,
                                                                                             settings):
    settings.TRANSPARENCY_MIN_CELL = 3
    signed_in(make_user("lead_officer"))
    page = client.get("/reports/dashboard/?type=monthly&period=2026-11").content.decode()
    assert "Phản ánh theo kênh tiếp nhận — bảng số liệu</caption>" in page and "<svg" in page
    client.logout()
    public = client.get("/transparency/?type=monthly&period=2026-11").content.decode()
    assert "&lt; 3" in public  # hotline 111: 1 report
    assert ">3<" in public  # the total, 3, is not below k
    assert "Thiếu tài liệu" not in public and "facebook.com" not in public


def test_the_lead_assigns_a_task_and_the_agency_finds_it_with_its_forms(province, make_user, client, signed_in):
    lead = make_user("lead_officer")
    task = coordination.assign(province.organisation, "Tuyên truyền tại trường", lead,
                               due=timezone.localdate() + dt.timedelta(days=10))
    signed_in(province)
    tasks = client.get("/tasks/").content.decode()
    assert "Tuyên truyền tại trường" in tasks
    assert "Tuyên truyền, nâng cao nhận thức" in client.get("/tasks/activities/").content.decode()
    assert client.get("/tasks/activities/new/press/").status_code == 200
    with pytest.raises(coordination.TaskRefused):
        coordination.attach(task, province, "x.exe", b"MZ\x90\x00 not a document")
    signed_in(make_user("agency_focal_point", "u-other", organisation=None))
    assert "Tuyên truyền tại trường" not in client.get("/tasks/").content.decode()


def test_an_activity_form_refuses_more_supported_than_asked_and_a_future_day(province, client, signed_in):
    signed_in(province)
    response = client.post("/tasks/activities/new/victim_support/", {
        "day": (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "title": "x", "support_requests": 2,
        "children_supported": 3})
    text = response.content.decode()
    assert response.status_code == 200 and "Không thể lớn hơn" in text



def test_the_api_does_what_the_pages_do(province, make_user, client):
    import pyotp

    from copvn.accounts import tokens

    lead, agency = make_user("lead_officer"), province
    agency.totp_secret, agency.totp_confirmed_at = pyotp.random_base32(), timezone.now()  # a token needs one
    agency.save()

    def call(user, method, path, body=None):
        secret = tokens.create(user, "script")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if body is None and method == "get":
            return client.get(f"/api/v1{path}", **kwargs)
        return getattr(client, method)(f"/api/v1{path}", __import__("json").dumps(body or {}),
                                       content_type="application/json", **kwargs)

    given = call(lead, "post", "/tasks", {"organisation": agency.organisation.code, "title": "Tuyên truyền",
                                          "due": (timezone.localdate() + dt.timedelta(days=5)).isoformat()})
    assert given.status_code == 201 and given.json()["origin"] == "assigned"
    assert call(agency, "post", "/tasks", {"organisation": agency.organisation.code, "title": "x"}).status_code == 403
    made = call(agency, "post", "/activities", {"kind": "press", "day": "2026-11-01", "title": "Chuyên mục",
                                                "articles": 3, "airtime_minutes": 45, "people_reached": 99})
    assert made.status_code == 201 and made.json()["articles"] == 3 and "people_reached" not in made.json()
    too_many = call(agency, "post", "/activities", {"kind": "victim_support", "day": "2026-11-01", "title": "x",
                                                    "support_requests": 1, "children_supported": 2})
    assert too_many.status_code == 422
    raised = call(agency, "post", "/obstacles", {"title": "Thiếu kinh phí", "details": "Đề nghị hỗ trợ."}).json()
    answered = call(lead, "post", f"/obstacles/{raised['id']}/answer", {"answer": "Đã bố trí."})
    assert answered.json()["state"] == "answered"
    assert call(lead, "post", f"/obstacles/{raised['id']}/answer", {"answer": "lần hai"}).status_code == 409
    sent = call(agency, "put", "/submissions/mine/monthly/2026-11", {"results": "Đã làm.", "submit": True}).json()
    assert sent["state"] == "submitted"
    assert call(lead, "post", f"/submissions/{sent['id']}/review", {"accept": True}).json()["state"] == "accepted"
    assert call(agency, "put", "/submissions/mine/monthly/2026-11", {"results": "sửa"}).status_code == 409
    figures_json = call(lead, "get", "/reports/monthly/2026-11?format=json").json()
    assert figures_json["reports"]["total"] == 3 and figures_json["activities"]["press"]["articles"] == 3
    xlsx = call(lead, "get", "/reports/monthly/2026-11?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert call(lead, "get", "/reports/monthly/2026-13").status_code == 409
    dash = call(make_user("senior_analyst"), "get", "/dashboard?type=monthly&period=2026-11").json()
    assert dash["notices"]["removed"] == figures_json["notices"]["removed"] == 5
    public = client.get("/api/v1/transparency?type=monthly&period=2026-11").json()
    assert ["Tổng đài 111", "< 5"] in public[0]["rows"]


def test_an_adhoc_request_carries_its_own_deadline_and_the_agency_finds_it(province, make_user, client, signed_in):
    lead = make_user("lead_officer")
    deadline = timezone.localdate() + dt.timedelta(days=4)
    made = services.request_adhoc(dt.date(2026, 11, 1), dt.date(2026, 11, 20), deadline, [province.organisation], lead)
    assert made[0].deadline == deadline and made[0].state == "draft"
    with pytest.raises(services.ReportRefused, match="Hạn nộp đã qua"):
        services.request_adhoc(dt.date(2026, 11, 1), dt.date(2026, 11, 20), dt.date(2020, 1, 1),
                               [province.organisation], lead)
    signed_in(province)
    page = client.get("/reports/mine/").content.decode()
    assert "Báo cáo đột xuất" in page and deadline.strftime("%d/%m/%Y") in page
    edit = client.get("/reports/mine/adhoc/2026-11-01..2026-11-20/")
    assert edit.status_code == 200


def test_complementary_suppression_never_lets_the_total_give_one_small_count_away():
    from copvn.reporting.charts import with_total

    rows = with_total([("Web", 12), ("Tổng đài 111", 2), ("Cơ quan", 7)], 5, "Tổng")
    assert rows == [["Web", "12"], ["Tổng đài 111", "< 5"], ["Cơ quan", "≥ 5"], ["Tổng", "21"]]
    two_small = with_total([("Web", 12), ("Tổng đài 111", 2), ("Cơ quan", 3)], 5, "Tổng")
    assert two_small[1][1] == two_small[2][1] == "< 5" and two_small[0][1] == "12"
    assert with_total([("Web", 0), ("Tổng đài 111", 9)], 5, "Tổng")[0] == ["Web", "0"]


def test_the_public_page_shows_ended_periods_only(db, client):
    current = containing("monthly", timezone.localdate())
    page = client.get(f"/transparency/?type=monthly&period={current.key}").content.decode()
    assert previous(current).span_vi[1:] in page and current.span_vi[1:] not in page  # "Từ ngày …", capitalised
    assert client.get(f"/api/v1/transparency?type=monthly&period={current.key}").status_code == 409
    assert client.get("/transparency/?type=annual&period=2026-11").status_code == 200  # the latest year instead


def test_an_agency_cannot_open_an_adhoc_report_nobody_asked_for(province):
    adhoc = ReportType.objects.get(code="adhoc")
    with pytest.raises(services.ReportRefused, match="chưa yêu cầu"):
        services.save_draft(adhoc, "2026-11-01..2026-11-05", province.organisation, province, {"results": "x"})
