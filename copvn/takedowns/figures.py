"""The province's takedown figures, per provider and per category, computed in SQL (SQLite and PostgreSQL):
notices sent, acknowledged, verified removed, disputed, overdue (a breach recorded), and the median and 90th
percentile of the time from sending to verified removal (the first of the misses that proved it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

GROUPS = {
    "all": ("", "'all'"),  # every notice together: one row
    "provider": ("JOIN orgs_organisation o ON o.id = n.provider_id", "o.name"),
    "category": ("JOIN takedowns_noticeurl nu ON nu.notice_id = n.id "
                 "JOIN cases_case_categories cc ON cc.case_id = nu.case_id "
                 "JOIN taxonomy_category tc ON tc.id = cc.category_id", "tc.code"),
}


@dataclass(frozen=True)
class Row:
    group: str
    sent: int
    acknowledged: int
    removed: int
    disputed: int
    overdue: int
    median_hours: float | None
    p90_hours: float | None


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def table(group: str, since=None, until=None, provider_id: int | None = None) -> list[Row]:
    """Per provider or category; only notices sent in [since, until) when given (a report's period), and only
    one provider's when `provider_id` is given."""
    joins, key = GROUPS[group]
    where, params = ["n.sent_at IS NOT NULL"], []
    if since is not None:
        where.append("n.sent_at >= %s")
        params.append(since)
    if until is not None:
        where.append("n.sent_at < %s")
        params.append(until)
    if provider_id is not None:
        where.append("n.provider_id = %s")
        params.append(provider_id)
    conditions = " AND ".join(where)
    sql = f"""
        WITH g AS (SELECT DISTINCT n.id, {key} AS grp, n.acknowledged_at, n.disputed_at, n.breached_at,
                          CASE WHEN n.removed_at IS NOT NULL AND n.state IN ('verified_removed', 'closed')
                               THEN {_seconds('n.removed_at', 'n.sent_at')} END AS secs
                   FROM takedowns_notice n {joins} WHERE {conditions}),
        r AS (SELECT g.*, CASE WHEN secs IS NOT NULL THEN CUME_DIST() OVER (PARTITION BY grp, secs IS NULL ORDER BY secs)
                          END AS cd FROM g)
        SELECT grp, COUNT(*), COUNT(acknowledged_at), COUNT(secs), COUNT(disputed_at), COUNT(breached_at),
               MIN(CASE WHEN cd >= 0.5 THEN secs END), MIN(CASE WHEN cd >= 0.9 THEN secs END)
        FROM r GROUP BY grp ORDER BY COUNT(*) DESC, grp"""  # noqa: S608 (names from the tables above, no input)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Row(str(g), n, a, rm, d, o, _hours(m), _hours(p)) for g, n, a, rm, d, o, m, p in cursor.fetchall()]


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


def csv_rows(group: str):
    yield [group, "sent", "acknowledged", "verified_removed", "disputed", "overdue", "median_hours_to_removal",
           "p90_hours_to_removal"]
    for row in table(group):
        yield [row.group, row.sent, row.acknowledged, row.removed, row.disputed, row.overdue,
               "" if row.median_hours is None else row.median_hours, "" if row.p90_hours is None else row.p90_hours]
