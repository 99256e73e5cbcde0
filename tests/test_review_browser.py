"""The workbench end to end in Chromium: a partner's report with grooming cues reaches the analyst's queue with
its finding marked in the text; the analyst claims and decides; a senior analyst approves; the trail shows it."""

import json

import pytest

from .conftest import PASSWORD  # noqa: F401
from .test_browser import page, sign_in_through_the_form  # noqa: F401  (the page fixture)

pytestmark = pytest.mark.browser
GROOMING = "Em học lớp mấy rồi? Đừng kể với ai nhé, mai anh đón em ở cổng trường"


def test_a_partner_report_with_grooming_cues_is_claimed_decided_and_approved_in_the_browser(
        page, live_server, make_user, make_org, flushable_audit, client):  # noqa: F811
    from django.test import Client

    from copvn.audit.models import AuditEvent
    from copvn.intake.keys import issue
    from copvn.intake.models import Report
    from copvn.review.detection import detect_case
    from copvn.review.models import Decision

    _key, secret = issue(make_org("zalo", kind="platform"), "Zalo", "high")
    answer = Client().post("/api/v1/reports", json.dumps({"description": GROOMING, "external_ref": "ZL-7"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 201
    case = Report.objects.get(reference=answer.json()["reference"]).case
    detect_case(case.pk)  # what the worker does after intake

    analyst = make_user("analyst", username="phantich")
    sign_in_through_the_form(page, live_server, analyst)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hàng đợi xem xét").click()
    assert case.reference in page.locator("table.queue").inner_text()
    page.locator("form.card", has_text="Dụ dỗ, lừa đảo").get_by_role("button", name="Nhận việc tiếp theo").click()
    page.wait_for_url("**/review/items/**")
    marked = page.locator("p.description mark.span")
    assert marked.count() >= 1 and "Đừng kể với ai" in " ".join(marked.all_inner_texts())
    assert "GROOM" in page.locator("table.findings").inner_text()
    assert "ưu tiên vì:" in page.locator("dl.facts").inner_text()
    page.screenshot(path="/tmp/review-item.png", full_page=True)

    form = page.locator("#decision-form")
    form.get_by_label("Có hại", exact=True).check()
    form.get_by_label("Dụ dỗ, lôi kéo", exact=False).first.check()
    form.get_by_label("Hành động").select_option("takedown")
    form.get_by_label("Lý do").fill("Người lạ dụ trẻ giữ bí mật và hẹn gặp")
    form.get_by_role("button", name="Ghi quyết định").click()
    assert "chờ phê duyệt" in page.locator(".messages").inner_text()

    page.get_by_role("button", name="Đăng xuất").click()
    senior = make_user("senior_analyst", username="phantichchinh")
    sign_in_through_the_form(page, live_server, senior)
    page.goto(f"{live_server.url}/review/approvals/")
    page.get_by_role("button", name="Phê duyệt").click()
    assert "Đã ghi ý kiến phê duyệt" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    trail = page.locator("table.audit").inner_text()
    assert "Ra quyết định" in trail and "Phê duyệt quyết định" in trail and "Nhận vụ việc để xem xét" in trail
    assert Decision.objects.get().approval.by == senior
    assert AuditEvent.objects.filter(action="decision.approve", actor=senior).exists()
