"""One writer at a time inside a process, on SQLite.

SQLite lets one transaction write at a time; a second writer waits in SQLite's busy handler, which sleeps in
growing steps (up to 100 ms) before retrying. Threads of one web process queue on a Python lock instead and
start the moment the previous writer commits. PostgreSQL needs none of this: the lock is a no-op there.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading

from django.db import connection, transaction

_lock = threading.Lock()


@contextlib.contextmanager
def serialised_transaction():
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _lock, transaction.atomic():
            yield
    else:
        with transaction.atomic():
            yield


def lock_names(*names: str) -> None:
    """Inside a transaction: wait until no other transaction holds any of these names, and hold them until
    commit. PostgreSQL: transaction-level advisory locks. SQLite: nothing to do, its writers are serialised
    (IMMEDIATE transactions)."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({int(hashlib.sha256(name.encode()).hexdigest()[:15], 16) for name in names if name})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
