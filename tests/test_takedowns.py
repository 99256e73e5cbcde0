"""Notice-and-takedown, end to end inside copvn: a decision drafts a notice to the hosting provider, a second
person approves it, sending writes the letter and the outbox rows and starts the legal clock, the provider
answers, and checks against a page on loopback that is taken down make it verified removed after the misses."""

import datetime as dt

import pytest
from django.utils import timezone

from copvn.core.models import OutboxMessage
from copvn.takedowns import clocks, services, verification
from copvn.takedowns.models import Dispatch, LegalBasis, Notice, NoticeURL, VerificationCheck
from copvn.takedowns.states import State

from . import takedown_world
from .takedown_world import Pages, decided_case

site, world = takedown_world.site, takedown_world.world  # fixtures


def test_a_takedown_decision_drafts_one_notice_to_the_hosting_provider(world):
    case = decided_case(world)
    notice = Notice.objects.get()
    assert notice.provider == world.isp and notice.state == State.DRAFT
    assert notice.issuer == world.issuer
    assert notice.legal_basis.code == "nd147-2024-authority" and notice.legal_basis.hours == 24
    assert list(notice.urls.values_list("case", flat=True)) == [case.pk]
    assert notice.reference.startswith(f"YC-{timezone.localdate().year}-")


def test_urls_to_the_same_provider_are_grouped_within_the_window(world, settings):
    decided_case(world, "/post/1")
    decided_case(world, "/post/2")
    assert Notice.objects.count() == 1 and NoticeURL.objects.count() == 2
    Notice.objects.update(group_until=timezone.now() - dt.timedelta(seconds=1))
    decided_case(world, "/post/3")
    assert Notice.objects.count() == 2, "after the window a new notice opens"


def test_the_legal_basis_follows_the_case_child_in_danger_and_the_historic_rule(world):
    decided_case(world, "/a", urgent=True)
    old = decided_case(world, "/b", received_at=timezone.make_aware(dt.datetime(2024, 6, 1, 9)))
    bases = {n.legal_basis.code for n in Notice.objects.all()}
    assert bases == {"nd56-2017-k3-d26", "nd27-2018"}
    assert Notice.objects.get(urls__case=old).legal_basis.hours == 3


def test_legal_bases_are_data_a_changed_clock_applies_to_the_next_notice(world):
    LegalBasis.objects.filter(code="nd147-2024-authority").update(hours=36)
    decided_case(world)
    notice = Notice.objects.get()
    services.approve(notice, world.legal)
    notice.refresh_from_db()
    assert notice.due_at - notice.sent_at == dt.timedelta(hours=36)


def test_nobody_approves_their_own_draft(world):
    decided_case(world)
    notice = Notice.objects.get()
    with pytest.raises(services.NoticeRefused, match="bốn mắt"):
        services.approve(notice, notice.drafted_by)


def test_approving_sends_the_letter_through_the_outbox_and_starts_the_clock(world):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.approved_by == world.legal
    assert notice.due_at == notice.sent_at + dt.timedelta(hours=24)
    dispatch = Dispatch.objects.get(notice=notice)
    assert dispatch.kind == "notice" and set(dispatch.channels) >= {"email", "portal"}
    message = OutboxMessage.objects.get(kind="notice.notice")
    assert message.to == "abuse@vong-lap.example" and notice.reference in message.subject
    names = [a["name"] for a in message.attachments]
    assert names == [f"{notice.reference}-notice.docx", f"{notice.reference}-notice.pdf"]
    assert message.idempotency_key == f"notice-{notice.pk}-dispatch-{dispatch.pk}-email"
    first_check = NoticeURL.objects.get().next_check_at
    assert first_check == notice.sent_at + dt.timedelta(hours=1), "the first check is at T+1 h"


def test_a_provider_without_any_contact_is_refused_with_a_clear_message(world):
    from copvn.takedowns.models import ProviderContact

    decided_case(world)
    ProviderContact.objects.filter(organisation=world.isp).update(email="")
    world.liaison.delete()
    with pytest.raises(services.NoticeRefused, match="chưa có địa chỉ nhận yêu cầu"):
        services.approve(Notice.objects.get(), world.legal)
    assert Notice.objects.get().state == State.DRAFT, "nothing changed"


def test_a_provider_no_longer_valid_that_day_is_refused(world):
    decided_case(world)
    type(world.isp).objects.filter(pk=world.isp.pk).update(valid_until=timezone.localdate())
    with pytest.raises(services.NoticeRefused, match="không còn hiệu lực"):
        services.approve(Notice.objects.get(), world.legal)


def test_a_url_whose_provider_changed_before_sending_is_taken_out_and_drafted_to_the_new_one(world):
    from copvn.takedowns.models import ProviderContact

    decided_case(world, "/a")
    decided_case(world, "/b")
    NoticeURL.objects.filter(url__endswith="/b").update(addresses=["10.99.0.5"])
    ProviderContact.objects.filter(organisation=world.other_isp).update(networks="10.99.0.0/16")
    notice = services.approve(Notice.objects.get(), world.legal)
    notice.refresh_from_db()
    assert notice.state == State.SENT
    assert list(notice.urls.filter(dropped=False).values_list("url", flat=True)) == [world.url("/a")]


def _answer(world, kind, note=""):
    return services.answer(Notice.objects.get(), world.isp, kind, note, actor=world.liaison)


def test_the_provider_acknowledges_and_reports_removal_but_only_checks_verify_it(world):
    decided_case(world)
    services.approve(Notice.objects.get(), world.legal)
    assert _answer(world, "acknowledge").state == State.ACKNOWLEDGED
    notice = _answer(world, "removed", "Đã gỡ bài viết")
    assert notice.state == State.REMOVAL_REPORTED and notice.provider_status == "removed"
    assert NoticeURL.objects.get().next_check_at <= timezone.now(), "a report of removal is checked at once"


def test_someone_elses_notice_and_a_dispute_without_a_reason_are_refused(world):
    decided_case(world)
    services.approve(Notice.objects.get(), world.legal)
    with pytest.raises(services.NotYours):
        services.answer(Notice.objects.get(), world.other_isp, "acknowledge")
    with pytest.raises(services.NoticeRefused, match="lý do"):
        _answer(world, "dispute", "  ")
    assert Notice.objects.get().state == State.SENT


def _check_now(notice, settings):
    NoticeURL.objects.filter(notice=notice).update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
    settings.NOTICE_HOST_INTERVAL_SECONDS = 0
    return verification.run_due()


def test_a_page_taken_down_is_verified_removed_only_after_three_consecutive_misses(world, settings):
    decided_case(world, "/post/9")
    notice = services.approve(Notice.objects.get(), world.legal)
    assert _check_now(notice, settings)["checked"] == 1
    assert NoticeURL.objects.get().verified == "live"
    Pages.down.add("/post/9")
    for expected in ("pending_removed", "pending_removed", "removed"):
        _check_now(notice, settings)
        assert NoticeURL.objects.get().verified == expected
    notice.refresh_from_db()
    assert notice.state == State.VERIFIED_REMOVED and notice.removed_at is not None
    checks = VerificationCheck.objects.filter(notice_url__notice=notice).order_by("checked_at")
    assert [c.result for c in checks] == ["live", "removed", "removed", "removed"]
    assert all(len(c.sha256) == 64 for c in checks), "each check is evidence with its hash"
    assert notice.removed_at == checks[1].checked_at, "removal dates from the first of the misses"


def test_a_page_live_again_after_removal_reopens_the_notice_as_a_reupload(world, settings):
    decided_case(world, "/post/7")
    notice = services.approve(Notice.objects.get(), world.legal)
    Pages.down.add("/post/7")
    for _ in range(3):
        _check_now(notice, settings)
    Pages.down.clear()
    _check_now(notice, settings)
    notice.refresh_from_db()
    assert notice.state == State.STILL_LIVE
    assert notice.reuploads.get().kind == "url"


def test_the_clock_reminds_records_the_breach_and_climbs_the_ladder(world, settings):
    settings.NOTICE_REMINDER_POINTS = [0.5]
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    notice.refresh_from_db()
    sent = notice.sent_at
    assert clocks.tick(sent + dt.timedelta(hours=13))["reminders"] == 1
    assert clocks.tick(sent + dt.timedelta(hours=13))["reminders"] == 0, "each reminder once"
    counts = clocks.tick(sent + dt.timedelta(hours=25))
    notice.refresh_from_db()
    assert counts["breaches"] == 1 and notice.breached_at == notice.sent_at + dt.timedelta(hours=24) or \
        notice.breached_at is not None
    kinds = list(notice.dispatches.values_list("kind", flat=True))
    assert kinds == ["notice", "reminder", "reminder"], "the reminder at 50 % and the first ladder step at the deadline"


def test_the_clock_pauses_while_the_hosting_moved_and_resumes_when_an_analyst_confirms(world, settings):
    from copvn.takedowns.models import ProviderContact

    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    notice.refresh_from_db()
    due = notice.due_at
    ProviderContact.objects.filter(organisation=world.isp).update(networks="192.0.2.0/24")
    ProviderContact.objects.filter(organisation=world.other_isp).update(networks="127.0.0.0/8")
    _check_now(notice, settings)
    notice.refresh_from_db()
    url = NoticeURL.objects.get(notice=notice)
    assert notice.paused_at is not None and url.moved_to == world.other_isp
    assert not Notice.objects.overdue(due + dt.timedelta(hours=1)).exists(), "a paused clock is not overdue"
    drafted = services.confirm_addressee(url, world.legal)
    notice.refresh_from_db()
    assert notice.paused_at is None and notice.due_at > due
    assert [n.provider for n in drafted] == [world.other_isp]


def test_the_same_address_or_image_in_a_new_case_is_linked_to_the_notice(world, settings):
    from copvn.intake.services import ReportInput, submit
    from copvn.review.detection import detect_case

    from .conftest import png_bytes

    first, _ = submit(ReportInput(channel="web", urls=[world.url("/post/5")], description="Nhắn tin dụ dỗ",
                                  uploads=[(png_bytes(colour=(1, 2, 3)), "anh.png")]))
    case = decided_case(world, "/post/5")
    assert case == first.case
    notice = services.approve(Notice.objects.get(), world.legal)
    type(case).objects.filter(pk=case.pk).update(state="closed")  # a later report opens a new case
    again, _ = submit(ReportInput(channel="web", urls=[world.url("/post/5")], description="Lại thấy bài này"))
    elsewhere, _ = submit(ReportInput(channel="web", urls=[world.url("/other/8")], description="Ảnh cũ, trang mới",
                                      uploads=[(png_bytes(colour=(1, 2, 3)), "lai.png")]))
    assert again.case != case and elsewhere.case not in (case, again.case)
    detect_case(again.case.pk)
    detect_case(elsewhere.case.pk)
    links = {(r.case, r.kind) for r in notice.reuploads.all()}
    assert links == {(again.case, "url"), (elsewhere.case, "image")}
    detect_case(again.case.pk)
    assert notice.reuploads.count() == 2, "each new case is linked once"
    assert notice.events.filter(action="notice.reupload").count() == 2


def test_a_new_report_of_a_removed_address_gets_it_checked_again_at_once(world, settings):
    from copvn.intake.services import ReportInput, submit
    from copvn.review.detection import detect_case

    decided_case(world, "/post/6")
    notice = services.approve(Notice.objects.get(), world.legal)
    Pages.down.add("/post/6")
    for _ in range(3):
        _check_now(notice, settings)
    NoticeURL.objects.update(next_check_at=timezone.now() + dt.timedelta(days=6))
    type(notice.urls.get().case).objects.update(state="closed")
    Pages.down.clear()
    again, _ = submit(ReportInput(channel="web", urls=[world.url("/post/6")], description="Bài đăng lại"))
    detect_case(again.case.pk)
    assert NoticeURL.objects.get(notice=notice).next_check_at <= timezone.now()
    verification.run_due()
    notice.refresh_from_db()
    assert notice.state == State.STILL_LIVE


def test_one_host_is_checked_at_most_once_per_interval_across_runs_and_workers(world, settings):
    from copvn.takedowns.models import HostSlot

    settings.NOTICE_HOST_INTERVAL_SECONDS = 30
    decided_case(world, "/p/1")
    decided_case(world, "/p/2")
    notice = services.approve(Notice.objects.get(), world.legal)
    NoticeURL.objects.filter(notice=notice).update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
    first = verification.run_due()
    assert first == {"checked": 1, "deferred": 1}, "one request to the host per run"
    assert verification.run_due() == {"checked": 0, "deferred": 0}, "the host rests for the interval, the other URL waits"
    waiting = NoticeURL.objects.filter(notice=notice, checks_done=0).get()
    free_at = HostSlot.objects.get(host="127.0.0.1").next_free_at
    assert waiting.next_check_at >= free_at - dt.timedelta(seconds=1)
    assert free_at >= NoticeURL.objects.get(notice=notice, checks_done=1).last_checked_at + dt.timedelta(seconds=29)
    HostSlot.objects.update(next_free_at=timezone.now() - dt.timedelta(seconds=1))
    NoticeURL.objects.filter(pk=waiting.pk).update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
    assert verification.run_due()["checked"] == 1
    assert len([p for p in Pages.hits if p.startswith("/p/")]) == 2


def test_an_administrator_changes_a_clock_on_the_settings_page_and_a_legal_officer_only_reads_it(world, client,
                                                                                                   make_user):
    from .conftest import sign_in_client

    page = {}

    def form(hours):
        data = {"basis-TOTAL_FORMS": LegalBasis.objects.count(), "basis-INITIAL_FORMS": LegalBasis.objects.count(),
                "step-TOTAL_FORMS": 0, "step-INITIAL_FORMS": 0}
        for i, basis in enumerate(LegalBasis.objects.order_by("precedence", "code")):
            for name in ("name", "citation", "trigger", "precedence"):
                data[f"basis-{i}-{name}"] = getattr(basis, name)
            data[f"basis-{i}-id"], data[f"basis-{i}-active"] = basis.pk, "on"
            data[f"basis-{i}-hours"] = hours if basis.code == "nd147-2024-authority" else basis.hours
            for name in ("cases_from", "cases_until"):
                value = getattr(basis, name)
                data[f"basis-{i}-{name}"] = value.isoformat() if value else ""
        return data

    sign_in_client(client, world.legal)
    page["legal"] = client.get("/notices/settings/")
    assert page["legal"].status_code == 200 and "Nghị định 147/2024" in page["legal"].content.decode()
    assert client.post("/notices/settings/", form(30)).status_code == 403
    sign_in_client(client, make_user("admin", "quantri"))
    response = client.post("/notices/settings/", form(30))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LegalBasis.objects.get(code="nd147-2024-authority").hours == 30
    from copvn.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="notice.settings", data__legal_bases=["nd147-2024-authority"]).exists()
