"""Spreadsheet-safe CSV for every export: a cell that a spreadsheet would run as a formula is defused.

A value beginning with `=`, `+`, `-`, `@`, a tab or a carriage return (an import file named
`=HYPERLINK(…).csv`, a reason typed by anyone) is prefixed with an apostrophe, which spreadsheets show as
text (OWASP's advice for CSV injection). Numbers are left as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV (with a byte-order mark, so spreadsheets read the Vietnamese right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
