"""The review queue and decisions: leases, priority with its reasons, routing, four-eyes, stages by decisions."""

import datetime as dt

import pytest
from django.utils import timezone

from copvn.audit.models import AuditEvent
from copvn.cases.models import State
from copvn.intake.services import ReportInput, submit
from copvn.review import queue
from copvn.review.models import Decision, Finding, QueueItem, RoutingRule
from copvn.review.services import DecisionInput, ReviewRefused, approve, decide, hold


def a_case(description="Có người nhắn tin làm quen học sinh", **extra):
    report, _ = submit(ReportInput(channel=extra.pop("channel", "hotline_111"), description=description, **extra))
    queue.refresh(report.case)
    return report.case


def choice(**extra):
    values = {"categories": ["BULLY"], "harmful": True, "action": "monitor", "reason": "Bắt nạt học sinh", "seen_number": 0}
    return DecisionInput(**{**values, **extra})


def test_a_claimed_item_is_leased_to_one_analyst_only(db, make_user):
    case = a_case()
    first, second = make_user("analyst", "a1"), make_user("analyst", "a2")
    item = queue.claim(first)
    assert item.case == case and item.holder == first and item.lease_until > timezone.now()
    assert queue.claim(second) is None, "nobody else gets a leased item"
    assert queue.claim(first) == item, "the holder gets their own item back"
    QueueItem.objects.filter(pk=item.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert queue.claim(second).holder == second, "an expired lease frees the item"


def test_skipping_releases_and_renewing_extends_only_for_the_holder(db, make_user):
    a_case()
    first, second = make_user("analyst", "a1"), make_user("analyst", "a2")
    item = queue.claim(first)
    assert not queue.renew(second, item) and queue.renew(first, item)
    assert not queue.release(second, item) and queue.release(first, item)
    assert queue.claim(second).holder == second


def test_priority_puts_the_clock_and_severe_categories_first_and_says_why(db, make_user):
    calm = a_case("Trang cờ bạc quảng cáo cho học sinh", channel="web", harm_words="gambling")
    urgent = a_case("Một em bé đang bị đe dọa", child_in_danger=True)
    calm_item, urgent_item = (QueueItem.objects.get(case=c) for c in (calm, urgent))
    assert urgent_item.priority > calm_item.priority
    codes = [code for _points, code, _params in urgent_item.priority_reasons]
    assert codes[0] == "clock" and "age" in codes
    from copvn.review.templatetags.review import priority_words

    assert "còn 12 giờ trong hạn 12 giờ" in priority_words(urgent_item.priority_reasons)
    assert queue.claim(make_user("analyst")).case == urgent


def test_routing_rules_are_data_first_match_wins_and_the_item_records_the_rule(db):
    groom = a_case(category_codes=["FRAUD"])
    item = QueueItem.objects.get(case=groom)
    assert item.queue.code == "contact" and item.routed_by == "Dụ dỗ, lừa đảo (v1)"
    RoutingRule.objects.create(sequence=1, name="Mọi vụ 111", channels=["hotline_111"], queue=item.queue.__class__
                               .objects.get(code="general"), version=3)
    assert queue.refresh(groom).routed_by == "Mọi vụ 111 (v3)"


def test_the_csam_queue_is_only_for_cleared_analysts(db, make_user):
    a_case(category_codes=["CSAM"])
    analyst = make_user("analyst")
    assert queue.claim(analyst) is None
    QueueItem.objects.get().queue.cleared_users.add(analyst)
    assert queue.claim(analyst) is not None


def test_a_decision_needs_a_reason_and_refuses_a_stale_version_or_someone_elses_item(db, make_user):
    case = a_case()
    first, second = make_user("analyst", "a1"), make_user("analyst", "a2")
    queue.claim(first)
    with pytest.raises(ReviewRefused, match="Cần ghi lý do"):
        decide(case, first, choice(reason="  "))
    with pytest.raises(ReviewRefused, match="đang được"):
        decide(case, second, choice())
    decide(case, first, choice())
    with pytest.raises(ReviewRefused, match="quyết định mới hơn"):
        decide(case, second, choice(seen_number=0))
    assert Decision.objects.count() == 1


def test_decisions_are_append_only_and_a_new_one_supersedes(db, make_user):
    case = a_case()
    analyst = make_user("analyst")
    first = decide(case, analyst, choice())
    with pytest.raises(PermissionError):
        first.save()
    second = decide(case, analyst, choice(seen_number=1, harmful=False, categories=[], action="none",
                                          reason="Không có hại sau khi xem lại"))
    assert second.supersedes == first and second.number == 2


def test_four_eyes_a_senior_approves_and_nobody_approves_their_own(db, make_user):
    case = a_case()
    analyst, senior = make_user("analyst"), make_user("senior_analyst")
    decision = decide(case, analyst, choice(categories=["GROOM"], action="both", reason="Dụ dỗ trẻ em"))
    assert decision.needs_approval and case.__class__.objects.get(pk=case.pk).state == State.ASSESSING
    own = decide(a_case("khác"), senior, choice(categories=["GROOM"], action="both"))
    with pytest.raises(ReviewRefused, match="chính mình"):
        approve(own, senior, True)
    approve(decision, senior, True)
    assert case.__class__.objects.get(pk=case.pk).state == State.COORDINATING
    assert AuditEvent.objects.filter(action="decision.approve").count() == 1


def test_a_returned_decision_goes_back_to_its_author_with_the_comment(db, make_user):
    case = a_case()
    analyst, senior = make_user("analyst"), make_user("senior_analyst")
    decision = decide(case, analyst, choice(categories=["GROOM"], action="takedown", reason="x"))
    with pytest.raises(ReviewRefused, match="ghi ý kiến"):
        approve(decision, senior, False, "")
    approve(decision, senior, False, "Thiếu căn cứ pháp lý")
    item = QueueItem.objects.exclude(state="done").get(case=case)
    assert item.assigned_to == analyst and case.__class__.objects.get(pk=case.pk).state == State.ASSESSING


@pytest.mark.parametrize("start, made, expected", [
    (State.RECEIVED, {"action": "monitor"}, State.ASSESSING),
    (State.COLLECTING, {"action": "monitor"}, State.ASSESSING),
    (State.RECEIVED, {"harmful": False, "categories": [], "action": "none"}, State.CLOSED),
    (State.RECEIVED, {"action": "referral"}, State.COORDINATING),
    (State.ASSESSING, {"action": "referral"}, State.COORDINATING),
    (State.COORDINATING, {"harmful": False, "categories": [], "action": "none"}, State.CLOSED),
    (State.CLOSED, {"action": "monitor"}, State.ASSESSING),
    (State.CLOSED, {"action": "referral"}, State.COORDINATING),
])
def test_stages_move_by_decisions(db, make_user, start, made, expected):
    case = a_case()
    case.__class__.objects.filter(pk=case.pk).update(state=start)
    decide(case.__class__.objects.get(pk=case.pk), make_user("analyst"), choice(**made))
    assert case.__class__.objects.get(pk=case.pk).state == expected


def test_a_closed_case_leaves_the_queue(db, make_user):
    case = a_case()
    decide(case, make_user("analyst"), choice(harmful=False, categories=[], action="none", reason="Không vi phạm"))
    assert not QueueItem.objects.filter(case=case).exclude(state="done").exists()


def test_holding_needs_a_reason_and_the_holder(db, make_user):
    a_case()
    analyst = make_user("analyst")
    item = queue.claim(analyst)
    with pytest.raises(ReviewRefused):
        hold(item, analyst, "")
    hold(item, analyst, "Chờ công an xác minh")
    item.refresh_from_db()
    assert item.state == "held" and item.holder is None


def test_the_review_screen_marks_the_spans_the_detectors_found(client, make_user, signed_in):
    text = "Anh cho em thẻ game, đừng kể với bố mẹ nhé"
    case = a_case(text)
    report = case.reports.get()
    start = text.index("đừng kể với bố mẹ")
    Finding.objects.create(case=case, detector="lexicon", version="t", source=f"report:{report.pk}:description",
                           category_code="GROOM", score=0.9, key="k1",
                           evidence={"spans": [{"start": start, "end": start + len("đừng kể với bố mẹ"),
                                                "text": "đừng kể với bố mẹ"}]})
    analyst = make_user("analyst")
    item = queue.claim(analyst)
    signed_in(analyst)
    page = client.get(f"/review/items/{item.pk}/").content.decode()
    assert '<mark class="span" title="GROOM">đừng kể với bố mẹ' in page
    assert "ưu tiên vì:" in page and "Ghi quyết định" in page


def test_decide_through_the_page_then_approve(client, make_user, signed_in):
    case = a_case()
    analyst, senior = make_user("analyst"), make_user("senior_analyst")
    item = queue.claim(analyst)
    signed_in(analyst)
    answer = client.post(f"/review/cases/{case.reference}/decide/", {
        "harmful": "yes", "categories": ["GROOM"], "severity": 3, "action": "takedown", "reason": "Dụ dỗ",
        "seen_number": 0})
    assert answer.status_code == 302 and Decision.objects.get().needs_approval
    assert item.pk
    signed_in(senior)
    assert "Dụ dỗ" in client.get("/review/approvals/").content.decode()
    client.post(f"/review/decisions/{Decision.objects.get().pk}/approve/", {"verdict": "approve"})
    assert case.__class__.objects.get(pk=case.pk).state == State.COORDINATING


def test_an_image_assessed_in_another_case_is_not_shown_again(client, make_user, signed_in):
    from .conftest import png_bytes

    image = png_bytes(colour=(40, 50, 60))
    first, _ = submit(ReportInput(channel="web", urls=["https://a.example.vn/1"], uploads=[(image, "a.png")]))
    decide(first.case, make_user("analyst", "a1"), choice(harmful=False, categories=[], action="none", reason="x"))
    second, _ = submit(ReportInput(channel="web", urls=["https://b.example.vn/2"], uploads=[(image, "b.png")]))
    assert second.case != first.case
    signed_in(make_user("analyst", "a2"))
    page = client.get(f"/cases/{second.case.reference}/").content.decode()
    assert "đã được đánh giá ngày" in page and f"/media/{second.uploads.get().pk}/" not in page


def test_exposure_is_counted_and_the_soft_limit_suggests_a_break(client, make_user, signed_in, make_case, settings):
    settings.EXPOSURE_DAILY_LIMIT = 2
    case = make_case()
    upload = case.reports.get().uploads.get()
    analyst = make_user("analyst")
    signed_in(analyst)
    for _ in range(2):
        client.get(f"/cases/{case.reference}/media/{upload.pk}/")
    from copvn.review.wellness import exposure_today

    assert exposure_today(analyst) == {"count": 2, "limit": 2, "over": True}
    item = queue.refresh(case)
    queue.claim(analyst)
    assert "Hãy nghỉ một lát" in client.get(f"/review/items/{item.pk}/").content.decode()


def test_metrics_give_median_and_90th_percentile_in_sql(db, make_user):
    from copvn.cases.models import Case
    from copvn.review.metrics import durations

    analyst = make_user("analyst", "a1")
    for hours in (1, 2, 3, 4, 10):
        case = a_case(f"Vụ {hours}")
        Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - dt.timedelta(hours=hours))
        decide(Case.objects.get(pk=case.pk), analyst, choice())
    rows = {r.group.strip(): r for r in durations("decision", "analyst")}
    assert rows["(a1)"].count == 5 and rows["(a1)"].median_hours == pytest.approx(3, abs=0.05)
    assert rows["(a1)"].p90_hours == pytest.approx(10, abs=0.05)
    assert {r.group for r in durations("decision", "category")} == {"BULLY"}


def test_the_decision_log_export_is_audited(client, make_user, signed_in):
    decide(a_case(), make_user("analyst"), choice(reason="=cmd|' /C calc'!A0"))
    signed_in(make_user("auditor"))
    text = b"".join(client.get("/review/decisions.csv").streaming_content).decode("utf-8-sig")
    assert "'=cmd" in text and AuditEvent.objects.filter(action="decision.export").exists()
    assert "Trung vị" in client.get("/review/metrics/").content.decode()


def test_a_strong_finding_routes_the_case_and_a_known_false_positive_does_not(db):
    case = a_case("Nội dung")
    Finding.objects.create(case=case, detector="lexicon", version="t", source="x", category_code="FRAUD", score=0.9,
                           key="f1", evidence={"spans": []})
    assert queue.refresh(case).queue.code == "contact"
    other = a_case("Khác")
    Finding.objects.create(case=other, detector="hashlist", version="t", source="y", category_code="FRAUD",
                           score=1.0, key="f2", evidence={"negative": True})
    assert queue.refresh(other).queue.code == "general"


def test_a_learned_models_finding_routes_only_when_it_is_sure(db):
    """A grooming chat the category models also score CSAM 0.64 must not leave the analysts' queue for the
    restricted CSAM queue; at 0.9 it does."""
    case = a_case("Nội dung")
    Finding.objects.create(case=case, detector="categories", version="t", source="x", category_code="CSAM",
                           score=0.64, key="m1", evidence={"spans": []})
    Finding.objects.create(case=case, detector="categories", version="t", source="x", category_code="GROOM",
                           score=0.99, key="m2", evidence={"spans": []})
    item = queue.refresh(case)
    assert item.queue.code != "csam" and "CSAM" not in queue.suggested_categories(case)
    Finding.objects.filter(key="m1").update(score=0.9)
    assert queue.refresh(case).queue.code == "csam"


def test_a_final_harmful_decision_puts_the_image_in_the_provinces_list_and_a_reupload_is_recognised(db, make_user):
    from copvn.lists.matching import match_media
    from copvn.review.detection import detect_case
    from copvn.review.models import Finding

    from .test_reviewer_protection import detailed_png

    image = detailed_png(seed=21)
    first, _ = submit(ReportInput(channel="web", urls=["https://a.example.vn/p/1"], uploads=[(image, "a.png")]))
    decide(first.case, make_user("analyst"), choice(categories=["BULLY"], action="monitor"))
    upload = first.uploads.get()
    assert any(m.list_slug.startswith("anh-da-xac-nhan") for m in match_media(upload.sha256, upload.md5, upload.pdq))
    again, _ = submit(ReportInput(channel="web", urls=["https://b.example.vn/p/2"], uploads=[(image, "b.png")]))
    detect_case(again.case.pk)
    assert Finding.objects.filter(case=again.case, detector="hashlist", category_code="").exists(), \
        "the re-upload matches the province's list of confirmed images"


def test_editing_a_routing_rule_makes_a_new_version_that_items_record(client, make_user, signed_in):
    rule = RoutingRule.objects.get(sequence=30)
    signed_in(make_user("senior_analyst"))
    answer = client.post(f"/review/rules/{rule.pk}/", {"sequence": 30, "name": "Dụ dỗ, lừa đảo, tống tiền",
                                                        "categories": ["GROOM", "FRAUD"], "queue": rule.queue.pk,
                                                        "active": "on"})
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and AuditEvent.objects.filter(action="review.rule").exists()
    case = a_case(category_codes=["FRAUD"])
    assert QueueItem.objects.get(case=case).routed_by == "Dụ dỗ, lừa đảo, tống tiền (v2)"


def test_a_report_worded_like_an_already_decided_one_shows_that_decision(client, make_user, signed_in):
    from copvn.review.detection import detect_case

    text = "Tài khoản lạ nhắn tin cho học sinh lớp sáu, hỏi địa chỉ nhà và hẹn gặp sau giờ học ở cổng trường"
    first = a_case(text)
    decide(first, make_user("analyst", "a1"), choice(categories=["GROOM"], action="referral", reason="Dụ dỗ"))
    second = a_case("Chuyển tiếp: " + text.replace("lớp sáu", "lớp 6"), channel="email")
    detect_case(second.pk)
    near = Finding.objects.get(case=second, detector="neardup")
    assert near.evidence["case"] == first.reference and near.score >= 0.6
    signed_in(make_user("analyst", "a2"))
    page = client.get(f"/cases/{second.reference}/").content.decode()
    assert f"trong vụ việc {first.reference}" in page


def test_wellness_defaults_come_from_the_organisation_until_a_reviewer_chooses(client, make_user, make_org, signed_in):
    from copvn.review.wellness import settings_for

    centre = make_org("trung-tam")
    senior = make_user("senior_analyst", organisation=centre)
    analyst = make_user("analyst", organisation=centre)
    signed_in(senior)
    client.post("/review/wellness/", {"greyscale": "on", "daily_limit": 25, "for_organisation": "on"})
    mine = settings_for(analyst)
    assert (mine.blur, mine.greyscale, mine.daily_limit) == (False, True, 25), "the organisation's default"
    signed_in(analyst)
    assert "for_organisation" not in client.get("/review/wellness/").content.decode()
    client.post("/review/wellness/", {"blur": "on", "greyscale": "on", "daily_limit": 60})
    assert settings_for(analyst).daily_limit == 60 and settings_for(analyst).blur


def test_a_case_decided_for_monitoring_leaves_the_queue_until_something_new_arrives(db, make_user):
    case = a_case("Trang cờ bạc quảng cáo cho học sinh", harm_words="gambling", channel="web")
    decide(case, make_user("analyst"), choice(categories=["GAMB"], action="monitor", reason="Theo dõi thêm"))
    assert not QueueItem.objects.filter(case=case).exclude(state="done").exists()
    from copvn.intake.models import Report

    Report.objects.create(case=case, channel="email", description="Thêm bằng chứng mới")
    assert queue.refresh(case) is not None, "a report after the decision puts it back in the queue"
