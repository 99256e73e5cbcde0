"""Template filters for what people read: durations in words, URLs decoded."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from copvn.core.durations import in_words
from copvn.detect.urls import display

register = template.Library()


@register.filter
def shown_url(url: str) -> str:
    """A URL as people read it (percent-escapes and punycode decoded); for display only."""
    return display(url or "")


@register.filter
def duration(value) -> str:
    """A timedelta, or the time from now to a datetime, in words: "11 giờ 59 phút"."""
    if isinstance(value, dt.datetime):
        value = value - timezone.now()
    if not isinstance(value, dt.timedelta):
        return ""
    return in_words(value)
