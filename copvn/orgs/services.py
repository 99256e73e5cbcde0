"""Organisation workflows; each writes its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from copvn.audit.services import record

from .checks import check_fields, check_file
from .loader import OrgFileError, Row, read_rows
from .models import Organisation

FIELDS = ("name", "short_name", "kind", "email", "phone", "address", "note", "domains")


@dataclass
class LoadResult:
    created: int
    updated: int


def load_file(path: Path, *, request=None, actor=None) -> LoadResult:
    """Check every row, then apply all of them in one transaction, or raise OrgFileError and change nothing."""
    rows = read_rows(Path(path))
    if not rows:
        raise OrgFileError([(1, "the file holds no organisations")])
    for row in rows:
        check_fields(row)
    check_file(rows)
    problems = [(row.line, problem) for row in rows for problem in row.problems]
    if problems:
        raise OrgFileError(problems)
    with transaction.atomic():
        result = _apply(rows)
        record("orgs.load", request=request, actor=actor, reason=Path(path).name,
               data={"created": result.created, "updated": result.updated})
    return result


def _apply(rows: list[Row]) -> LoadResult:
    created = updated = 0
    by_code = {row.values["code"]: row for row in rows}
    for row in _parents_first(rows, by_code):
        v = row.values
        parent = Organisation.objects.get(code=v["parent"]) if v.get("parent") else None
        defaults = {name: v.get(name, "") for name in FIELDS}
        defaults.update(parent=parent, valid_from=v["_valid_from"], valid_until=v.get("_valid_until"))
        _org, was_created = Organisation.objects.update_or_create(code=v["code"], defaults=defaults)
        created, updated = created + was_created, updated + (not was_created)
    for row in rows:
        successor = row.values.get("successor")
        target = Organisation.objects.get(code=successor) if successor else None
        Organisation.objects.filter(code=row.values["code"]).update(successor=target)
    return LoadResult(created, updated)


def _parents_first(rows: list[Row], by_code: dict) -> list[Row]:
    ordered, placed = [], set()

    def place(row: Row):
        if row.values["code"] in placed:
            return
        parent = by_code.get(row.values.get("parent", ""))
        if parent is not None:
            place(parent)
        placed.add(row.values["code"])
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


@transaction.atomic
def save_organisation(request, form) -> Organisation:
    creating = form.instance.pk is None
    changed = sorted(form.changed_data)
    org = form.save()
    record("orgs.create" if creating else "orgs.update", request=request, obj=org, data={"changed": changed})
    return org
