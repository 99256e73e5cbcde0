"""The enabled URL and exact-hash lists as one snapshot for a scan (copvn.detect.scan.Lists): workers and pool
processes match against it without touching the database. Kept per process while no list changes (each change
gives a list a new revision), so a monitoring round every 30 s does not read every entry again."""

from __future__ import annotations

from copvn.detect.scan import Lists, ListSnapshot

from .models import HashList, ListEntry

KINDS = ("url", "sha256", "md5")
_kept: tuple[tuple, Lists] | None = None


def snapshot() -> Lists:
    global _kept
    enabled = list(HashList.objects.filter(enabled=True, kind__in=KINDS).order_by("pk"))
    key = tuple((h.pk, h.revision) for h in enabled)
    if _kept is not None and _kept[0] == key:
        return _kept[1]
    lists = []
    for hash_list in enabled:
        entries = list(ListEntry.objects.filter(hash_list=hash_list).order_by("pk").values_list("value", flat=True))
        lists.append(ListSnapshot(hash_list.slug, hash_list.kind, hash_list.category_code, hash_list.negative,
                                  hash_list.version, entries))
    _kept = (key, Lists(lists))
    return _kept[1]
