"""The permission matrix: every role against every view that exists, allowed or denied.

The table below is written by hand from BRIEF §2, not derived from the code. A view added without a row
here fails `test_every_view_is_in_the_matrix`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from copvn.accounts.roles import ROLES
from copvn.taxonomy.models import Category

ALL = set(ROLES)
ADMIN = {"admin"}
AUDIT = {"auditor", "admin"}
PUBLIC = "public"
NOTHING = "nothing"  # the API's root: ninja's docs page is switched off, so it answers 404 to everyone
API = "api"  # authenticated by partner API keys, not by staff sessions: see test_the_api_ignores_staff_sessions
CASES = {"intake_officer", "analyst", "senior_analyst", "legal_officer", "auditor"}
ENTER = {"intake_officer", "analyst", "senior_analyst"}
MEDIA = {"intake_officer", "analyst", "senior_analyst"}
REVIEW = {"analyst", "senior_analyst"}
LISTS_VIEW = {"analyst", "senior_analyst", "auditor", "admin"}
LISTS_MANAGE = {"senior_analyst", "admin"}
NOTICES_VIEW = {"analyst", "senior_analyst", "legal_officer", "auditor", "admin"}
NOTICES_APPROVE = {"senior_analyst", "legal_officer"}
NOTICES_FIGURES = {"senior_analyst", "legal_officer", "auditor", "admin"}
TASKS_VIEW = {"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison", "platform_liaison",
              "lead_officer", "auditor", "admin"}
TASKS_UPDATE = {"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison", "platform_liaison"}
ACTIVITIES_VIEW = {"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison", "lead_officer",
                   "auditor", "admin"}
ACTIVITIES_RECORD = {"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison"}
OBSTACLES_VIEW = TASKS_VIEW
REPORTS_VIEW = {"lead_officer", "auditor", "admin"}
REPORTS_SUBMIT = ACTIVITIES_RECORD
DASHBOARD = {"lead_officer", "senior_analyst", "legal_officer", "auditor", "admin"}
MONITORING_VIEW = {"analyst", "senior_analyst", "auditor", "admin"}
MONITORING_MANAGE = {"analyst", "senior_analyst"}
REFERRALS_VIEW = {"senior_analyst", "legal_officer", "auditor", "admin"}
LIAISONS = {"police_liaison", "child_services_liaison"}

# view name -> (HTTP method used to probe, roles allowed or PUBLIC)
MATRIX = {
    "health": ("get", PUBLIC),
    "set_language": ("post", PUBLIC),
    "accounts:login": ("get", PUBLIC),
    "accounts:second_factor": ("get", PUBLIC),
    "accounts:enrol": ("get", PUBLIC),
    "accounts:logout": ("post", PUBLIC),
    "accounts:password": ("get", ALL),
    "home": ("get", ALL),
    "orgs:list": ("get", ALL),
    "orgs:detail": ("get", ALL),
    "orgs:create": ("get", ADMIN),
    "orgs:edit": ("get", ADMIN),
    "taxonomy:list": ("get", ALL),
    "taxonomy:create": ("get", ADMIN),
    "taxonomy:edit": ("get", ADMIN),
    "accounts:user_list": ("get", ADMIN),
    "accounts:user_create": ("get", ADMIN),
    "accounts:user_edit": ("get", ADMIN),
    "accounts:user_reset": ("post", ADMIN),
    "audit:list": ("get", AUDIT),
    "audit:export": ("get", AUDIT),
    "audit:verify": ("post", AUDIT),
    "intake:public_report": ("get", PUBLIC),
    "intake:status": ("get", PUBLIC),
    "intake:staff_new": ("get", ENTER),
    "intake:import": ("get", {"intake_officer", "senior_analyst"}),
    "cases:list": ("get", CASES),
    "cases:detail": ("get", CASES),
    "cases:media": ("get", MEDIA),
    "cases:reveal": ("post", MEDIA),
    "cases:artefact": ("get", CASES),
    "apikeys:list": ("get", ADMIN),
    "apikeys:revoke": ("post", ADMIN),
    "api:openapi-json": ("get", PUBLIC),
    "api:create_report": ("post", API),
    "api:create_batch": ("post", API),
    "api:get_report": ("get", API),
    "api:api-root": ("get", NOTHING),
    "api:list_cases": ("get", API),
    "api:get_case": ("get", API),
    "api:claim_item": ("post", API),
    "api:renew_item": ("post", API),
    "api:release_item": ("post", API),
    "api:hold_item": ("post", API),
    "api:assign_item": ("post", API),
    "api:create_decision": ("post", API),
    "api:list_approvals": ("get", API),
    "api:approve_decision": ("post", API),
    "api:list_lists": ("get", API),
    "api:add_values": ("post", API),
    "api:import_values": ("post", API),
    "api:export_values": ("get", API),
    "review:queue": ("get", REVIEW),
    "review:claim": ("post", REVIEW),
    "review:item": ("get", REVIEW),
    "review:renew": ("post", REVIEW),
    "review:release": ("post", REVIEW),
    "review:hold": ("post", REVIEW),
    "review:assign": ("post", {"senior_analyst"}),
    "review:decide": ("post", REVIEW),
    "review:approvals": ("get", {"senior_analyst"}),
    "review:approve": ("post", {"senior_analyst"}),
    "review:wellness": ("get", REVIEW),
    "lists:index": ("get", LISTS_VIEW),
    "lists:detail": ("get", LISTS_VIEW),
    "lists:export": ("get", LISTS_VIEW),
    "lists:create": ("get", LISTS_MANAGE),
    "lists:settings": ("post", LISTS_MANAGE),
    "lists:import": ("post", LISTS_MANAGE),
    "lists:add": ("post", LISTS_MANAGE),
    "lists:remove_entry": ("post", LISTS_MANAGE),
    "review:metrics": ("get", {"senior_analyst", "auditor", "admin"}),
    "review:rules": ("get", {"senior_analyst", "admin"}),
    "review:rule_edit": ("get", {"senior_analyst", "admin"}),
    "review:decisions_export": ("get", {"senior_analyst", "auditor", "admin"}),
    "takedowns:list": ("get", NOTICES_VIEW),
    "takedowns:detail": ("get", NOTICES_VIEW),
    "takedowns:letter": ("get", NOTICES_VIEW),
    "takedowns:approve": ("post", NOTICES_APPROVE),
    "takedowns:cancel": ("post", NOTICES_APPROVE),
    "takedowns:send": ("post", {"legal_officer"}),
    "takedowns:settle_dispute": ("post", {"legal_officer"}),
    "takedowns:close": ("post", {"legal_officer"}),
    "takedowns:confirm_addressee": ("post", {"legal_officer"}),
    "takedowns:figures": ("get", NOTICES_FIGURES),
    "takedowns:figures_export": ("get", NOTICES_FIGURES),
    "takedowns:contacts": ("get", {"legal_officer", "admin"}),
    "takedowns:settings": ("get", NOTICES_VIEW),
    "takedowns:contact_edit": ("get", {"legal_officer", "admin"}),
    "takedowns:outbox": ("get", {"legal_officer", "auditor", "admin"}),
    "takedowns:outbox_retry": ("post", {"legal_officer", "admin"}),
    "takedowns:portal": ("get", {"platform_liaison"}),
    "takedowns:portal_detail": ("get", {"platform_liaison"}),
    "takedowns:portal_letter": ("get", {"platform_liaison"}),
    "referrals:list": ("get", REFERRALS_VIEW),
    "referrals:detail": ("get", REFERRALS_VIEW),
    "referrals:package": ("get", REFERRALS_VIEW),
    "referrals:refer": ("post", {"senior_analyst", "legal_officer"}),
    "referrals:inbox": ("get", LIAISONS),
    "referrals:inbox_detail": ("get", LIAISONS),
    "referrals:inbox_package": ("get", LIAISONS),
    "api:provider_notices": ("get", API),
    "api:provider_notice": ("get", API),
    "api:acknowledge": ("post", API),
    "api:removed": ("post", API),
    "api:dispute": ("post", API),
    "api:staff_notices": ("get", API),
    "api:staff_notice": ("get", API),
    "api:staff_approve": ("post", API),
    "api:staff_send": ("post", API),
    "api:staff_settle": ("post", API),
    "api:staff_close": ("post", API),
    "api:staff_confirm": ("post", API),
    "api:staff_figures": ("get", API),
    "api:list_referrals": ("get", API),
    "api:create_referral": ("post", API),
    "api:referral_inbox": ("get", API),
    "api:acknowledge_referral": ("post", API),
    "api:referral_outcome": ("post", API),
    "consent:list": ("get", {"press_editor", "auditor"}),
    "consent:detail": ("get", {"press_editor", "auditor"}),
    "consent:new": ("get", {"press_editor"}),
    "consent:check": ("get", {"press_editor"}),
    "consent:add_signer": ("post", {"press_editor"}),
    "consent:withdraw": ("post", {"press_editor"}),
    "api:prepublication_check": ("post", API),
    "api:create_consent": ("post", API),
    "api:get_consent": ("get", API),
    "api:add_signer": ("post", API),
    "api:withdraw_consent": ("post", API),
    "consent:checks": ("get", {"press_editor", "auditor"}),
    "consent:check_detail": ("get", {"press_editor", "auditor"}),
    "consent:redacted": ("get", {"press_editor", "auditor"}),
    "consent:blank_form": ("get", {"press_editor", "auditor"}),
    "consent:form": ("get", {"press_editor", "auditor"}),
    "consent:add_evidence": ("post", {"press_editor"}),
    "consent:open_evidence": ("get", {"press_editor", "auditor"}),
    "api:list_consents": ("get", API),
    "api:add_evidence": ("post", API),
    "api:open_evidence": ("get", API),
    "api:blank_form": ("get", API),
    "api:filled_form": ("get", API),
    "api:list_checks": ("get", API),
    "api:get_check": ("get", API),
    "coordination:list": ("get", TASKS_VIEW),
    "coordination:detail": ("get", TASKS_VIEW),
    "coordination:update": ("post", TASKS_UPDATE),
    "coordination:new": ("get", {"lead_officer"}),
    "coordination:attach": ("post", TASKS_UPDATE),
    "coordination:attachment": ("get", TASKS_VIEW),
    "coordination:activities": ("get", ACTIVITIES_VIEW),
    "coordination:activity_new": ("get", ACTIVITIES_RECORD),
    "coordination:activity": ("get", ACTIVITIES_VIEW),
    "coordination:activity_attach": ("post", ACTIVITIES_RECORD),
    "coordination:obstacles": ("get", OBSTACLES_VIEW),
    "coordination:obstacle_answer": ("post", {"lead_officer"}),
    "reporting:index": ("get", REPORTS_VIEW),
    "reporting:download": ("get", REPORTS_VIEW),
    "reporting:submission": ("get", REPORTS_VIEW),
    "reporting:review": ("post", {"lead_officer"}),
    "reporting:adhoc": ("post", {"lead_officer"}),
    "reporting:mine": ("get", REPORTS_SUBMIT),
    "reporting:edit": ("get", REPORTS_SUBMIT),
    "reporting:targets": ("get", REPORTS_VIEW),
    "reporting:dashboard": ("get", DASHBOARD),
    "transparency": ("get", PUBLIC),
    "api:assign_task": ("post", API),
    "api:attach_to_task": ("post", API),
    "api:list_activities": ("get", API),
    "api:create_activity": ("post", API),
    "api:list_obstacles": ("get", API),
    "api:raise_obstacle": ("post", API),
    "api:answer_obstacle": ("post", API),
    "api:province_report": ("get", API),
    "api:list_submissions": ("get", API),
    "api:my_submissions": ("get", API),
    "api:save_submission": ("put", API),
    "api:review_submission": ("post", API),
    "api:dashboard": ("get", API),
    "api:transparency": ("get", PUBLIC),
    "api:list_tasks": ("get", API),
    "api:get_task": ("get", API),
    "api:update_task": ("post", API),
    "api:classify_text": ("post", API),
    "monitoring:list": ("get", MONITORING_VIEW),
    "monitoring:new": ("get", MONITORING_MANAGE),
    "monitoring:detail": ("get", MONITORING_VIEW),
    "monitoring:check": ("post", MONITORING_MANAGE),
    "monitoring:drop": ("post", MONITORING_MANAGE),
    "api:list_sources": ("get", API),
    "api:create_source": ("post", API),
    "api:get_source": ("get", API),
    "api:update_source": ("patch", API),
    "api:check_now": ("post", API),
    "api:add_drop": ("post", API),
    "api:alerts": ("get", API),
}


def _item(case):
    from copvn.review.queue import refresh

    return refresh(case).pk


def _decision(case):
    from copvn.accounts.models import User
    from copvn.review.models import Decision

    user, _created = User.objects.get_or_create(username="nguoi-quyet-dinh", defaults={"role": "analyst"})
    return Decision.objects.create(case=case, number=1, categories=["GROOM"], harmful=True, action="takedown",
                                   reason="x", decided_by=user, needs_approval=True).pk


def _rule(case):
    from copvn.review.models import RoutingRule

    return RoutingRule.objects.first().pk


REVIEW_ARGS = {"review:rule_edit": _rule, "review:item": _item, "review:renew": _item, "review:release": _item,
               "review:hold": _item, "review:assign": _item, "review:decide": lambda case: case.reference, "review:approve": _decision}


def all_view_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from all_view_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}"


def url_for(name, user, make_org, case=None):
    from django.urls import reverse

    if name.startswith("review:") and name in REVIEW_ARGS:
        return reverse(name, args=[REVIEW_ARGS[name](case)])
    if name.startswith("cases:") and name != "cases:list":
        upload = case.reports.first().uploads.first()
        artefact = case.urls.first().captures.first().artefacts.first()
        args = {"cases:detail": [case.reference], "cases:media": [case.reference, upload.pk],
                "cases:reveal": [case.reference, upload.pk], "cases:artefact": [case.reference, artefact.pk]}[name]
        return reverse(name, args=args)
    if name == "apikeys:revoke":
        from copvn.intake.keys import issue

        return reverse(name, args=[issue(make_org(kind="platform"), "k", "normal")[0].pk])
    if name in {"api:get_case", "api:create_decision"}:
        return reverse(name, args=[case.reference])
    if name in {"api:add_values", "api:import_values", "api:export_values"}:
        return reverse(name, args=["anh-da-xac-nhan-sha256"])
    if name in {"api:renew_item", "api:release_item", "api:approve_decision", "api:hold_item", "api:assign_item"}:
        return reverse(name, args=[1])
    if name == "api:get_report":
        return reverse(name, args=["PA-22222-22222"])

    if name in {"orgs:detail", "orgs:edit"}:
        org = user.organisation if user is not None and user.organisation else make_org()
        return reverse(name, args=[org.pk])
    if name in {"accounts:user_edit", "accounts:user_reset"}:
        return reverse(name, args=[user.pk if user else 1])
    if name.startswith("lists:") and name not in {"lists:index", "lists:create"}:
        from copvn.lists import seed, services

        hash_list = services.province_list(seed.CONFIRMED_SHA256)
        if name == "lists:remove_entry":
            services.add_entries(hash_list, ["0" * 64])
            return reverse(name, args=[hash_list.slug, hash_list.entries.get().pk])
        return reverse(name, args=[hash_list.slug])
    if name.startswith(("takedowns:", "referrals:")) or name.startswith("api:staff_") or \
            name in {"api:provider_notice", "api:acknowledge", "api:removed", "api:dispute", "api:acknowledge_referral",
                     "api:referral_outcome"}:
        return _coordination_url(name, user, make_org, case)
    if name in {"consent:detail", "consent:add_signer", "consent:withdraw", "consent:add_evidence"}:
        return reverse(name, args=[_consent(user, make_org).pk])
    if name == "consent:form":
        return reverse(name, args=[_consent(user, make_org).pk, "docx"])
    if name == "consent:blank_form":
        return reverse(name, args=["docx"])
    if name == "consent:open_evidence":
        consent = _consent(user, make_org)
        from copvn.consent.services import add_evidence

        png = _png()
        return reverse(name, args=[consent.pk, add_evidence(consent, None, png).pk])
    if name in {"consent:check_detail", "consent:redacted"}:
        return reverse(name, args=[_kept_check(user, make_org).pk])
    if name in {"coordination:detail", "coordination:update", "coordination:attach"}:
        return reverse(name, args=[_task(user, make_org).pk])
    if name == "coordination:attachment":
        return reverse(name, args=[_attachment(user, make_org).pk])
    if name == "coordination:activity_new":
        return reverse(name, args=["awareness"])
    if name in {"coordination:activity", "coordination:activity_attach"}:
        return reverse(name, args=[_activity(user, make_org).pk])
    if name == "coordination:obstacle_answer":
        return reverse(name, args=[_obstacle(user, make_org).pk])
    if name in {"reporting:submission", "reporting:review"}:
        return reverse(name, args=[_submission(user, make_org).pk])
    if name == "reporting:download":
        return reverse(name, args=["monthly", _last_month(), "xlsx"])
    if name == "reporting:edit":
        return reverse(name, args=["monthly", _last_month()])
    if name == "api:transparency":
        return reverse(name) + "?type=monthly&period=" + _last_month()
    if name in {"api:province_report", "api:save_submission"}:
        return reverse(name, args=["monthly", _last_month()])
    if name in {"api:attach_to_task", "api:answer_obstacle", "api:review_submission"}:
        return reverse(name, args=[1])
    if name in {"monitoring:detail", "monitoring:check", "monitoring:drop"}:
        return reverse(name, args=[_source().pk])
    if name in {"api:get_consent", "api:add_signer", "api:withdraw_consent", "api:add_evidence", "api:filled_form",
                "api:get_check", "api:get_task", "api:update_task", "api:get_source", "api:update_source",
                "api:check_now", "api:add_drop"}:
        return reverse(name, args=[1])
    if name == "api:open_evidence":
        return reverse(name, args=[1, 1])
    if name == "taxonomy:edit":
        return reverse(name, args=[Category.objects.first().code])
    return reverse(name)


def _notice(user, make_org, case):
    """A sent notice with one dispatch, addressed to the user's organisation when the user is a liaison."""
    from copvn.core.outbox import DOCUMENTS
    from copvn.takedowns.models import Dispatch, LegalBasis, Notice, NoticeURL

    existing = Notice.objects.filter(reference="YC-2026-00001").first()
    if existing is not None:  # a test that opens several views reuses the one notice
        return existing, existing.dispatches.get()
    provider = user.organisation if user is not None and user.role == "platform_liaison" else make_org(kind="isp")
    notice = Notice.objects.create(reference="YC-2026-00001", provider=provider, issuer=make_org(),
                                   legal_basis=LegalBasis.objects.first(), state="sent")
    NoticeURL.objects.create(notice=notice, case=case, url="https://example.org/x", host="example.org")
    dispatch = Dispatch.objects.create(notice=notice, kind="notice", recipient=provider,
                                       letter_docx=DOCUMENTS.store(b"letter"), channels=["portal"])
    return notice, dispatch


def _referral(user, make_org, case):
    from copvn.core.outbox import DOCUMENTS
    from copvn.referrals.models import Referral

    if user is not None and user.role in LIAISONS and user.organisation is None:
        user.organisation = make_org(kind="police")
        user.save(update_fields=["organisation"])
    existing = Referral.objects.filter(reference="CH-2026-00001").first()
    if existing is not None:  # a test that opens several views reuses the one referral
        return existing
    to = user.organisation if user is not None and user.role in LIAISONS else make_org(kind="police")
    return Referral.objects.create(reference="CH-2026-00001", case=case, destination="police", organisation=to,
                                   package_docx=DOCUMENTS.store(b"package"), package_sha256="0" * 64)


def _consent(user, make_org):
    import datetime as dt

    from copvn.consent.models import ConsentRecord

    agency = user.organisation if user is not None and user.role == "press_editor" else make_org(kind="press")
    return ConsentRecord.objects.create(agency=agency, child_name="Nguyễn Thị Lan", name_key="nguyen thi lan",
                                        date_of_birth=dt.date(2020, 3, 2), categories=["identity"], media=["online"],
                                        valid_from=dt.date(2026, 1, 1))


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def _kept_check(user, make_org):
    import datetime as dt

    from copvn.consent.models import PrepublicationCheck

    agency = user.organisation if user is not None and user.role == "press_editor" else make_org(kind="press")
    return PrepublicationCheck.objects.create(agency=agency, publication_date=dt.date(2026, 12, 1), text_sha256="0" * 64,
                                              result={"verdicts": [{"verdict": "no_record"}], "redacted": "x"}, kept=True)


def _source():
    from copvn.accounts.models import User
    from copvn.monitoring.models import Source

    owner, _created = User.objects.get_or_create(username="to-theo-doi", defaults={"role": "analyst"})
    # A loopback address the fetcher refuses at once: a probe that reaches "check now" fetches nothing.
    return Source.objects.create(name="Nguồn tin", kind="feed", url="http://127.0.0.1:9/feed", owner=owner)


def _org_of(user, make_org):
    return user.organisation if user is not None and user.organisation is not None else make_org()


def _author(user):
    from copvn.accounts.models import User

    return user or User.objects.get_or_create(username="dau-moi", defaults={"role": "agency_focal_point"})[0]


def _attachment(user, make_org):
    from copvn.coordination.services import attach

    return attach(_task(user, make_org), _author(user), "bien-ban.png", _png())


def _activity(user, make_org):
    import datetime as dt

    from copvn.coordination.services import record_activity

    return record_activity(_org_of(user, make_org), _author(user), {
        "kind": "awareness", "day": dt.date(2026, 11, 2), "title": "Tuyên truyền tại trường", "people_reached": 120})


def _obstacle(user, make_org):
    from copvn.coordination.services import raise_obstacle

    return raise_obstacle(_org_of(user, make_org), _author(user), "Thiếu tài liệu", "Đề nghị cấp tài liệu.")


def _last_month() -> str:
    from django.utils import timezone

    from copvn.reporting.periods import containing, previous

    return previous(containing("monthly", timezone.localdate())).key


def _submission(user, make_org):
    from copvn.reporting.models import ReportType
    from copvn.reporting.services import save_draft, submit

    draft = save_draft(ReportType.objects.get(code="monthly"), _last_month(), _org_of(user, make_org), _author(user),
                       {"results": "Đã tổ chức 3 buổi tuyên truyền."})
    return submit(draft, _author(user))


def _task(user, make_org):
    from copvn.coordination.services import create

    org = user.organisation if user is not None and user.organisation is not None else make_org()
    return create(org, "Tổ chức tuyên truyền an toàn trên mạng cho học sinh")


def _coordination_url(name, user, make_org, case):
    from django.urls import reverse

    from copvn.core.models import OutboxMessage

    if name.startswith("referrals:") or name.endswith("_referral") or name == "api:referral_outcome":
        if name in {"referrals:list", "referrals:inbox"}:
            return reverse(name)
        if name == "referrals:refer":
            return reverse(name, args=[case.reference])
        return reverse(name, args=[_referral(user, make_org, case).reference])
    if name in {"takedowns:list", "takedowns:settings", "takedowns:figures", "takedowns:figures_export", "takedowns:contacts",
                "takedowns:outbox", "takedowns:portal", "api:staff_notices", "api:staff_figures"}:
        return reverse(name)
    if name == "takedowns:contact_edit":
        return reverse(name, args=[make_org(kind="platform").code])
    if name == "takedowns:outbox_retry":
        return reverse(name, args=[OutboxMessage.objects.create(to="a@b.example", subject="s", body="b", kind="k").pk])
    notice, dispatch = _notice(user, make_org, case)
    if name in {"takedowns:letter", "takedowns:portal_letter"}:
        return reverse(name, kwargs={"reference": notice.reference, "pk": dispatch.pk, "fmt": "docx"})
    if name in {"takedowns:confirm_addressee", "api:staff_confirm"}:
        return reverse(name, args=[notice.urls.get().pk])
    if name.startswith("api:") and not name.startswith("api:staff_"):
        return reverse(name, args=[notice.pk])
    return reverse(name, args=[notice.reference])


def test_every_view_is_in_the_matrix():
    assert set(all_view_names()) == set(MATRIX)


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_against_view(role, name, client, make_user, make_org, make_case, signed_in):
    method, allowed = MATRIX[name]
    user = make_user(role)
    signed_in(user)
    response = getattr(client, method)(url_for(name, user, make_org, make_case()))
    if allowed == NOTHING:
        assert response.status_code == 404
    elif allowed == API:
        assert response.status_code == 401, f"the API must not accept a staff session ({role})"
    elif allowed == PUBLIC or role in allowed:
        reached = (200, 204, 302, 503) if name == "health" else (200, 204, 302)  # 503: no worker in this test
        assert response.status_code in reached, f"{role} should reach {name}, got {response.status_code}"
        assert not (response.status_code == 302 and response.url.startswith("/login/?")), f"{role} bounced from {name}"
    else:
        assert response.status_code == 403, f"{role} must be denied {name}, got {response.status_code}"


@pytest.mark.parametrize("name", sorted(n for n, (_, allowed) in MATRIX.items() if allowed not in (PUBLIC, API, NOTHING)))
def test_anonymous_is_sent_to_sign_in(name, client, make_org, make_case):
    method, _ = MATRIX[name]
    response = getattr(client, method)(url_for(name, None, make_org, make_case()))
    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_a_platform_liaison_cannot_open_another_organisation(client, make_user, make_org, signed_in):
    liaison = make_user("platform_liaison")
    other = make_org("khac", kind="platform")
    signed_in(liaison)
    assert client.get(f"/orgs/{other.pk}/").status_code == 404
    assert client.get(f"/orgs/{liaison.organisation.pk}/").status_code == 200
    listing = client.get("/orgs/").content.decode()
    assert other.name not in listing and liaison.organisation.name in listing


def test_an_agency_focal_point_sees_its_own_units_only(client, make_user, make_org, signed_in):
    agency = make_org("so-gd")
    school = make_org("truong", kind="school", parent=agency)
    elsewhere = make_org("so-yt")
    signed_in(make_user("agency_focal_point", organisation=agency))
    assert client.get(f"/orgs/{school.pk}/").status_code == 200
    assert client.get(f"/orgs/{elsewhere.pk}/").status_code == 404


def test_a_view_without_an_access_rule_is_refused_to_everyone(rf, make_user):
    from django.core.exceptions import PermissionDenied

    from copvn.core.access import AccessMiddleware

    def undeclared(request):
        raise AssertionError("must not run")

    request = rf.get("/")
    request.user = make_user("admin")
    with pytest.raises(PermissionDenied):
        AccessMiddleware(lambda r: None).process_view(request, undeclared, (), {})
