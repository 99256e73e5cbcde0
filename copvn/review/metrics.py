"""How fast reports are reviewed and decided, per queue, category and analyst: median and 90th percentile,
computed in SQL (window functions, on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

MEASURES = {"review": "reviewed", "decision": "decided"}
GROUPS = {
    "queue": ("JOIN review_queueitem qi ON qi.case_id = f.case_id JOIN review_queue qu ON qu.id = qi.queue_id",
              "qu.name"),
    "category": ("JOIN cases_case_categories cc ON cc.case_id = f.case_id "
                 "JOIN taxonomy_category tc ON tc.id = cc.category_id", "tc.code"),
    "analyst": ("JOIN review_decision fd ON fd.case_id = f.case_id AND fd.number = 1 "
                "JOIN accounts_user au ON au.id = fd.decided_by_id", "au.last_name || ' ' || au.first_name || ' (' || au.username || ')'"),
}


@dataclass(frozen=True)
class Row:
    group: str
    count: int
    median_hours: float
    p90_hours: float


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def durations(measure: str, group: str) -> list[Row]:
    """Time from receipt to the first claim (`review`) or the first decision (`decision`), by `group`."""
    column, (joins, key) = MEASURES[measure], GROUPS[group]
    sql = f"""
        WITH f AS (
            SELECT c.id AS case_id, c.received_at AS received,
                   (SELECT MIN(d.decided_at) FROM review_decision d WHERE d.case_id = c.id) AS decided,
                   (SELECT MIN(q.first_claimed_at) FROM review_queueitem q WHERE q.case_id = c.id) AS reviewed
            FROM cases_case c),
        g AS (SELECT DISTINCT f.case_id, {key} AS grp, {_seconds('f.' + column, 'f.received')} AS secs
              FROM f {joins} WHERE f.{column} IS NOT NULL),
        r AS (SELECT grp, secs, CUME_DIST() OVER (PARTITION BY grp ORDER BY secs) AS cd FROM g)
        SELECT grp, COUNT(*), MIN(CASE WHEN cd >= 0.5 THEN secs END), MIN(CASE WHEN cd >= 0.9 THEN secs END)
        FROM r GROUP BY grp ORDER BY grp"""  # noqa: S608 (names from the tables above, no input)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [Row(str(g), n, round(float(m) / 3600, 2), round(float(p) / 3600, 2)) for g, n, m, p in cursor.fetchall()]


def decision_log():
    """Every decision, oldest first, for the audited CSV export."""
    from .models import Decision

    yield ["case", "number", "decided_at", "decided_by", "harmful", "categories", "action", "severity",
           "csam_class", "age_band", "legal_basis", "needs_approval", "approval", "approved_by", "supersedes", "reason"]
    for d in Decision.objects.select_related("case", "decided_by", "approval__by", "supersedes").order_by("decided_at").iterator():
        approval = getattr(d, "approval", None)
        yield [d.case.reference, d.number, d.decided_at.isoformat(), d.decided_by.username, d.harmful,
               ";".join(d.categories), d.action, d.severity, d.csam_class, d.age_band, d.legal_basis,
               d.needs_approval, approval.verdict if approval else "", approval.by.username if approval else "",
               d.supersedes.number if d.supersedes else "", d.reason]
