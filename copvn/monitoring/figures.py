"""Alerts by category over time, for the monitoring page and the API."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import SeenItem

ALERTED = ("alert", "joined")


def alerts_by_week(weeks: int = 8, today: dt.date | None = None) -> dict:
    """{"weeks": [monday, …], "codes": [code, …], "counts": {code: [n per week]}, "totals": [n per week]}."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    counts: dict[str, list[int]] = {}
    totals = [0] * weeks
    rows = SeenItem.objects.filter(outcome__in=ALERTED, seen_at__gte=start).values_list("seen_at", "codes")
    for seen_at, codes in rows.iterator(chunk_size=2000):
        week = (timezone.localtime(seen_at).date() - first).days // 7
        if not 0 <= week < weeks:
            continue
        totals[week] += 1
        for code in codes or ["?"]:
            counts.setdefault(code, [0] * weeks)[week] += 1
    return {"weeks": mondays, "codes": sorted(counts), "counts": counts, "totals": totals}


def bars(figures: dict, width: int = 640, height: int = 160) -> list[dict]:
    """Bar geometry for the server-drawn SVG: one bar per week, its height by the week's alerts."""
    totals = figures["totals"]
    top = max(totals) if totals and max(totals) else 1
    step = width / max(1, len(totals))
    return [{"x": round(i * step + step * 0.15, 1), "w": round(step * 0.7, 1),
             "h": round((height - 20) * n / top, 1), "y": round(height - 20 - (height - 20) * n / top, 1),
             "n": n, "week": figures["weeks"][i], "label_x": round(i * step + step / 2, 1),
             "label_y": round(max(12.0, height - 23 - (height - 20) * n / top), 1)}
            for i, n in enumerate(totals)]


def named_rows(figures: dict) -> list[tuple[str, str, list[int]]]:
    """(code, the category's name in the active language, counts per week) for the table."""
    from django.utils.translation import get_language

    from copvn.taxonomy.models import Category

    english = (get_language() or "vi").startswith("en")
    names = {c.code: (c.name_en if english and c.name_en else c.name_vi)
             for c in Category.objects.filter(code__in=figures["codes"])}
    return [(code, names.get(code, code), figures["counts"][code]) for code in figures["codes"]]
