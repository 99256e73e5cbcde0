"""A bulk scan over many JSON Lines files (framework-free): read the lines, cut them into chunks, scan each chunk
in this process, a pool of local processes or on an existing Dask cluster, and write one result line per input
line, in input order, whatever ran where.

Exactly once: a chunk's result is written when it comes back, and only the first time. A pool process that dies
(killed, out of memory) breaks the pool: a new pool takes the chunks that had not come back. On Dask the
scheduler recomputes the tasks of a worker that died (its Nanny starts a new one); the client still receives
each task's result once. Workers never touch the database: the lists travel as a snapshot, sent once.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CodedError
from .scan import Lists, Thresholds, scan_chunk

CHUNK_LINES = 1000
MAX_POOL_RESTARTS = 10
CONNECT_TIMEOUT = 10


class ScanError(CodedError):
    MESSAGES = {
        "scan.input": "cannot read {path}: {detail}",
        "scan.cluster": "no Dask scheduler answers at {address} ({detail})",
        "scan.cluster_missing": "a cluster scan needs dask[distributed] installed",
        "scan.pool": "the worker processes kept dying ({restarts} restarts); {done} of {total} chunks were scanned",
    }


@dataclass
class Summary:
    lines: int = 0
    errors: int = 0
    alerts: int = 0
    seconds: float = 0.0
    restarts: int = 0
    where: str = ""
    per_second: float = field(init=False, default=0.0)

    def finish(self, started: float) -> Summary:
        self.seconds = round(time.monotonic() - started, 3)
        self.per_second = round(self.lines / self.seconds, 1) if self.seconds else 0.0
        return self


Chunk = list[tuple[str, int, bytes]]


def chunks(paths: list[str], size: int = CHUNK_LINES, progress: Progress | None = None) -> Iterator[Chunk]:
    """Non-blank lines as (file name, line number, bytes), `size` at a time; .gz files are read through gzip."""
    batch: Chunk = []
    for path in paths:
        try:
            handle = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise ScanError("scan.input", path=path, detail=exc.strerror or str(exc)) from None
        with handle:
            name = os.path.basename(path)
            for number, raw in enumerate(handle, start=1):
                if progress is not None:
                    progress.read(len(raw))
                raw = raw.rstrip(b"\r\n")
                if not raw.strip():
                    continue
                batch.append((name, number, raw))
                if len(batch) >= size:
                    yield batch
                    batch = []
    if batch:
        yield batch


class Progress:
    """Items a second and time left on stderr: redrawn in place on a terminal, a line every 10 s otherwise."""

    def __init__(self, paths: list[str], stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.total = sum(_size(p) for p in paths)
        self.bytes = 0
        self.done = 0
        self.started = time.monotonic()
        self.shown = 0.0
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def read(self, n: int) -> None:
        self.bytes += n

    def wrote(self, n: int, final: bool = False) -> None:
        self.done += n
        now = time.monotonic()
        if not self.enabled or (not final and now - self.shown < (0.5 if self.tty else 10)):
            return
        self.shown = now
        rate = self.done / max(now - self.started, 1e-9)
        share = min(1.0, self.bytes / self.total) if self.total else 1.0
        left = ""
        if 0 < share < 1 and self.done:
            eta = (now - self.started) * (1 - share) / share
            left = f", {int(eta // 60)}:{int(eta % 60):02d} left"
        text = f"scan: {self.done:,} posts, {rate:,.0f}/s, {share:.0%} read{left}"
        self.stream.write(("\r" + text + ("\n" if final else "")) if self.tty else text + "\n")
        self.stream.flush()


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


OnResult = Callable[[Chunk, list[str]], None]


def run(paths: list[str], out, *, workers: int = 1, cluster: str = "", lists: Lists | None = None,
        thresholds: Thresholds | None = None, chunk_lines: int = CHUNK_LINES, progress: Progress | None = None,
        on_result: OnResult | None = None, window: int = 0) -> Summary:
    """Scan every line of `paths` into `out` (a text stream). `cluster` is a Dask scheduler address; otherwise
    `workers` local processes (1: this process)."""
    lists, thresholds = lists or Lists(), thresholds or Thresholds()
    for path in paths:
        if not Path(path).is_file():
            raise ScanError("scan.input", path=path, detail="no such file")
    summary, started = Summary(), time.monotonic()
    source = chunks(paths, chunk_lines, progress)

    def write(chunk: Chunk, lines: list[str]) -> None:
        out.write("\n".join(lines) + "\n")
        summary.lines += len(lines)
        summary.errors += sum(1 for line in lines if line.startswith('{"id": null, "file"') and '"error"' in line)
        summary.alerts += sum(1 for line in lines if not line.endswith('"alert": []}'))
        if on_result is not None:
            on_result(chunk, lines)
        if progress is not None:
            progress.wrote(len(lines))

    if cluster:
        summary.where = f"dask {cluster}"
        _on_dask(source, write, cluster, lists, thresholds, window)
    elif workers <= 1:
        summary.where = "this process"
        for chunk in source:
            write(chunk, scan_chunk(chunk, lists, thresholds))
    else:
        summary.where = f"{workers} processes"
        summary.restarts = _on_pool(source, write, workers, lists, thresholds, window or workers * 3)
    if progress is not None:
        progress.wrote(0, final=True)
    return summary.finish(started)


class _InOrder:
    """Results come back in any order; they are written in the order of the input."""

    def __init__(self, write):
        self.write = write
        self.next = 0
        self.ready: dict[int, tuple[Chunk, list[str]]] = {}

    def add(self, index: int, chunk: Chunk, lines: list[str]) -> None:
        if index < self.next or index in self.ready:
            return  # already written: a result never counts twice
        self.ready[index] = (chunk, lines)
        while self.next in self.ready:
            self.write(*self.ready.pop(self.next))
            self.next += 1


def _on_pool(source: Iterator[Chunk], write, workers: int, lists: Lists, thresholds: Thresholds,
             window: int) -> int:
    ordered, pending, futures, restarts, index, exhausted = _InOrder(write), {}, {}, 0, 0, False
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        while True:
            while not exhausted and len(pending) + len(ordered.ready) < window:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                pending[index] = chunk
                futures[pool.submit(scan_chunk, chunk, lists, thresholds)] = index
                index += 1
            if not pending:
                return restarts
            finished, _running = wait(futures, return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                i = futures.pop(future)
                try:
                    lines = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                ordered.add(i, pending.pop(i), lines)
            if broken:  # a process died: what came back stays written, the rest goes to a new pool
                restarts += 1
                pool.shutdown(wait=False, cancel_futures=True)
                if restarts > MAX_POOL_RESTARTS:
                    raise ScanError("scan.pool", restarts=restarts - 1, done=ordered.next, total=index)
                pool = ProcessPoolExecutor(max_workers=workers)
                futures = {pool.submit(scan_chunk, chunk, lists, thresholds): i for i, chunk in pending.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _on_dask(source: Iterator[Chunk], write, address: str, lists: Lists, thresholds: Thresholds,
             window: int) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ScanError("scan.cluster_missing") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScanError("scan.cluster", address=address, detail=f"{type(exc).__name__}: {exc}") from None
    try:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        window = window or workers * 4
        snapshot = client.scatter(lists, broadcast=True)  # sent to each worker once, not with every chunk
        ordered, pending, index = _InOrder(write), {}, 0
        running = as_completed(loop=client.loop)
        for chunk in source:
            pending[index] = chunk
            running.add(client.submit(scan_chunk, chunk, snapshot, thresholds, key=f"copvn-scan-{os.getpid()}-"
                                      f"{id(running)}-{index}", pure=False, retries=3))
            index += 1
            while running.count() + len(ordered.ready) >= window:
                _take(next(running), pending, ordered)
        for future in running:
            _take(future, pending, ordered)
    finally:
        client.close()


def _take(future, pending, ordered) -> None:
    i = int(future.key.rsplit("-", 1)[1])
    ordered.add(i, pending.pop(i), future.result())
    future.release()
