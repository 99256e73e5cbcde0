"""The enabled URL and exact-hash lists as one snapshot for a scan (copvn.detect.scan.Lists): workers and pool
processes match against it without touching the database."""

from __future__ import annotations

from copvn.detect.scan import Lists, ListSnapshot

from .models import HashList, ListEntry

KINDS = ("url", "sha256", "md5")


def snapshot() -> Lists:
    lists = []
    for hash_list in HashList.objects.filter(enabled=True, kind__in=KINDS).order_by("pk"):
        entries = list(ListEntry.objects.filter(hash_list=hash_list).order_by("pk").values_list("value", flat=True))
        lists.append(ListSnapshot(hash_list.slug, hash_list.kind, hash_list.category_code, hash_list.negative,
                                  hash_list.version, entries))
    return Lists(lists)
