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


class NulRefusedMiddleware:
    """A NUL character in the path or a query parameter is refused (400) before any view: PostgreSQL cannot
    compare text with one, so a filter given it would fail as a server error instead of saying what is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest

        if "\x00" in request.path or any("\x00" in value for _key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest("Đường dẫn hoặc tham số có ký tự NUL. / The path or a parameter holds a NUL "
                                          "character.", content_type="text/plain; charset=utf-8")
        return self.get_response(request)
