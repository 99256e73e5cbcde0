"""The lists, for programs: the same acts as the lists pages, under the same capabilities (staff tokens)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from copvn.review.api import needs

from . import services
from .models import HashList

router = Router(tags=["lists"])


class ListOut(Schema):
    slug: str
    name: str
    kind: str
    negative: bool
    enabled: bool
    threshold: int
    category_code: str
    version: int
    entries: int = Field(alias="entry_count")
    updated_at: dt.datetime


class ValuesIn(Schema):
    values: list[str] = Field(..., max_length=10_000)
    note: str = Field("", max_length=300)


class AddOut(Schema):
    added: int
    already_there: int
    version: int


class ImportIn(Schema):
    content: str = Field(..., description="The file's text: HMA CSV, headerless CSV or one value per line.")
    filename: str = Field("api.txt", max_length=200)


class ImportOut(Schema):
    added: int
    repeated: int
    error_count: int
    errors: list[tuple[int, str]]
    version: int


class Problem(Schema):
    detail: str | list[tuple[str, str]]


def _list(slug: str) -> HashList | None:
    return HashList.objects.filter(slug=slug).first()


@router.get("/lists", response=list[ListOut], summary="Hash and URL lists", **needs("lists.view"))
def list_lists(request):
    return list(HashList.objects.order_by("slug"))


@router.post("/lists/{slug}/entries", response={200: AddOut, 404: Problem, 422: Problem},
             summary="Add values to a list (all or nothing)", **needs("lists.manage"))
def add_values(request, slug: str, body: ValuesIn):
    hash_list = _list(slug)
    if hash_list is None:
        return Status(404, {"detail": "no such list"})
    try:
        added, repeated = services.add_entries(hash_list, body.values, actor=request.user, request=request,
                                               note=body.note)
    except services.InvalidValues as bad:
        return Status(422, {"detail": [(value, str(reason)) for value, reason in bad.problems]})
    hash_list.refresh_from_db()
    return Status(200, {"added": added, "already_there": repeated, "version": hash_list.version})


@router.post("/lists/{slug}/import", response={200: ImportOut, 404: Problem},
             summary="Import a list file; bad lines are named and skipped", **needs("lists.manage"))
def import_values(request, slug: str, body: ImportIn):
    hash_list = _list(slug)
    if hash_list is None:
        return Status(404, {"detail": "no such list"})
    result = services.import_entries(hash_list, body.content.encode("utf-8"), body.filename, actor=request.user,
                                     request=request)
    return Status(200, {"added": result.added, "repeated": result.repeated, "error_count": result.error_count,
                        "errors": [(line, str(reason)) for line, reason in result.errors],
                        "version": hash_list.version})


@router.get("/lists/{slug}/export", summary="Export a list (HMA CSV, or lines)", **needs("lists.view"),
            response={200: None, 404: Problem})
def export_values(request, slug: str, fmt: str = "csv"):
    from copvn.core.exports import csv_response

    hash_list = _list(slug)
    if hash_list is None:
        return Status(404, {"detail": "no such list"})
    rows = services.export_rows(hash_list, "lines" if fmt == "lines" else "csv", actor=request.user, request=request)
    if fmt == "lines":
        return HttpResponse("".join(rows), content_type="text/plain; charset=utf-8")
    return csv_response(rows, f"{hash_list.slug}.csv")
