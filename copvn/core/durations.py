"""Durations in words people read on a clock: "11 giờ 59 phút", "2 ngày 3 giờ" (English on request)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def in_words(delta: dt.timedelta) -> str:
    """The two largest non-zero units of a duration, rounded down to the minute; its sign is ignored."""
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes == 0:
        return _("dưới 1 phút")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = [
        (days, ngettext("%(n)d ngày", "%(n)d ngày", days)),
        (hours, ngettext("%(n)d giờ", "%(n)d giờ", hours)),
        (minutes, ngettext("%(n)d phút", "%(n)d phút", minutes)),
    ]
    words = [template % {"n": n} for n, template in units if n]
    return " ".join(words[:2])
