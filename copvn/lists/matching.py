"""Matching an image's hashes and a URL against the enabled lists.

A negative list always wins. Negative lists hold values confirmed as *not* harmful (known false positives):
when any enabled negative list matches the item — whatever its kind, so a known-innocent file's SHA-256
clears its PDQ near-matches too — every positive match is dropped, and the negative matches are returned
instead, so that a caller can say "known false positive" and why. Callers therefore flag an item only when
the result holds a match with `negative` False.

MD5 and SHA-256 are looked up in the database (the unique index on list and value). PDQ lists are searched
in an exact multi-index (copvn.detect.index.PDQIndex) built once per list version and kept memory-mapped in
the data directory (store.py), so every process on the machine shares one copy through the page cache.
Entries added after the index was built (each entry records the list version that added it) are fetched
from the database and searched linearly until the next build merges them: the services ask the worker for
that build (tasks.py) once they pass `rebuild_after()`. Each process caches, per list, the mapped index and
those pending entries with the list revision (a random token renewed with every change) they are good for;
when a match finds the list at another revision the process keeps the mapping if no newer index was built,
maps the newer one if it was, and fetches the pending entries again. Entries removed since are dropped when
the matches are looked up in the database. An index is used only while its IndexBuild row exists, so one
built from a transaction that rolled back is never trusted.

URL lists are matched by copvn.detect.urllist.URLList (exact, `prefix:` and `domain:` entries), built from
the database in each process and built again when the list's revision changes (kept in process memory: URL
lists are small beside hash lists).

`reference_media_matches` is the brute-force oracle: the same answers from the database alone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from copvn.detect.index import hex_to_words
from copvn.detect.lists import HashList as Normaliser
from copvn.detect.urllist import URLList

from . import store
from .models import HashList, IndexBuild, ListEntry, entry_key

INDEX_FOLDER = "_pdq-index"
PENDING_MIN = 20_000  # entries searched linearly, beside the index, before a rebuild is due: at least …
PENDING_SHARE = 100  # … or one in a hundred of the indexed entries
CHUNK = 20_000


@dataclass(frozen=True)
class Match:
    list_id: int
    list_slug: str
    list_name: str
    kind: str
    value: str
    entry_id: int
    distance: int
    negative: bool
    category_code: str
    list_version: int


def normalise(kind: str, value: str) -> str:
    """The value as the list stores it (detect.lists rules); ValueError or URLError when it is not one."""
    return Normaliser("normalise", kind).normalise(value)


def index_folder(hash_list: HashList) -> Path:
    """One folder per list; the creation time in its name keeps a recreated database off an old index."""
    stamp = int(hash_list.created_at.timestamp() * 1_000_000)
    return Path(settings.DATA_DIR) / "lists" / INDEX_FOLDER / f"{hash_list.pk}-{stamp}"


def rebuild_after(indexed: int) -> int:
    return max(PENDING_MIN, indexed // PENDING_SHARE)


# -- the per-process cache ------------------------------------------------------------------------------------
@dataclass
class _PDQState:
    folder: Path
    revision: str  # the list revision this state was loaded for
    base: store.Base
    words: np.ndarray = field(default_factory=lambda: np.empty((0, 4), np.uint64))
    ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    def search(self, query: np.ndarray, threshold: int) -> list[tuple[int, int]]:
        return self.base.search(query, threshold) + store.scan(self.words, self.ids, query, threshold)


@dataclass
class _URLState:
    revision: str
    urls: URLList = field(default_factory=URLList)
    ids: list[int] = field(default_factory=list)


class IndexCache:
    """What one process keeps between matches: per list, its index as of one list revision. A list found at
    another revision is loaded again: the mapped index is reused when it is still the newest, and only the
    entries added since it was built are fetched."""

    def __init__(self):
        self._pdq: dict[int, _PDQState] = {}
        self._urls: dict[int, _URLState] = {}
        self._lock = threading.Lock()

    def pdq(self, hash_list: HashList) -> _PDQState:
        with self._lock:
            state = self._pdq.get(hash_list.pk)
            if state is None or state.revision != hash_list.revision or state.folder != index_folder(hash_list):
                state = self._pdq[hash_list.pk] = _load_pdq(hash_list, state)
            return state

    def urls(self, hash_list: HashList) -> _URLState:
        with self._lock:
            state = self._urls.get(hash_list.pk)
            if state is None or state.revision != hash_list.revision:
                state = self._urls[hash_list.pk] = _URLState(hash_list.revision)
                for pk, value in _added(hash_list, 0):
                    state.urls.add(value)
                    state.ids.append(pk)
            return state

    def clear(self) -> None:
        with self._lock:
            self._pdq.clear()
            self._urls.clear()


_process_cache = IndexCache()


def forget() -> None:
    """Drop this process's cached indexes (the files stay)."""
    _process_cache.clear()


def _added(hash_list: HashList, after: int):
    """(id, value) of the entries added after version `after`, up to the list's version as read."""
    rows = ListEntry.objects.filter(hash_list_id=hash_list.pk, added_in_version__gt=after,
                                    added_in_version__lte=hash_list.version)
    return rows.order_by("pk").values_list("pk", "value").iterator(chunk_size=CHUNK)


def _load_pdq(hash_list: HashList, old: _PDQState | None) -> _PDQState:
    folder = index_folder(hash_list)
    base = _newest_build(hash_list, folder, old.base if old is not None else None)
    if base is None:
        base = store.empty_base() if hash_list.entry_count == 0 else build_index(hash_list)
    state = _PDQState(folder, hash_list.revision, base)
    _extend(state, hash_list, base.version)
    if len(state.ids) > 4 * rebuild_after(len(base)):  # the worker has not kept up: build here
        built = build_index(hash_list, wait=False)
        if built is not None:
            state = _PDQState(folder, hash_list.revision, built)
            _extend(state, hash_list, built.version)
    return state


def _newest_build(hash_list: HashList, folder: Path, mapped: store.Base | None = None) -> store.Base | None:
    """The newest index of the list on this machine that has its IndexBuild row; `mapped` itself when that
    is the one, so that a process keeps its mapping."""
    usable = set(IndexBuild.objects.filter(hash_list_id=hash_list.pk).values_list("version", "token"))
    if mapped is not None and mapped.folder.parent == folder and (mapped.version, mapped.token) in usable:
        newest = max((build for build in store.builds(folder) if build in usable), default=None)
        if newest == (mapped.version, mapped.token):
            return mapped
    return store.open_newest(folder, usable) if usable else None


def _extend(state: _PDQState, hash_list: HashList, after: int) -> None:
    ids, values = [], []
    for pk, value in _added(hash_list, after):
        ids.append(pk)
        values.append(value)
    if ids:
        state.words = np.concatenate([state.words, hex_to_words(values)])
        state.ids = np.concatenate([state.ids, np.array(ids, dtype=np.int64)])


# -- building --------------------------------------------------------------------------------------------------
def build_index(hash_list: HashList, wait: bool = True) -> store.Base | None:
    """Build the PDQ index of the list at its current version, unless this machine has one as new. With
    `wait` off, return None at once when another process is building it."""
    folder = index_folder(hash_list)
    with store.build_lock(folder, wait=wait) as held:
        if not held:
            return None
        version = HashList.objects.values_list("version", flat=True).get(pk=hash_list.pk)
        base = _newest_build(hash_list, folder)
        if base is None or base.version < version:
            words, ids = _all_hashes(hash_list.pk, version)
            build = IndexBuild(hash_list_id=hash_list.pk, version=version, size=len(ids))
            base = store.write_base(folder, version, build.token, words, ids)
            build.save()
        store.prune(folder, below=base.version)
        return base


def _all_hashes(list_id: int, version: int) -> tuple[np.ndarray, np.ndarray]:
    rows = ListEntry.objects.filter(hash_list_id=list_id, added_in_version__lte=version).order_by("pk")
    words, ids, values, chunk_ids = [], [], [], []
    for pk, value in rows.values_list("pk", "value").iterator(chunk_size=CHUNK):
        values.append(value)
        chunk_ids.append(pk)
        if len(values) == CHUNK:
            words.append(hex_to_words(values))
            ids.append(np.array(chunk_ids, dtype=np.int64))
            values, chunk_ids = [], []
    if values:
        words.append(hex_to_words(values))
        ids.append(np.array(chunk_ids, dtype=np.int64))
    if not words:
        return np.empty((0, 4), np.uint64), np.empty(0, np.int64)
    return np.concatenate(words), np.concatenate(ids)


def pending(hash_list: HashList) -> tuple[int, int]:
    """(hashes in this machine's newest usable index, entries added since it was built)."""
    sizes = {(version, token): size for version, token, size in
             IndexBuild.objects.filter(hash_list_id=hash_list.pk).values_list("version", "token", "size")}
    built = [build for build in store.builds(index_folder(hash_list)) if build in sizes]
    version, indexed = (built[-1][0], sizes[built[-1]]) if built else (0, 0)
    return indexed, ListEntry.objects.filter(hash_list_id=hash_list.pk, added_in_version__gt=version).count()


def rebuild_due(hash_list: HashList, added: int | None = None) -> bool:
    """Whether enough entries were added since the newest index to merge them into a new one; with `added`,
    only when the last `added` of them are what made it due (so that a change asks for one build, not many)."""
    indexed, count = pending(hash_list)
    limit = rebuild_after(indexed)
    return count > limit and (added is None or count - added <= limit)


# -- matching --------------------------------------------------------------------------------------------------
def match_media(sha256: str | None = None, md5: str | None = None, pdq: str | None = None, *,
                cache: IndexCache | None = None) -> list[Match]:
    """Every enabled list matching the image's hashes; negative lists win (see the module's docstring). PDQ
    matches are those within each list's threshold; a low-quality PDQ (below 50) should not be passed."""
    cache = cache or _process_cache
    given = {kind: normalise(kind, value) for kind, value in (("sha256", sha256), ("md5", md5), ("pdq", pdq))
             if value}
    lists = {hl.pk: hl for hl in HashList.objects.filter(enabled=True, kind__in=list(given))}
    found = _exact(lists, given)
    if "pdq" in given:
        query = hex_to_words([given["pdq"]])
        hits = {}
        for hash_list in lists.values():
            if hash_list.kind == "pdq":
                hits.update(cache.pdq(hash_list).search(query, hash_list.threshold))
        found += _entries(lists, hits)
    return negative_wins(found)


def match_url(url: str, *, cache: IndexCache | None = None) -> list[Match]:
    """Every enabled URL list the URL falls under (exact, prefix or domain entries, on the canonical form);
    negative lists win. Raises URLError for text that is not a URL."""
    cache = cache or _process_cache
    lists = {hl.pk: hl for hl in HashList.objects.filter(enabled=True, kind="url")}
    hits = {}
    for hash_list in lists.values():
        state = cache.urls(hash_list)
        hits.update((state.ids[number], 0) for _how, number in state.urls.match(url))
    return negative_wins(_entries(lists, hits))


def negative_wins(found: list[Match]) -> list[Match]:
    negatives = [m for m in found if m.negative]
    return sorted(negatives or found, key=lambda m: (m.distance, m.list_slug, m.entry_id))


def _exact(lists: dict[int, HashList], given: dict[str, str]) -> list[Match]:
    found = []
    for kind in ("sha256", "md5"):
        ids = [pk for pk, hl in lists.items() if hl.kind == kind]
        if kind in given and ids:
            rows = ListEntry.objects.filter(hash_list_id__in=ids, key=entry_key(given[kind]))
            found += [_match(lists[list_id], pk, value, 0) for pk, list_id, value in
                      rows.values_list("pk", "hash_list_id", "value")]
    return found


def _entries(lists: dict[int, HashList], hits: dict[int, int]) -> list[Match]:
    """Matches for (entry id -> distance) hits of entries that still exist in the lists."""
    found = []
    ids = list(hits)
    for start in range(0, len(ids), 500):
        rows = ListEntry.objects.filter(pk__in=ids[start:start + 500], hash_list_id__in=list(lists))
        found += [_match(lists[list_id], pk, value, hits[pk]) for pk, list_id, value in
                  rows.values_list("pk", "hash_list_id", "value")]
    return found


def _match(hash_list: HashList, entry_id: int, value: str, distance: int) -> Match:
    return Match(hash_list.pk, hash_list.slug, hash_list.name, hash_list.kind, value, entry_id, int(distance),
                 hash_list.negative, hash_list.category_code, hash_list.version)


def reference_media_matches(sha256: str | None = None, md5: str | None = None,
                            pdq: str | None = None) -> list[Match]:
    """The brute-force reference for match_media: every entry of every enabled list compared in turn."""
    given = {kind: normalise(kind, value) for kind, value in (("sha256", sha256), ("md5", md5), ("pdq", pdq))
             if value}
    found = []
    for hash_list in HashList.objects.filter(enabled=True, kind__in=list(given)):
        rows = list(hash_list.entries.order_by("pk").values_list("pk", "value"))
        if hash_list.kind != "pdq":
            found += [_match(hash_list, pk, v, 0) for pk, v in rows if v == given[hash_list.kind]]
        elif rows:
            words = hex_to_words([v for _pk, v in rows])
            ids = np.array([pk for pk, _v in rows], dtype=np.int64)
            values = dict(rows)
            found += [_match(hash_list, pk, values[pk], d) for pk, d in
                      store.scan(words, ids, hex_to_words([given["pdq"]]), hash_list.threshold)]
    return negative_wins(found)
