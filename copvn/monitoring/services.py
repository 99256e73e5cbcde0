"""Changing the watched sources: every change in one transaction with its audit entry."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.detect import sources as readers

from .models import Source
from .watch import drop_folder

FIELDS = ("name", "kind", "url", "selector", "interval_minutes", "enabled")


class DropRejected(ValueError):
    pass


def create(actor, data: dict, request=None) -> Source:
    with transaction.atomic():
        source = Source.objects.create(owner=actor, **{k: data[k] for k in FIELDS if k in data})
        record("monitoring.source_create", actor=actor, request=request, obj=source,
               data={k: getattr(source, k) for k in FIELDS})
    return source


def update(source: Source, actor, data: dict, request=None) -> Source:
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = {k: getattr(source, k) for k in FIELDS}
        for name in FIELDS:
            if name in data and name != "kind":
                setattr(source, name, data[name])
        if source.url != before["url"] or source.selector != before["selector"]:
            source.etag = source.last_modified = source.content_digest = ""  # another page: start afresh
        if source.enabled and not before["enabled"]:
            source.next_check_at, source.failures = timezone.now(), 0
        source.save()
        after = {k: getattr(source, k) for k in FIELDS}
        record("monitoring.source_update", actor=actor, request=request, obj=source,
               data={"changed": {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}})
    return source


def add_drop(source: Source, actor, name: str, content: bytes, request=None) -> dict:
    """Keep a dropped file of posts in the source's folder; the next check reads it. Refused at once when it
    is not JSON Lines or CSV, so nothing half-read waits in the folder."""
    if source.kind != Source.Kind.DROP:
        raise DropRejected(_("Chỉ nguồn loại “tệp bài đăng” nhận tệp."))
    if len(content) > settings.MAX_UPLOAD_BYTES * 10:
        raise DropRejected(_("Tệp lớn hơn %(n)s byte.") % {"n": settings.MAX_UPLOAD_BYTES * 10})
    try:
        rows = list(readers.read_drop(content))
    except readers.SourceError as exc:
        from copvn.core.messages import describe_error

        raise DropRejected(describe_error(exc)) from None
    good = sum(1 for _n, item, error in rows if item is not None and not error)
    if not good:
        raise DropRejected(_("Tệp không có bài đăng nào đọc được."))
    digest = hashlib.sha256(content).hexdigest()
    folder = drop_folder(source) / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".csv" if not content.lstrip().startswith(b"{") else ".jsonl"
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in (name or "posts").rsplit("/", 1)[-1])[:80]
    path = folder / f"{digest[:16]}--{safe.rsplit('.', 1)[0] or 'posts'}{suffix}"
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    partial.replace(path)  # whole or not at all: a check never reads half a file
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now())
        record("monitoring.drop", actor=actor, request=request, obj=source,
               data={"file": name[:200], "sha256": digest, "posts": good, "bad_lines": len(rows) - good})
    return {"posts": good, "bad_lines": len(rows) - good, "sha256": digest}
