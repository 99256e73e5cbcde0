"""The figures of a period, computed in SQL from the records (SQLite and PostgreSQL alike), for the periodic
report, its data annex, the dashboards and the public transparency page — one source, so they agree.

A period counts what happened between its first day at 00:00 and the day after its last at 00:00, local time.
`organisation` narrows the figures an agency owns (its activities, tasks, obstacles, its notices as a
provider, its referrals as a destination, its press checks); the province's intake stays whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from copvn.cases.models import Case
from copvn.consent.models import ConsentRecord, PrepublicationCheck
from copvn.coordination.models import ActivityRecord, Obstacle, Task
from copvn.intake.models import Report
from copvn.referrals.models import Referral
from copvn.review.models import Decision
from copvn.takedowns import figures as takedown_figures

from .models import Target
from .periods import Period

ACTIVITY_SUMS = ("people_reached", "schools", "articles", "airtime_minutes", "children_supported",
                 "support_requests", "violations_found", "violations_handled")
NO_CATEGORY = "—"


@dataclass(frozen=True)
class Window:
    period: Period
    since: dt.datetime
    until: dt.datetime

    @classmethod
    def of(cls, period: Period) -> Window:
        zone = timezone.get_current_timezone()
        since = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return cls(period, since, until)


def compute(period: Period, organisation=None) -> dict:
    w = Window.of(period)
    org_id = getattr(organisation, "pk", None)
    sent = notices(w, org_id)
    return {
        "period": {"key": period.key, "frequency": period.frequency, "start": period.start.isoformat(),
                   "end": period.end.isoformat(), "label": period.label_vi},
        "organisation": getattr(organisation, "code", None),
        "reports": reports(w),
        "cases": cases(w),
        "notices": sent,
        "referrals": referrals(w, org_id),
        "consent": consent(w, org_id),
        "activities": activities(w, org_id),
        "targets": targets(w, org_id, sent),
        "obstacles": obstacles(w, org_id),
        "tasks": tasks(w, org_id),
    }


def reports(w: Window) -> dict:
    """Reports received, by channel and by the categories of their case (a case in two categories counts in
    both; one in none under "—"). Two grouped scans of the (received_at, channel, case) index; category codes
    are looked up afterwards rather than joined."""
    from django.db import connection

    from copvn.taxonomy.models import Category

    received = Report.objects.filter(received_at__gte=w.since, received_at__lt=w.until)
    by_channel = dict(received.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    sql = ("SELECT r.channel, cc.category_id, COUNT(*) FROM intake_report r "
           "LEFT JOIN cases_case_categories cc ON cc.case_id = r.case_id "
           "WHERE r.received_at >= %s AND r.received_at < %s GROUP BY r.channel, cc.category_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [w.since, w.until])
        rows = cursor.fetchall()
    codes = dict(Category.objects.values_list("pk", "code"))
    table: dict[str, dict[str, int]] = {}
    for channel, category_id, n in rows:
        code = codes.get(category_id, NO_CATEGORY)
        table.setdefault(channel, {})[code] = table.get(channel, {}).get(code, 0) + n
    return {"total": sum(by_channel.values()), "by_channel": by_channel, "by_channel_category": table}


def cases(w: Window) -> dict:
    opened = Case.objects.filter(received_at__gte=w.since, received_at__lt=w.until) \
        .aggregate(n=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))
    decided = Decision.objects.filter(decided_at__gte=w.since, decided_at__lt=w.until, supersedes__isnull=True)
    return {"opened": opened["n"], "urgent": opened["urgent"],
            "decided": decided.values("case").distinct().count(),
            "decided_harmful": decided.filter(harmful=True).values("case").distinct().count()}


def notices(w: Window, provider_id: int | None) -> dict:
    rows = takedown_figures.table("provider", w.since, w.until, provider_id)
    whole = _whole_notices(w, provider_id)
    return {"rows": [vars(r) for r in rows], **whole}


def _whole_notices(w: Window, provider_id: int | None) -> dict:
    """All providers together (the takedown figures' one-row group)."""
    rows = takedown_figures.table("all", w.since, w.until, provider_id)
    if not rows:
        return {"sent": 0, "acknowledged": 0, "removed": 0, "overdue": 0, "median_hours": None, "p90_hours": None}
    r = rows[0]
    return {"sent": r.sent, "acknowledged": r.acknowledged, "removed": r.removed, "overdue": r.overdue,
            "median_hours": r.median_hours, "p90_hours": r.p90_hours}


def referrals(w: Window, organisation_id: int | None) -> dict:
    sent = Referral.objects.filter(sent_at__gte=w.since, sent_at__lt=w.until)
    if organisation_id is not None:
        sent = sent.filter(organisation_id=organisation_id)
    table: dict[str, dict[str, int]] = {}
    for destination, outcome, n in sent.values_list("destination", "outcome").annotate(n=Count("pk")) \
            .values_list("destination", "outcome", "n"):
        table.setdefault(destination, {})[outcome or "pending"] = n
    return {"total": sent.count(), "by_destination_outcome": table}


def consent(w: Window, agency_id: int | None) -> dict:
    checks = PrepublicationCheck.objects.filter(at__gte=w.since, at__lt=w.until, kept=True)
    records = ConsentRecord.objects.filter(created_at__gte=w.since, created_at__lt=w.until)
    withdrawn = ConsentRecord.objects.filter(withdrawn_at__gte=w.since, withdrawn_at__lt=w.until)
    if agency_id is not None:
        checks, records, withdrawn = (q.filter(agency_id=agency_id) for q in (checks, records, withdrawn))
    problems = 0
    for result in checks.values_list("result", flat=True).iterator(chunk_size=500):
        if any(v.get("verdict") not in ("covered",) for v in (result or {}).get("verdicts", [])):
            problems += 1
    return {"checks": checks.count(), "checks_with_problems": problems, "records": records.count(),
            "withdrawals": withdrawn.count()}


def activities(w: Window, organisation_id: int | None) -> dict:
    done = ActivityRecord.objects.filter(day__gte=w.period.start, day__lte=w.period.end)
    if organisation_id is not None:
        done = done.filter(organisation_id=organisation_id)
    out = {}
    for row in done.values("kind").annotate(records=Count("pk"), **{f: Sum(f) for f in ACTIVITY_SUMS}):
        out[row["kind"]] = {k: int(row[k] or 0) for k in ("records", *ACTIVITY_SUMS)}
    return out


def targets(w: Window, organisation_id: int | None, sent: dict | None = None) -> list[dict]:
    """The targets whose period overlaps this one, each with what was achieved in this period (`sent`: the
    period's notice figures, when already computed)."""
    live = Target.objects.filter(period_start__lte=w.period.end, period_end__gte=w.period.start) \
        .select_related("programme")
    done = activities(w, organisation_id)
    out = []
    for target in live:
        numerator, denominator = INDICATORS.get(target.indicator, _unknown)(w, done, organisation_id, sent)
        if target.denominator:  # the programme's own total (the province's schools, say) when it gives one
            denominator = target.denominator
            numerator = min(numerator, denominator)
        achieved = None if not denominator else round(100 * numerator / denominator, 1)
        out.append({"programme": target.programme.name, "indicator": target.indicator, "name": target.name,
                    "target_percent": float(Decimal(target.target_percent)), "achieved_percent": achieved,
                    "numerator": numerator, "denominator": denominator})
    return out


def _schools(w: Window, done: dict, _org, _sent) -> tuple[int, int]:
    """Schools and child-care facilities that ran online-safety education (school programmes' "schools"),
    against the schools in the registry on the period's last day."""
    from copvn.orgs.models import Organisation

    registered = Organisation.objects.as_of(w.period.end).filter(kind="school").count()
    ran = done.get(ActivityRecord.Kind.SCHOOL, {}).get("schools", 0)
    return min(ran, registered) if registered else ran, registered


def _victims(w: Window, done: dict, org, _sent) -> tuple[int, int]:
    """Children supported against children who asked: support records, and referrals to 111, a commune or a
    school (an outcome of "supported" counts as supported)."""
    support = done.get(ActivityRecord.Kind.VICTIM_SUPPORT, {})
    sent = Referral.objects.filter(sent_at__gte=w.since, sent_at__lt=w.until,
                                   destination__in=("hotline", "commune", "school"))
    if org is not None:
        sent = sent.filter(organisation_id=org)
    counts = sent.aggregate(all=Count("pk"), ok=Count("pk", filter=Q(outcome="child_supported")))
    return support.get("children_supported", 0) + counts["ok"], support.get("support_requests", 0) + counts["all"]


def _violations(w: Window, done: dict, org, sent) -> tuple[int, int]:
    """Violations handled against found: inspections' own figures, and takedown notices (verified removed
    against sent)."""
    inspection = done.get(ActivityRecord.Kind.INSPECTION, {})
    whole = sent or _whole_notices(w, org)
    return (inspection.get("violations_handled", 0) + whole["removed"],
            inspection.get("violations_found", 0) + whole["sent"])


def _unknown(_w, _done, _org, _sent) -> tuple[int, int]:
    return 0, 0


INDICATORS = {"schools_education": _schools, "victims_supported": _victims, "violations_handled": _violations}


def obstacles(w: Window, organisation_id: int | None) -> dict:
    raised = Obstacle.objects.filter(raised_at__lt=w.until).filter(
        Q(state=Obstacle.State.OPEN) | Q(answered_at__gte=w.since)).select_related("organisation")
    if organisation_id is not None:
        raised = raised.filter(organisation_id=organisation_id)
    rows = [{"organisation": o.organisation.name, "title": o.title, "state": o.state,
             "answer": o.answer if o.state == Obstacle.State.ANSWERED else ""} for o in raised]
    return {"open": sum(1 for r in rows if r["state"] == "open"),
            "answered": sum(1 for r in rows if r["state"] == "answered"), "items": rows}


def tasks(w: Window, organisation_id: int | None) -> dict:
    given = Task.objects.filter(created_at__lt=w.until).exclude(state=Task.State.CANCELLED)
    if organisation_id is not None:
        given = given.filter(organisation_id=organisation_id)
    by_state = dict(given.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    overdue = given.filter(state__in=(Task.State.OPEN, Task.State.IN_PROGRESS), due__lt=w.period.end).count()
    return {"by_state": by_state, "overdue": overdue,
            "done_in_period": given.filter(closed_at__gte=w.since, closed_at__lt=w.until,
                                           state=Task.State.DONE).count()}
