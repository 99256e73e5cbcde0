import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from copvn.accounts.demo import DemoRefused, fill
from copvn.accounts.demo_cases import STORIES, screenshot
from copvn.accounts.models import User
from copvn.cases.models import Case
from copvn.core.blobs import QUARANTINE
from copvn.intake import quarantine
from copvn.intake.models import Report, Upload


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    fill()


def test_the_demo_opens_cases_in_several_categories_and_channels(demo):
    assert Report.objects.filter(client_key__startswith="demo:").count() == len(STORIES)
    assert Case.objects.open().count() >= 15
    codes = set(Case.objects.values_list("categories__code", flat=True))
    assert {"GROOM", "BULLY", "PRIV", "SELFH", "GAMB", "FRAUD", "PORN", "DRUG", "VIOL", "HATE"} <= codes
    assert "CSAM" not in codes
    channels = set(Report.objects.values_list("channel", flat=True))
    assert {"web", "hotline_111", "email", "agency", "phone", "monitoring"} <= channels
    platforms = set(Case.objects.values_list("platform", flat=True))
    assert {"facebook", "tiktok", "youtube", "zalo", "news", "web"} <= platforms


def test_urgent_cases_run_on_a_12_hour_clock_from_the_first_urgent_report(demo):
    now = timezone.now()
    urgent = Case.objects.open().filter(urgent=True)
    assert urgent.filter(urgent_deadline__gt=now).count() >= 2
    assert urgent.filter(urgent_deadline__lte=now).count() >= 1
    for case in urgent:
        first = case.reports.filter(child_in_danger=True).order_by("received_at").first() \
            or case.reports.order_by("received_at").first()
        assert case.urgent_deadline == first.received_at + dt.timedelta(hours=12)


def test_reports_of_the_same_content_joined_one_case(demo):
    joined = Case.objects.annotate(n=Count("reports")).filter(n__gte=2)
    assert joined.count() >= 4
    facebook = Report.objects.get(client_key="demo:02")
    assert facebook.urls.get().raw.startswith("https://m.facebook.com/")
    assert facebook.case == Report.objects.get(client_key="demo:01").case
    by_image = Report.objects.get(client_key="demo:22")
    assert not by_image.urls.exists() and by_image.case == Report.objects.get(client_key="demo:21").case


def test_screenshots_are_real_images_kept_in_quarantine(demo):
    uploads = Upload.objects.all()
    assert uploads.count() >= 3
    for upload in uploads:
        assert quarantine.inspect(QUARANTINE.read(upload.sha256)).content_type == "image/png"


def test_hotline_and_agency_reports_name_who_referred_them(demo):
    hotline = Report.objects.filter(channel="hotline_111")
    assert hotline.exists() and all(r.referring_org.code == "tong-dai-111" for r in hotline)
    referred = Report.objects.filter(channel="agency", referring_org__isnull=False)
    assert referred.exists() and all(r.entered_by.username == "tiepnhan" for r in referred)
    assert not Report.objects.filter(channel="web", entered_by__isnull=False).exists()


def test_reports_came_in_over_the_past_weeks(demo):
    now = timezone.now()
    received = list(Case.objects.values_list("received_at", flat=True))
    assert min(received) < now - dt.timedelta(days=21) and max(received) > now - dt.timedelta(hours=12)
    for case in Case.objects.all():
        assert case.received_at == min(r.received_at for r in case.reports.all())


def test_the_demo_analyst_finds_the_cases_in_the_list(demo, signed_in):
    client = signed_in(User.objects.get(username="phantich"))
    page = client.get("/cases/").content.decode()
    for reference in Case.objects.open().values_list("reference", flat=True):
        assert reference in page


def test_filling_again_with_force_adds_no_reports(demo):
    before = dict(Report.objects.values_list("client_key", "received_at"))
    cases = Case.objects.count()
    fill(force=True)
    assert dict(Report.objects.values_list("client_key", "received_at")) == before
    assert Case.objects.count() == cases


def test_filling_a_database_with_users_needs_force(demo):
    with pytest.raises(DemoRefused):
        fill()


def test_the_same_chat_draws_the_same_image():
    chat = STORIES[-1].chat
    assert screenshot(chat) == screenshot(chat)


def test_the_demo_fills_the_review_queue_and_leaves_a_decision_to_approve(db, settings, tmp_path):
    from copvn.accounts.demo import fill
    from copvn.review.models import Decision, QueueItem
    from copvn.review.services import pending_approvals

    settings.DATA_DIR = tmp_path
    fill()
    assert QueueItem.objects.exclude(state="done").count() >= 10
    assert Decision.objects.count() == 7 and pending_approvals().count() == 1
    fill(force=True)
    assert Decision.objects.count() == 7


def test_the_demo_has_notices_at_each_stage_for_each_role(db, settings, tmp_path):
    from copvn.accounts.demo import fill
    from copvn.accounts.models import User
    from copvn.referrals.services import visible_to
    from copvn.takedowns import figures
    from copvn.takedowns.models import Notice

    settings.DATA_DIR = tmp_path
    fill()
    states = set(Notice.objects.values_list("state", flat=True))
    assert {"draft", "sent", "verified_removed"} <= states
    assert Notice.objects.overdue().exists(), "the legal officer finds an overdue notice"
    assert Notice.objects.filter(breached_at__isnull=False).exists(), "and its breach is in the figures"
    liaison = User.objects.get(username="nentang")
    assert Notice.objects.for_provider(liaison.organisation_id).exists(), "the Zalo liaison has a notice to answer"
    assert visible_to(User.objects.get(username="baovetreem")).exists(), "hotline 111 has a referral"
    removed = [r for r in figures.table("provider") if r.removed]
    assert removed and removed[0].median_hours == 9.33


def test_the_demo_monitoring_source_queued_its_alerts_through_the_real_check(demo):
    from copvn.monitoring.models import SeenItem, Source

    drop = Source.objects.get(kind="drop")
    outcomes = dict(SeenItem.objects.filter(source=drop).values_list("key", "outcome"))
    assert sorted(outcomes.values()).count("below") == 1  # the parents' question about vaccination
    assert "joined" in outcomes.values()  # the near-identical repost joined the first item's case
    monitored = Report.objects.filter(channel="monitoring", client_key__startswith="monitor:")
    assert monitored.count() == drop.alerts and monitored.values("case").distinct().count() == drop.alerts - 1
    assert Source.objects.get(kind="feed").status == "error"
