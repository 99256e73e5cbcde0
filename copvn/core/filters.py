"""Reading list filters from the query string: bounded, so no value can turn a page into a server error."""

from __future__ import annotations

MAX_TEXT = 200  # longer search text makes SQLite refuse the LIKE pattern ("too complex"); nobody types more


def text_param(request, name: str, limit: int = MAX_TEXT) -> str:
    """The parameter stripped, without NUL characters, cut to `limit` characters."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def whole_number(value: str, maximum: int) -> int | None:
    """A whole number from 0 to `maximum`, or None for anything else (huge, negative, not a number)."""
    if not value.isascii() or not value.isdigit() or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None
