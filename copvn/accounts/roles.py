"""Roles (BRIEF §2) and what each may do. Deny by default: a capability lists every role that has it.

Role codes are storage keys: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: object
    # Roles that see case content must sign in with a second factor.
    needs_second_factor: bool
    # "all": sees every organisation's items; "own": only its own organisation's (and its units').
    scope: str


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role("intake_officer", _("Cán bộ tiếp nhận"), True, "all"),
        Role("analyst", _("Chuyên viên phân tích"), True, "all"),
        Role("senior_analyst", _("Chuyên viên phân tích chính"), True, "all"),
        Role("legal_officer", _("Cán bộ pháp chế / yêu cầu gỡ bỏ"), True, "all"),
        Role("police_liaison", _("Đầu mối công an"), True, "all"),
        Role("child_services_liaison", _("Đầu mối bảo vệ trẻ em / 111"), True, "all"),
        Role("agency_focal_point", _("Đầu mối cơ quan, đơn vị"), False, "own"),
        Role("press_editor", _("Biên tập viên cơ quan báo chí"), True, "own"),
        Role("platform_liaison", _("Đầu mối nền tảng / ISP"), False, "own"),
        Role("lead_officer", _("Cán bộ sở chủ trì (điều phối, báo cáo)"), True, "all"),
        Role("auditor", _("Kiểm toán viên"), True, "all"),
        Role("admin", _("Quản trị hệ thống"), True, "all"),
    ]
}

STAFF_ROLES = frozenset(ROLES)
CASE_ROLES = frozenset(
    {"intake_officer", "analyst", "senior_analyst", "legal_officer", "police_liaison", "child_services_liaison"}
)

# capability -> roles that hold it. Anything not listed here is denied.
CAPABILITIES: dict[str, frozenset[str]] = {
    "home": STAFF_ROLES,
    "account.own": STAFF_ROLES,  # one's own password
    "orgs.view": STAFF_ROLES,
    "orgs.manage": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    "taxonomy.view": STAFF_ROLES,
    "taxonomy.manage": frozenset({"admin"}),
    "audit.view": frozenset({"auditor", "admin"}),
    "cases.view": frozenset({"intake_officer", "analyst", "senior_analyst", "legal_officer", "auditor"}),
    "intake.enter": frozenset({"intake_officer", "analyst", "senior_analyst"}),
    "intake.import": frozenset({"intake_officer", "senior_analyst"}),
    "media.reveal": frozenset({"intake_officer", "analyst", "senior_analyst"}),
    "apikeys.manage": frozenset({"admin"}),
    # Review (the workbench): the queue, decisions, four-eyes approval, metrics, routing, hash and URL lists.
    "review.work": frozenset({"analyst", "senior_analyst"}),
    "review.approve": frozenset({"senior_analyst"}),
    "review.assign": frozenset({"senior_analyst"}),
    "review.metrics": frozenset({"senior_analyst", "auditor", "admin"}),
    "review.rules": frozenset({"senior_analyst", "admin"}),
    "lists.view": frozenset({"analyst", "senior_analyst", "auditor", "admin"}),
    "lists.manage": frozenset({"senior_analyst", "admin"}),
    # Monitoring: the monitoring team (analysts under the lead department) watches sources on a schedule.
    "monitoring.view": frozenset({"analyst", "senior_analyst", "auditor", "admin"}),
    "monitoring.manage": frozenset({"analyst", "senior_analyst"}),
    # Notice-and-takedown: copvn's side (draft, four-eyes approval, sending, disputes) and the provider's
    # portal, where a platform or ISP liaison sees only notices addressed to their organisation.
    "notices.view": frozenset({"analyst", "senior_analyst", "legal_officer", "auditor", "admin"}),
    "notices.approve": frozenset({"senior_analyst", "legal_officer"}),
    "notices.manage": frozenset({"legal_officer"}),  # send, settle disputes, close, confirm a new addressee
    "notices.respond": frozenset({"platform_liaison"}),
    "notices.contacts": frozenset({"legal_officer", "admin"}),
    "notices.settings": frozenset({"admin"}),  # legal bases, clocks and the escalation ladder
    "notices.figures": frozenset({"senior_analyst", "legal_officer", "auditor", "admin"}),
    "outbox.view": frozenset({"legal_officer", "auditor", "admin"}),
    "outbox.retry": frozenset({"legal_officer", "admin"}),
    # Referrals to the police, 111, the commune's officer or a school; liaisons see only their own.
    "referrals.view": frozenset({"senior_analyst", "legal_officer", "auditor", "admin"}),
    "referrals.create": frozenset({"senior_analyst", "legal_officer"}),
    "referrals.respond": frozenset({"police_liaison", "child_services_liaison"}),
    # The press: consents to publish a child's information (an agency sees its own) and the pre-publication check.
    "consent.view": frozenset({"press_editor", "auditor"}),
    "consent.manage": frozenset({"press_editor"}),
    "consent.check": frozenset({"press_editor"}),
    "consent.evidence": frozenset({"press_editor", "auditor"}),  # open a scanned signed form (audited)
    # Coordination: tasks given to an organisation (by the lead department, or by copvn on an event), activity
    # records, obstacles raised with the lead department. Each organisation sees its own (and its units');
    # "coordination.all" sees every organisation's.
    "tasks.view": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison",
                             "platform_liaison", "lead_officer", "auditor", "admin"}),
    "tasks.update": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison",
                               "platform_liaison"}),
    "tasks.assign": frozenset({"lead_officer"}),
    "coordination.all": frozenset({"lead_officer", "auditor", "admin"}),
    "activities.view": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison",
                                  "lead_officer", "auditor", "admin"}),
    "activities.record": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison"}),
    "obstacles.view": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison",
                                 "platform_liaison", "lead_officer", "auditor", "admin"}),
    "obstacles.raise": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison",
                                  "platform_liaison"}),
    "obstacles.answer": frozenset({"lead_officer"}),
    # Periodic reports: agencies submit theirs for a period; the lead department reviews, consolidates and
    # generates the province's report (DOCX, PDF, XLSX); dashboards of the figures.
    "reports.view": frozenset({"lead_officer", "auditor", "admin"}),
    "reports.manage": frozenset({"lead_officer"}),
    "reports.submit": frozenset({"agency_focal_point", "press_editor", "police_liaison", "child_services_liaison"}),
    "dashboard.view": frozenset({"lead_officer", "senior_analyst", "legal_officer", "auditor", "admin"}),
}


def role_choices() -> list[tuple[str, object]]:
    return [(r.code, r.label) for r in ROLES.values()]


def has_capability(role: str | None, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return role in CAPABILITIES[capability]


def get_role(code: str) -> Role:
    try:
        return ROLES[code]
    except KeyError:
        known = ", ".join(ROLES)
        raise ValueError(f"unknown role {code!r}; known roles: {known}") from None
