"""Row-by-row and whole-file checks for organisation files (see loader.py for the format)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug

from .loader import REQUIRED, Row, parse_date
from .models import Kind, Organisation, overlaps

KINDS = set(Kind.values)


def check_fields(row: Row) -> None:
    values = row.values
    for name in REQUIRED:
        if not values.get(name):
            row.problems.append(f"{name} is required")
    if values.get("code"):
        try:
            validate_slug(values["code"])
        except ValidationError:
            row.problems.append(f"code {values['code']!r} may hold only letters, digits, '-' and '_'")
    if values.get("kind") and values["kind"] not in KINDS:
        row.problems.append(f"unknown kind {values['kind']!r}; known kinds: {', '.join(sorted(KINDS))}")
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            row.problems.append(f"email {values['email']!r} is not an address")
    if len(values.get("short_name", "")) > 40:
        row.problems.append("short_name is longer than 40 characters")
    for name in ("valid_from", "valid_until"):
        if values.get(name):
            try:
                values[f"_{name}"] = parse_date(values[name])
            except ValueError as exc:
                row.problems.append(f"{name}: {exc}")
    start, end = values.get("_valid_from"), values.get("_valid_until")
    if start and end and end <= start:
        row.problems.append("valid_until must be after valid_from")


def check_file(rows: list[Row]) -> None:
    """Checks across rows and against the registry: duplicate codes, references, short-name clashes."""
    by_code: dict[str, Row] = {}
    for row in rows:
        code = row.values.get("code")
        if code in by_code:
            row.problems.append(f"code {code!r} already appears on line {by_code[code].line}")
        elif code:
            by_code[code] = row
    existing = {o.code: o for o in Organisation.objects.all()}
    for row in rows:
        for ref in ("parent", "successor"):
            target = row.values.get(ref)
            if target and target not in by_code and target not in existing:
                row.problems.append(f"{ref} {target!r} is neither in this file nor in the registry")
        parent = by_code.get(row.values.get("parent", "")) or existing.get(row.values.get("parent", ""))
        start = row.values.get("_valid_from")
        if parent is not None and start and not _alive(parent, start):
            row.problems.append(f"parent {row.values['parent']!r} is not in force on {start:%d/%m/%Y}")
    _check_short_names(rows, existing)
    _check_cycles(rows, by_code, existing)


def _alive(target, day) -> bool:
    if isinstance(target, Organisation):
        return target.is_valid_on(day)
    start, end = target.values.get("_valid_from"), target.values.get("_valid_until")
    return bool(start) and start <= day and (end is None or day < end)


def _period(target):
    if isinstance(target, Organisation):
        return target.valid_from, target.valid_until
    return target.values.get("_valid_from"), target.values.get("_valid_until")


def _check_short_names(rows: list[Row], existing: dict) -> None:
    file_codes = {row.values.get("code") for row in rows}
    others = [o for code, o in existing.items() if code not in file_codes]
    for index, row in enumerate(rows):
        short, start = row.values.get("short_name", "").lower(), row.values.get("_valid_from")
        if not short or not start:
            continue
        end = row.values.get("_valid_until")
        for other in [*rows[:index], *others]:
            name = other.short_name if isinstance(other, Organisation) else other.values.get("short_name", "")
            o_start, o_end = _period(other)
            if name.lower() == short and o_start and overlaps(start, end, o_start, o_end):
                where = f"line {other.line}" if not isinstance(other, Organisation) else f"{other.code!r} in the registry"
                row.problems.append(f"short_name {row.values['short_name']!r} is already used in the same period by {where}")
                break


def _check_cycles(rows: list[Row], by_code: dict, existing: dict) -> None:
    def parent_of(code):
        if code in by_code:
            return by_code[code].values.get("parent") or None
        org = existing.get(code)
        return org.parent.code if org is not None and org.parent_id else None

    for row in rows:
        seen, code = set(), row.values.get("code")
        while code and code not in seen:
            seen.add(code)
            code = parent_of(code)
        if code and code == row.values.get("code"):
            row.problems.append("its parent chain leads back to itself")
