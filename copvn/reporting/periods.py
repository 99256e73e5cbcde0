"""Reporting periods by the state reporting regime (Decree 09/2019/NĐ-CP, Art. 12): figures are cut off on the
14th — a month runs from the 15th of the month before to the 14th; the first half from 15 December of the year
before to 14 June; the year from 15 December of the year before to 14 December. Plain Python.

    parse("monthly", "2026-11")      → Period(2026-10-15 … 2026-11-14, "Tháng 11/2026")
    parse("six-monthly", "2026-H1")  → 2025-12-15 … 2026-06-14
    parse("annual", "2026")          → 2025-12-15 … 2026-12-14
    parse("adhoc", "2026-03-01..2026-03-31")
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FREQUENCIES = ("monthly", "six-monthly", "annual", "adhoc")
CUT_OFF_DAY = 14  # the last day counted; the next period starts on the 15th


class PeriodError(ValueError):
    """The period does not exist (or is not written as its report type expects); the message says which."""


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str
    start: dt.date  # first day counted
    end: dt.date  # last day counted (inclusive)

    @property
    def label_vi(self) -> str:
        if self.frequency == "monthly":
            return f"tháng {self.end.month:02d}/{self.end.year}"
        if self.frequency == "six-monthly":
            return f"{'6 tháng đầu năm' if self.end.month == 6 else '6 tháng cuối năm'} {self.end.year}"
        if self.frequency == "annual":
            return f"năm {self.end.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def span_vi(self) -> str:
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def parse(frequency: str, key: str) -> Period:
    key = (key or "").strip()
    if frequency not in FREQUENCIES:
        raise PeriodError(f"unknown frequency {frequency!r}: use one of {', '.join(FREQUENCIES)}")
    if frequency == "monthly":
        m = re.fullmatch(r"(\d{4})-(\d{2})", key)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise PeriodError(f"{key!r} is not a month: write YYYY-MM, e.g. 2026-11")
        year, month = int(m.group(1)), int(m.group(2))
        before = _month_before(year, month)
        return Period(frequency, key, dt.date(*before, CUT_OFF_DAY + 1), dt.date(year, month, CUT_OFF_DAY))
    if frequency == "six-monthly":
        m = re.fullmatch(r"(\d{4})-H([12])", key, flags=re.IGNORECASE)
        if not m:
            raise PeriodError(f"{key!r} is not a half year: write YYYY-H1 or YYYY-H2, e.g. 2026-H1")
        year, half = int(m.group(1)), int(m.group(2))
        if half == 1:
            return Period(frequency, f"{year}-H1", dt.date(year - 1, 12, 15), dt.date(year, 6, 14))
        return Period(frequency, f"{year}-H2", dt.date(year, 6, 15), dt.date(year, 12, 14))
    if frequency == "annual":
        if not re.fullmatch(r"\d{4}", key):
            raise PeriodError(f"{key!r} is not a year: write YYYY, e.g. 2026")
        year = int(key)
        return Period(frequency, key, dt.date(year - 1, 12, 15), dt.date(year, 12, 14))
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", key)
    if not m:
        raise PeriodError(f"{key!r} is not a span of days: write YYYY-MM-DD..YYYY-MM-DD")
    try:
        start, end = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
    except ValueError:
        raise PeriodError(f"{key!r} names a day that does not exist") from None
    if end < start:
        raise PeriodError(f"{key!r} ends before it starts")
    return Period(frequency, key, start, end)


def containing(frequency: str, day: dt.date) -> Period:
    """The period of `frequency` that counts `day`."""
    if frequency == "monthly":
        year, month = (day.year, day.month) if day.day <= CUT_OFF_DAY else \
            ((day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1))
        return parse(frequency, f"{year}-{month:02d}")
    if frequency == "six-monthly":
        if day >= dt.date(day.year, 12, 15):
            return parse(frequency, f"{day.year + 1}-H1")
        return parse(frequency, f"{day.year}-H1" if day <= dt.date(day.year, 6, 14) else f"{day.year}-H2")
    if frequency == "annual":
        return parse(frequency, str(day.year + 1 if day >= dt.date(day.year, 12, 15) else day.year))
    raise PeriodError("an ad-hoc period is given, not found")


def previous(period: Period) -> Period:
    return containing(period.frequency, period.start - dt.timedelta(days=1))
