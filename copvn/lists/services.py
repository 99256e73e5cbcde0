"""List workflows: each runs in one transaction that also writes its audit entry.

Every change takes the list's row lock first, then raises its version and renews its revision (models.py):
changes to one list are serialised, so the entries a version added are exactly those marked with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copvn.audit.services import record
from copvn.core.messages import describe_error
from copvn.detect.lists import ALIASES, HEX_LENGTH
from copvn.detect.lists import _rows as file_rows
from copvn.detect.media import QUALITY_THRESHOLD
from copvn.detect.urls import URLError

from . import matching, seed
from .models import HashList, ListEntry, entry_key, new_revision

KIND_NAMES = {"pdq": "PDQ", "md5": "MD5", "sha256": "SHA-256", "url": "URL"}
SETTINGS = ("name", "enabled", "threshold", "category_code", "source", "description")
MAX_SHOWN_ERRORS = 1000  # an import reports at most this many bad lines one by one (and counts them all)
BATCH = 1000


class InvalidValues(ValueError):
    """Values that cannot go in the list: (value, reason in words) for each."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{value}: {reason}" for value, reason in problems))


@dataclass
class ImportResult:
    added: int = 0
    repeated: int = 0  # already in the list, or twice in the file
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason), the first ones
    error_count: int = 0
    refused: bool = False  # the whole file was refused (not UTF-8): nothing was read


@dataclass
class ConfirmResult:
    added: list[str] = field(default_factory=list)  # slugs of the lists that took a new value
    already: list[str] = field(default_factory=list)  # slugs of the lists that held it already
    conflicts: list[str] = field(default_factory=list)  # slugs of the opposite lists that hold the value


# -- lists ----------------------------------------------------------------------------------------------------
@transaction.atomic
def create_list(*, name: str, slug: str, kind: str, negative: bool = False, threshold: int | None = None,
                enabled: bool = True, category_code: str = "", source: str = "", description: str = "",
                actor=None, request=None) -> HashList:
    hash_list = HashList(name=name, slug=slug, kind=kind, negative=negative, enabled=enabled,
                         category_code=category_code, source=source, description=description)
    if threshold is not None:
        hash_list.threshold = threshold
    hash_list.full_clean()
    hash_list.save()
    record("lists.create", actor=actor, request=request, obj=hash_list,
           data={"kind": kind, "negative": negative, "category_code": category_code})
    return hash_list


@transaction.atomic
def update_list(hash_list: HashList, *, actor=None, request=None, **changes) -> HashList:
    """Change a list's settings (SETTINGS; its kind and negativity are fixed at creation)."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValueError(f"these list fields cannot be changed: {', '.join(sorted(unknown))}")
    locked = _lock(hash_list)
    changed = {name: [getattr(locked, name), value] for name, value in changes.items()
               if getattr(locked, name) != value}
    if changed:
        for name, (_old, value) in changed.items():
            setattr(locked, name, value)
        locked.full_clean()
        _bump(locked, fields=list(changed))
        record("lists.update", actor=actor, request=request, obj=locked,
               data={"changed": changed, "version": locked.version})
    return locked


def province_list(slug: str) -> HashList:
    """One of the province's own lists (seed.py), created again if it is missing."""
    fields = seed.PROVINCE_LISTS[slug]
    return HashList.objects.get_or_create(slug=slug, defaults={**fields, "source": seed.SOURCE})[0]


# -- entries --------------------------------------------------------------------------------------------------
def import_entries(hash_list: HashList, content: bytes, filename: str, *, actor=None, request=None,
                   note: str = "") -> ImportResult:
    """Add the values of a list file, in any format copvn.detect.lists reads: the HMA / python-threatexchange
    CSV with its `signal_type,signal_value[,metadata]` header, the same without the header, a CSV whose first
    column is the value, or one value per line. A bad line is reported (line number, reason) and skipped;
    every good line is kept. A file that is not UTF-8 is refused whole."""
    result = ImportResult()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.refused = True
        result.error_count = 1
        result.errors.append((content[: exc.start].count(b"\n") + 1,
                              _("Tệp không phải văn bản UTF-8 (hãy lưu lại tệp với mã hóa UTF-8).")))
        text = ""
    rows = []
    for line, value, meta, problem in _read(hash_list.kind, text):
        if problem:
            result.error_count += 1
            if len(result.errors) < MAX_SHOWN_ERRORS:
                result.errors.append((line, problem))
        else:
            rows.append((value, meta))
    with transaction.atomic():
        locked = _lock(hash_list)
        result.added, result.repeated = _insert(locked, rows, actor=actor, note=note)
        record("lists.import", actor=actor, request=request, obj=locked, reason=filename[:200],
               data={"added": result.added, "repeated": result.repeated, "errors": result.error_count,
                     "refused": result.refused, "version": locked.version})
        _ask_for_rebuild(locked, result.added)
    hash_list.refresh_from_db()
    return result


def add_entries(hash_list: HashList, values: Iterable[str], *, actor=None, request=None, note: str = "",
                metadata: dict | None = None) -> tuple[int, int]:
    """Add values to a list: (added, already there). Raises InvalidValues, adding nothing, if one is bad."""
    rows, problems = [], []
    for value in values:
        try:
            rows.append((matching.normalise(hash_list.kind, value), dict(metadata or {})))
        except (ValueError, KeyError) as exc:
            problems.append((value, _reason(hash_list.kind, exc)))
    if problems:
        raise InvalidValues(problems)
    with transaction.atomic():
        locked = _lock(hash_list)
        added, repeated = _insert(locked, rows, actor=actor, note=note)
        record("lists.add", actor=actor, request=request, obj=locked, reason=note[:300],
               data={"added": added, "repeated": repeated, "values": [v for v, _m in rows[:20]],
                     "version": locked.version})
        _ask_for_rebuild(locked, added)
    hash_list.refresh_from_db()
    return added, repeated


@transaction.atomic
def remove_entry(entry: ListEntry, *, actor=None, request=None, reason: str = "") -> HashList:
    locked = _lock(entry.hash_list)
    deleted, _by_model = ListEntry.objects.filter(pk=entry.pk, hash_list=locked).delete()
    if deleted:
        locked.entry_count = max(0, locked.entry_count - 1)
        _bump(locked, fields=["entry_count"])
        record("lists.remove", actor=actor, request=request, obj=locked, reason=reason[:300],
               data={"value": entry.value, "entry": entry.pk, "version": locked.version})
    return locked


def confirm_media(sha256: str | None, pdq: str | None, harmful: bool, *, actor=None, request=None,
                  note: str = "", metadata: dict | None = None, pdq_quality: int | None = None) -> ConfirmResult:
    """Put an image's hashes in the province's confirmed lists (harmful) or in its lists of known false
    positives (not harmful). A value already in the opposite list stays there and is reported as a
    conflict: a negative list wins every match, so a senior analyst settles it by removing one entry.
    A PDQ whose quality is known to be below copvn.detect.media.QUALITY_THRESHOLD is left out (such hashes,
    of near-blank images, would match unrelated ones)."""
    if pdq_quality is not None and pdq_quality < QUALITY_THRESHOLD:
        pdq = None
    kinds = {"sha256": sha256, "pdq": pdq}
    if harmful:
        targets = {"sha256": seed.CONFIRMED_SHA256, "pdq": seed.CONFIRMED_PDQ}
        opposite = {"sha256": seed.FALSE_POSITIVE_SHA256, "pdq": seed.FALSE_POSITIVE_PDQ}
    else:
        targets = {"sha256": seed.FALSE_POSITIVE_SHA256, "pdq": seed.FALSE_POSITIVE_PDQ}
        opposite = {"sha256": seed.CONFIRMED_SHA256, "pdq": seed.CONFIRMED_PDQ}
    given = {kind: matching.normalise(kind, value) for kind, value in kinds.items() if value}
    if not given:
        raise ValueError("confirm_media needs a SHA-256 or a PDQ hash")
    result = ConfirmResult()
    with transaction.atomic():
        for kind, value in given.items():
            locked = _lock(province_list(targets[kind]))
            added, _repeated = _insert(locked, [(value, dict(metadata or {}))], actor=actor, note=note)
            (result.added if added else result.already).append(locked.slug)
            other = province_list(opposite[kind])
            if ListEntry.objects.filter(hash_list=other, key=entry_key(value)).exists():
                result.conflicts.append(other.slug)
            _ask_for_rebuild(locked, added)
        record("lists.confirm_media", actor=actor, request=request, reason=note[:300],
               data={**given, "harmful": harmful, "added": result.added, "conflicts": result.conflicts})
    return result


def export_rows(hash_list: HashList, fmt: str, *, actor=None, request=None) -> Iterator:
    """The list's entries for a download: CSV rows in the HMA exchange format (`signal_type,signal_value,
    metadata`) or lines of one value each (`fmt` "lines"). The download is recorded first."""
    if fmt not in ("csv", "lines"):
        raise ValueError(f"unknown export format {fmt!r}")
    with transaction.atomic():
        record("lists.export", actor=actor, request=request, obj=hash_list,
               data={"format": fmt, "entries": hash_list.entry_count, "version": hash_list.version})
    rows = hash_list.entries.order_by("pk").values_list("value", "metadata").iterator(chunk_size=5000)
    if fmt == "lines":
        return (f"{value}\n" for value, _meta in rows)
    return _csv_rows(hash_list.kind, rows)


def _csv_rows(kind: str, rows) -> Iterator[list]:
    yield ["signal_type", "signal_value", "metadata"]
    for value, meta in rows:
        yield [kind, value, json.dumps(meta, ensure_ascii=False) if meta else ""]


# -- inside a transaction -------------------------------------------------------------------------------------
def _lock(hash_list: HashList) -> HashList:
    return HashList.objects.select_for_update().get(pk=hash_list.pk)


def _bump(locked: HashList, fields: list[str]) -> None:
    locked.version += 1
    locked.revision = new_revision()
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*fields, "version", "revision", "updated_at"])


def _insert(locked: HashList, rows: list[tuple[str, dict]], *, actor, note: str) -> tuple[int, int]:
    """Add the new values among (normalised value, metadata) rows: (added, repeated)."""
    fresh: dict[str, tuple[str, dict]] = {}
    for value, meta in rows:
        fresh.setdefault(entry_key(value), (value, meta))
    keys = list(fresh)
    for start in range(0, len(keys), 500):
        existing = ListEntry.objects.filter(hash_list=locked, key__in=keys[start:start + 500])
        for key in existing.values_list("key", flat=True):
            del fresh[key]
    if fresh:
        locked.entry_count += len(fresh)
        _bump(locked, fields=["entry_count"])
        now = timezone.now()
        ListEntry.objects.bulk_create(
            (ListEntry(hash_list=locked, value=value, key=key, metadata=meta, note=note[:300], added_at=now,
                       added_by=actor if getattr(actor, "pk", None) else None, added_in_version=locked.version)
             for key, (value, meta) in fresh.items()), batch_size=BATCH)
    return len(fresh), len(rows) - len(fresh)


def _ask_for_rebuild(locked: HashList, added: int) -> None:
    """Ask the worker to merge the entries added since the PDQ index was built, once they are enough."""
    if locked.kind == "pdq" and added and matching.rebuild_due(locked, added):
        from .tasks import build_pdq_index

        build_pdq_index.enqueue(locked.pk)


# -- reading files --------------------------------------------------------------------------------------------
def _read(kind: str, text: str):
    """(line number, normalised value, metadata, problem or '') for each non-blank line of a list file."""
    for line, signal_type, value, meta in file_rows(text.splitlines()):
        if isinstance(value, Exception):
            yield line, "", {}, _("Loại tín hiệu “%(type)s” không rõ.") % {"type": signal_type}
        elif signal_type and ALIASES.get(signal_type.lower()) != kind:
            yield line, "", {}, _("Tín hiệu loại “%(type)s” không thuộc danh sách %(kind)s.") % {
                "type": signal_type, "kind": KIND_NAMES[kind]}
        else:
            try:
                yield line, matching.normalise(kind, value), meta, ""
            except (ValueError, KeyError) as exc:
                yield line, "", {}, _reason(kind, exc)


def _reason(kind: str, exc: Exception) -> str:
    if kind in HEX_LENGTH:
        return _("Không phải mã %(kind)s: cần đúng %(length)s ký tự thập lục phân (0–9, a–f).") % {
            "kind": KIND_NAMES[kind], "length": HEX_LENGTH[kind]}
    if isinstance(exc, URLError) and getattr(exc, "code", "").startswith("url."):
        return describe_error(exc)
    return _("Không phải đường dẫn, “prefix:đường dẫn” hay “domain:tên miền” hợp lệ.")
