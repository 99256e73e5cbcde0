"""PDQ list indexes on disk: built once per list version, memory-mapped and shared by every process.

Layout of one list's folder (DATA_DIR/lists/_pdq-index/<list id>-<created>/):

    v<version>-<token>/   the copvn.detect.index.PDQIndex arrays as PDQIndex.save writes them (hashes, ids, lows,
                  heads .npy and index.json), entries.npy: the ListEntry id of each indexed hash, and
                  list.json (layout, version, token, size)
    .lock         held (flock) while a build writes, so that one process builds and the others wait

A build writes into a temporary folder, flushes it to disk and renames it into place: a reader sees a whole
index or none. `open_base` maps the files read-only (np.load with mmap_mode="r", a shared mapping), so every
process on the machine reads the same pages of the operating system's page cache: the index costs a process
only the page-table entries of the pages it touches, never a private copy. Older versions are deleted once a
newer one is in place; a process still searching one keeps its mapping (an unlinked file lives until its
last mapping goes). Which builds may be used is the caller's business (matching.py keeps a row per build in
the database); the token tells two builds of one version apart.

Nothing here imports Django: the benchmark (bench/pdq_list_memory.py) loads indexes with this module alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copvn.detect.index import BruteForceIndex, PDQIndex

ENTRIES = "entries.npy"
META = "list.json"
FORMAT = 1


@dataclass(frozen=True)
class Base:
    """An index built at a list version, with the entry id of each of its hashes."""

    version: int
    token: str
    index: PDQIndex
    entry_ids: np.ndarray
    folder: Path

    def __len__(self) -> int:
        return len(self.entry_ids)

    def search(self, query: np.ndarray, threshold: int) -> list[tuple[int, int]]:
        """(entry id, distance) of every indexed hash within the threshold of the query (one (1, 4) row)."""
        _q, found, distance = self.index.search(query, threshold)
        return list(zip(self.entry_ids[found].tolist(), distance.tolist(), strict=True))


def empty_base() -> Base:
    """An index of nothing, kept in memory: an empty list needs no file."""
    return Base(0, "", PDQIndex.build(np.empty((0, 4), np.uint64)), np.empty(0, np.int64), Path())


def builds(folder: Path) -> list[tuple[int, str]]:
    """(version, token) of every finished index in the folder, oldest first."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_dir() and entry.name.startswith("v")]
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        version, _dash, token = name[1:].partition("-")
        if version.isdigit() and token.isalnum():
            found.append((int(version), token))
    return sorted(found)


def open_base(folder: Path, version: int, token: str) -> Base:
    """Map one index, read-only and shared. Raises FileNotFoundError when it is gone, ValueError when it was
    written in another layout."""
    path = Path(folder) / f"v{version}-{token}"
    meta = json.loads((path / META).read_text())
    if (meta.get("format"), meta.get("version"), meta.get("token")) != (FORMAT, version, token):
        raise ValueError(f"{path} holds an index of another layout: rebuild it")
    index = PDQIndex.load(path, mmap=True)
    entry_ids = np.load(path / ENTRIES, mmap_mode="r")
    if len(entry_ids) != len(index):
        raise ValueError(f"{path}: {len(entry_ids)} entry ids for {len(index)} hashes: rebuild it")
    return Base(version, token, index, entry_ids, path)


def open_newest(folder: Path, usable: set[tuple[int, str]] | None = None) -> Base | None:
    """The newest finished index (of those in `usable`, when given), or None. One deleted or unreadable while
    it is being opened is skipped."""
    for version, token in reversed(builds(folder)):
        if usable is not None and (version, token) not in usable:
            continue
        try:
            return open_base(folder, version, token)
        except (FileNotFoundError, ValueError):
            continue
    return None


def write_base(folder: Path, version: int, token: str, words: np.ndarray, entry_ids: np.ndarray) -> Base:
    """Build the index of these hashes ((n, 4) uint64 words) and put it in place as `v<version>-<token>`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / f".v{version}-{token}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    PDQIndex.build(words).save(scratch)
    np.save(scratch / ENTRIES, np.ascontiguousarray(entry_ids, dtype=np.int64))
    meta = {"format": FORMAT, "version": version, "token": token, "size": len(entry_ids)}
    (scratch / META).write_text(json.dumps(meta))
    _flush(scratch)
    os.rename(scratch, folder / f"v{version}-{token}")
    _flush_folder(folder)
    return open_base(folder, version, token)


def prune(folder: Path, below: int) -> None:
    """Delete the indexes of versions below `below`, and the scratch folders of builds that died."""
    for version, token in builds(folder):
        if version < below:
            shutil.rmtree(Path(folder) / f"v{version}-{token}", ignore_errors=True)
    for entry in os.scandir(folder):
        if entry.name.startswith(".v") and not _alive(entry.name.rsplit("-", 1)[-1]):
            shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def build_lock(folder: Path, wait: bool = True):
    """Hold the folder's build lock; yields False at once, without it, when `wait` is off and it is taken."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def scan(words: np.ndarray, entry_ids: np.ndarray, query: np.ndarray, threshold: int) -> list[tuple[int, int]]:
    """(entry id, distance) of every hash within the threshold, by comparing the query with each one: the
    pending hashes added since the index was built, and the reference the tests compare the index with."""
    if len(words) == 0:
        return []
    _q, found, distance = BruteForceIndex(words).search(query, threshold)
    return list(zip(np.asarray(entry_ids)[found].tolist(), distance.tolist(), strict=True))


def size_on_disk(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())


def _flush(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _flush_folder(folder)


def _flush_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
