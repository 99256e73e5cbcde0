"""Content-addressed files in the data directory: named by SHA-256, written once, atomically, owner-only.

Used for quarantined uploads and captured evidence. Nothing here is under the web root; files are read
back only by views that check access and write an audit entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

HEX = set("0123456789abcdef")


class BlobStore:
    def __init__(self, name: str):
        self.name = name

    @property
    def root(self) -> Path:
        path = Path(settings.DATA_DIR) / self.name
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= HEX:
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256

    def store(self, data: bytes) -> str:
        """Store and return the SHA-256; storing the same bytes twice is harmless."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> bool:
        """Remove the file (overwritten first, then unlinked); True if there was one."""
        target = self.path(sha256)
        try:
            size = target.stat().st_size
        except FileNotFoundError:
            return False
        with open(target, "r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        target.unlink()
        return True


QUARANTINE = BlobStore("quarantine")
EVIDENCE = BlobStore("evidence")
