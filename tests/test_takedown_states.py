"""The notice and referral state machines: every declared edge is allowed, every other pair refused, a stale
copy loses, and every transition the services make leaves exactly one notice event and one audit entry that
name where it came from and where it went. CSAM: the police referral holds the notices until it has passed."""

import datetime as dt
import itertools

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from copvn.audit.models import AuditEvent
from copvn.cases.models import Case
from copvn.core.models import OutboxMessage
from copvn.referrals import models as referral_models
from copvn.referrals import services as referral_services
from copvn.referrals.models import Referral
from copvn.takedowns import clocks, services
from copvn.takedowns.models import Dispatch, LegalBasis, Notice, NoticeEvent, NoticeURL
from copvn.takedowns.states import TRANSITIONS, IllegalTransition, State

from . import takedown_world
from .takedown_world import Pages, decided_case

site, world = takedown_world.site, takedown_world.world  # fixtures

NOTICE_PAIRS = list(itertools.product(State.values, repeat=2))
REFERRAL_PAIRS = list(itertools.product(referral_models.State.values, repeat=2))


def _pair_id(pair):
    return f"{pair[0]}->{pair[1]}"


# — the notice's state machine, edge by edge ——————————————————————————————————————————————————————————————


@pytest.fixture
def bare_notice(make_org):
    """A Notice row written directly in a given state (no services involved)."""
    issuer = make_org("so-thu", name="Sở Thử nghiệm")
    provider = make_org("isp-thu", kind="isp", name="Nhà cung cấp thử")
    basis = LegalBasis.objects.order_by("precedence").first()
    assert basis is not None, "the legal bases are seeded by migrations"
    counter = itertools.count(1)

    def make(state):
        return Notice.objects.create(reference=f"YC-TEST-{next(counter):05d}", provider=provider, issuer=issuer,
                                     legal_basis=basis, state=state)

    return make


def test_the_transition_table_covers_every_state():
    assert set(TRANSITIONS) == set(State.values)
    for source, targets in TRANSITIONS.items():
        assert targets <= set(State.values), f"{source} points at an unknown state"


@pytest.mark.parametrize("pair", NOTICE_PAIRS, ids=_pair_id)
def test_notice_move_to_follows_the_transition_table(bare_notice, pair):
    source, target = pair
    notice = bare_notice(source)
    if target in TRANSITIONS[source]:
        assert notice.move_to(target) is True
        assert notice.state == target
        assert Notice.objects.get(pk=notice.pk).state == target
    else:
        with pytest.raises(IllegalTransition):
            notice.move_to(target)
        assert Notice.objects.get(pk=notice.pk).state == source, "a refused move changes nothing"


def test_move_to_is_a_conditional_update_a_stale_copy_loses(bare_notice):
    created = bare_notice(State.DRAFT)
    first, second = Notice.objects.get(pk=created.pk), Notice.objects.get(pk=created.pk)
    assert first.move_to(State.APPROVED, approved_at=timezone.now()) is True
    assert second.move_to(State.CANCELLED) is False, "the second actor read the draft before the first moved it"
    assert second.state == State.DRAFT, "the loser's copy is left as it was"
    stored = Notice.objects.get(pk=created.pk)
    assert stored.state == State.APPROVED and stored.approved_at is not None


def test_move_to_writes_its_extra_fields_only_when_it_wins(bare_notice):
    created = bare_notice(State.SENT)
    stale = Notice.objects.get(pk=created.pk)
    Notice.objects.filter(pk=created.pk).update(state=State.ACKNOWLEDGED)
    assert stale.move_to(State.DISPUTED, provider_note="không đồng ý") is False
    stored = Notice.objects.get(pk=created.pk)
    assert stored.state == State.ACKNOWLEDGED and stored.provider_note == ""


# — the services' transitions leave one event and one audit entry each ——————————————————————————————————————


def _transitions(notice):
    """(action, from, to) of every NoticeEvent that is a change of state, in order."""
    return [(e.action, e.from_state, e.to_state)
            for e in NoticeEvent.objects.filter(notice=notice).exclude(from_state="").order_by("at", "pk")]


def _audited_transitions(notice):
    """(action, from, to) of every audit entry about the notice that names a previous state, oldest first."""
    rows = AuditEvent.objects.filter(object_type="takedowns.notice", object_id=str(notice.pk)).order_by("seq")
    return [(a.action, a.data.get("from"), a.data.get("to")) for a in rows if a.data.get("from")]


def assert_walk(notice, expected):
    """The notice went exactly through `expected`, with one notice event and one audit entry per transition."""
    notice.refresh_from_db()
    assert notice.state == expected[-1][2]
    assert _transitions(notice) == expected
    assert _audited_transitions(notice) == expected
    for event in NoticeEvent.objects.filter(notice=notice).exclude(from_state=""):
        assert event.from_state != event.to_state, f"{event.action} is logged as a transition but changed nothing"
        assert event.to_state in TRANSITIONS[event.from_state], f"{event.action} took an undeclared edge"
    untracked = NoticeEvent.objects.filter(notice=notice, from_state="").exclude(
        action__in=["notice.draft", "notice.hold", "notice.reminder", "notice.second", "notice.breach",
                    "notice.escalate", "notice.url_moved"])
    stray = list(untracked.values_list("action", flat=True))
    assert not stray, f"events without a previous state: {stray}"


def _answer(world, kind, note=""):
    return services.answer(Notice.objects.get(), world.isp, kind, note, actor=world.liaison)


def _check_now(settings):
    NoticeURL.objects.update(next_check_at=timezone.now() - dt.timedelta(seconds=1))
    settings.NOTICE_HOST_INTERVAL_SECONDS = 0
    from copvn.takedowns import verification

    return verification.run_due()


SENT_PATH = [("notice.approve", State.DRAFT, State.APPROVED), ("notice.send", State.APPROVED, State.SENT)]


def test_the_main_path_from_draft_to_closed_through_the_services(world, settings):
    decided_case(world, "/post/main")
    notice = Notice.objects.get()
    assert _transitions(notice) == [], "drafting is the creation, not a transition"
    assert NoticeEvent.objects.filter(notice=notice, action="notice.draft", to_state=State.DRAFT).count() == 1
    services.approve(notice, world.legal)
    _answer(world, "acknowledge")
    _answer(world, "removed", "Đã gỡ bài viết")
    Pages.down.add("/post/main")
    for _ in range(django_settings.NOTICE_MISSES_FOR_REMOVAL):
        assert _check_now(settings)["checked"] == 1
    notice.refresh_from_db()
    assert notice.state == State.VERIFIED_REMOVED
    services.close(notice, world.legal, "Đã kiểm chứng gỡ bỏ")
    assert_walk(notice, SENT_PATH + [
        ("notice.acknowledge", State.SENT, State.ACKNOWLEDGED),
        ("notice.removed", State.ACKNOWLEDGED, State.REMOVAL_REPORTED),
        ("notice.verified_removed", State.REMOVAL_REPORTED, State.VERIFIED_REMOVED),
        ("notice.close", State.VERIFIED_REMOVED, State.CLOSED),
    ])
    notice.refresh_from_db()
    assert notice.closed_at is not None and notice.removed_at is not None
    assert not NoticeURL.objects.filter(notice=notice, next_check_at__isnull=False).exists(), "closed: no more checks"


def test_a_dispute_upheld_closes_the_notice(world):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    _answer(world, "dispute", "Nội dung là tin tức, không vi phạm")
    services.settle_dispute(notice, world.legal, True, "Chấp nhận: nội dung báo chí")
    assert_walk(notice, SENT_PATH + [
        ("notice.dispute", State.SENT, State.DISPUTED),
        ("notice.dispute_upheld", State.DISPUTED, State.CLOSED),
    ])
    notice.refresh_from_db()
    assert notice.provider_status == Notice.ProviderStatus.DISPUTED and notice.closed_at is not None


def test_a_dispute_rejected_keeps_the_notice_live_and_sends_a_second_notice(world):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    _answer(world, "dispute", "Không đồng ý")
    services.settle_dispute(notice, world.legal, False, "Nội dung vẫn vi phạm")
    assert_walk(notice, SENT_PATH + [
        ("notice.dispute", State.SENT, State.DISPUTED),
        ("notice.dispute_rejected", State.DISPUTED, State.STILL_LIVE),
    ])
    assert list(notice.dispatches.values_list("kind", flat=True)) == [Dispatch.Kind.NOTICE, Dispatch.Kind.SECOND_NOTICE]


def test_settling_a_dispute_needs_a_note_and_a_pending_dispute(world):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    with pytest.raises(services.NoticeRefused):
        services.settle_dispute(notice, world.legal, True, "Không có phản đối")
    _answer(world, "dispute", "Không đồng ý")
    with pytest.raises(services.NoticeRefused):
        services.settle_dispute(notice, world.legal, True, "   ")
    assert Notice.objects.get().state == State.DISPUTED


def test_cancelling_a_draft(world):
    decided_case(world)
    notice = Notice.objects.get()
    with pytest.raises(services.NoticeRefused):
        services.cancel(notice, world.legal, "  ")
    services.cancel(notice, world.legal, "Nhập nhầm")
    assert_walk(notice, [("notice.cancel", State.DRAFT, State.CANCELLED)])
    assert not OutboxMessage.objects.exists(), "a cancelled draft sends nothing"


def test_a_sent_notice_cannot_be_cancelled(world):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    with pytest.raises(services.NoticeRefused):
        services.cancel(notice, world.legal, "Muộn rồi")
    assert_walk(notice, SENT_PATH)


@pytest.fixture
def ministry(make_org):
    """The addressee of the last ladder step (recipient_code of the seeded escalation step)."""
    from copvn.takedowns.models import EscalationStep

    step = EscalationStep.objects.get(kind=EscalationStep.Kind.ESCALATION)
    return make_org(step.recipient_code, kind="ministry", name="Bộ Văn hóa, Thể thao và Du lịch",
                    email="vanthu@bvhttdl.example")


def _climb_the_ladder(notice):
    """Every step of the ladder is due 72 hours after the deadline."""
    notice.refresh_from_db()
    counts = clocks.tick(notice.due_at + dt.timedelta(hours=72, minutes=1))
    notice.refresh_from_db()
    return counts


def test_the_ladder_escalates_a_notice_whose_content_is_still_live(world, ministry, settings):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(sent_at=now - dt.timedelta(hours=25), due_at=now - dt.timedelta(hours=1))
    _check_now(settings)  # the page is still up after the deadline
    notice.refresh_from_db()
    assert notice.state == State.STILL_LIVE
    counts = _climb_the_ladder(notice)
    assert counts == {"reminders": 0, "breaches": 1, "steps": 3}
    assert_walk(notice, SENT_PATH + [
        ("notice.still_live", State.SENT, State.STILL_LIVE),
        ("notice.escalate", State.STILL_LIVE, State.ESCALATED),
    ])
    escalation = notice.dispatches.get(kind=Dispatch.Kind.ESCALATION)
    assert escalation.recipient == ministry
    assert OutboxMessage.objects.filter(kind="notice.escalation", to=ministry.email).count() == 1
    assert clocks.tick(notice.due_at + dt.timedelta(hours=200))["steps"] == 0, "each step once"


def test_the_ladder_escalates_a_notice_the_provider_never_answered(world, ministry):
    decided_case(world)
    notice = services.approve(Notice.objects.get(), world.legal)
    counts = _climb_the_ladder(notice)
    assert counts == {"reminders": 0, "breaches": 1, "steps": 3}
    kinds = list(notice.dispatches.values_list("kind", flat=True))
    assert kinds == [Dispatch.Kind.NOTICE, Dispatch.Kind.REMINDER, Dispatch.Kind.SECOND_NOTICE,
                     Dispatch.Kind.ESCALATION]
    assert notice.state == State.ESCALATED, "72 hours past the deadline, reported to the ministry"
    assert_walk(notice, SENT_PATH + [("notice.escalate", State.SENT, State.ESCALATED)])


# — referrals —————————————————————————————————————————————————————————————————————————————————————————————


@pytest.fixture
def bare_referral(make_org):
    organisation = make_org("ca-thu", kind="police", name="Công an thử nghiệm")

    def make(state):
        return Referral.objects.create(reference=f"CH-TEST-{Referral.objects.count() + 1:05d}",
                                       case=Case.objects.create(), destination=Referral.Destination.POLICE,
                                       organisation=organisation, state=state, package_docx="0" * 64, package_sha256="0" * 64)

    return make


def test_the_referral_table_covers_every_state():
    assert set(referral_models.TRANSITIONS) == set(referral_models.State.values)


@pytest.mark.parametrize("pair", REFERRAL_PAIRS, ids=_pair_id)
def test_referral_move_to_follows_the_transition_table(bare_referral, pair):
    source, target = pair
    referral = bare_referral(source)
    if target in referral_models.TRANSITIONS[source]:
        assert referral.move_to(target) is True
        assert Referral.objects.get(pk=referral.pk).state == target
    else:
        with pytest.raises(referral_models.IllegalTransition):
            referral.move_to(target)
        assert Referral.objects.get(pk=referral.pk).state == source


def test_a_stale_referral_copy_loses(bare_referral):
    created = bare_referral(referral_models.State.SENT)
    first, second = Referral.objects.get(pk=created.pk), Referral.objects.get(pk=created.pk)
    assert first.move_to(referral_models.State.ACKNOWLEDGED)
    assert second.move_to(referral_models.State.CANCELLED) is False
    assert Referral.objects.get(pk=created.pk).state == referral_models.State.ACKNOWLEDGED


@pytest.fixture
def police(make_org, make_user, settings):
    org = make_org(settings.REFERRAL_POLICE_ORG, kind="police", name="Phòng An ninh mạng PA05 tỉnh Khánh Hòa",
                   email="pa05@congan.khanhhoa.example")
    return org, make_user("police_liaison", "canbo-pa05", organisation=org)


def _refer(world, police):
    org, _liaison = police
    case = decided_case(world)
    return referral_services.refer(case, org, Referral.Destination.POLICE, world.legal, note="Đề nghị xác minh")


def test_a_liaison_acknowledges_and_records_the_outcome(world, police):
    org, liaison = police
    referral = _refer(world, police)
    assert referral.state == referral_models.State.SENT
    assert OutboxMessage.objects.filter(kind="referral.send", to=org.email).count() == 1
    referral_services.acknowledge(referral, liaison)
    referral.refresh_from_db()
    assert referral.state == referral_models.State.ACKNOWLEDGED and referral.acknowledged_by == liaison
    referral_services.record_outcome(referral, liaison, Referral.Outcome.INVESTIGATING, "Đã lập hồ sơ xác minh")
    referral.refresh_from_db()
    assert referral.state == referral_models.State.CLOSED and referral.closed_at is not None
    audited = AuditEvent.objects.filter(object_type="cases.case", object_id=str(referral.case_id),
                                        action__startswith="referral.").order_by("seq")
    assert list(audited.values_list("action", flat=True)) == \
        ["referral.send", "referral.acknowledge", "referral.outcome"]
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.acknowledge(referral, liaison)


def test_a_liaison_of_another_organisation_cannot_acknowledge(world, police, make_org, make_user):
    other = make_org("pa05-khac", kind="police", name="Công an tỉnh khác")
    stranger = make_user("police_liaison", "canbo-khac", organisation=other)
    referral = _refer(world, police)
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.acknowledge(referral, stranger)
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.record_outcome(referral, stranger, Referral.Outcome.NO_ACTION, "Không phải của chúng tôi")
    referral.refresh_from_db()
    assert referral.state == referral_models.State.SENT and referral.acknowledged_by is None


def test_an_outcome_needs_a_note_and_a_choice(world, police):
    _org, liaison = police
    referral = _refer(world, police)
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.record_outcome(referral, liaison, Referral.Outcome.PROSECUTED, "   ")
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.record_outcome(referral, liaison, "", "Có ghi chú")
    with pytest.raises(referral_services.ReferralRefused):
        referral_services.record_outcome(referral, liaison, "invented", "Có ghi chú")
    referral.refresh_from_db()
    assert referral.state == referral_models.State.SENT and referral.outcome == ""
    referral_services.record_outcome(referral, liaison, Referral.Outcome.PROSECUTED, "Đã khởi tố")
    referral.refresh_from_db()
    assert referral.state == referral_models.State.CLOSED and referral.acknowledged_by == liaison, \
        "an outcome straight from sent counts as the acknowledgement too"


def _csam_case(world):
    world.analyst.organisation = world.issuer  # as the demo province's analysts are
    world.analyst.save(update_fields=["organisation"])
    return decided_case(world, "/csam/1", categories=["CSAM"], action="takedown", csam_class="baseline",
                        age_band="under_13")


def test_csam_refers_to_the_police_and_holds_the_notice(world, police, settings):
    org, _liaison = police
    case = _csam_case(world)
    referral = Referral.objects.get(case=case)
    assert referral.organisation == org and referral.destination == Referral.Destination.POLICE
    notice = Notice.objects.get(urls__case=case)
    assert notice.state == State.DRAFT
    expected = referral.sent_at + dt.timedelta(hours=settings.CSAM_NOTICE_HOLD_HOURS)
    assert notice.hold_until is not None and abs(notice.hold_until - expected) < dt.timedelta(seconds=5)
    assert NoticeEvent.objects.filter(notice=notice, action="notice.hold").count() == 1
    assert OutboxMessage.objects.filter(kind="referral.send", to=org.email).count() == 1

    services.approve(notice, world.legal)
    notice.refresh_from_db()
    assert notice.state == State.APPROVED, "approved while held: not sent"
    assert notice.sent_at is None and not notice.dispatches.exists()
    assert not OutboxMessage.objects.filter(kind="notice.notice").exists()
    with pytest.raises(services.NoticeRefused, match="công an"):
        services.send(notice, world.legal)
    assert services.release_held() == 0, "the hold has not passed"
    assert Notice.objects.get(pk=notice.pk).state == State.APPROVED

    Notice.objects.filter(pk=notice.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    assert services.release_held() == 1
    notice.refresh_from_db()
    assert notice.state == State.SENT and notice.sent_at is not None
    assert OutboxMessage.objects.filter(kind="notice.notice").count() == 1
    assert services.release_held() == 0, "sent once"
    assert_walk(notice, SENT_PATH)
    referred = AuditEvent.objects.get(action="referral.send", object_id=str(case.pk))
    sent = AuditEvent.objects.get(action="notice.send", object_id=str(notice.pk))
    assert referred.seq < sent.seq, "the police referral goes first"


def test_a_referral_by_staff_without_an_organisation_still_builds_its_package(world, police):
    """Staff roles have scope "all": an analyst need not belong to an organisation, and the decision's
    author is who makes the automatic referral."""
    assert world.analyst.organisation_id is None
    case = decided_case(world, "/csam/2", categories=["CSAM"], action="takedown", csam_class="baseline",
                        age_band="under_13")
    referral = Referral.objects.get(case=case)
    assert referral.package_docx and Notice.objects.get(urls__case=case).hold_until is not None
