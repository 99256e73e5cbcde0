"""DOCX → PDF with LibreOffice, offline.

Each conversion runs `soffice --headless --convert-to pdf` with its own throw-away user profile
(`-env:UserInstallation=file:///tmp/…`): LibreOffice allows one process per profile, so a shared profile
makes parallel conversions fail. The process runs in its own process group, and the whole group is killed
when the timeout passes, so a hung conversion leaves nothing behind.

Debian packages: `libreoffice-writer-nogui` (the converter) and `fonts-liberation2` (Liberation Serif 2,
metric-compatible with Times New Roman and complete for Vietnamese; the older `fonts-liberation` lacks
Ơ, Ư and most tone-marked letters).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

PACKAGE = "libreoffice-writer-nogui"
BINARIES = ("soffice", "libreoffice")
_STDERR_TAIL = 2000


class ConversionFailed(RuntimeError):
    """The PDF could not be made; `reason` is `missing`, `timeout` or `failed`, the message says more."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def find_soffice(binary: str | None = None) -> str | None:
    """The LibreOffice executable: `binary` if given (a path or a name on PATH), else soffice on PATH."""
    for name in (binary,) if binary else BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_available(binary: str | None = None) -> bool:
    """Whether LibreOffice is installed, so `to_pdf` can work."""
    return find_soffice(binary) is not None


def _missing(binary: str | None) -> ConversionFailed:
    what = f"{binary!r} was not found" if binary else "LibreOffice (soffice) is not installed"
    return ConversionFailed("missing", f"cannot make a PDF: {what}; install the Debian package {PACKAGE} "
                                       f"(and fonts-liberation2 for Times New Roman metrics)")


def to_pdf(docx_bytes: bytes, *, timeout: float = 60, soffice: str | None = None) -> bytes:
    """Convert DOCX bytes to PDF bytes; raises ConversionFailed saying what went wrong."""
    binary = find_soffice(soffice)
    if binary is None:
        raise _missing(soffice)
    with tempfile.TemporaryDirectory(prefix="copvn-pdf-") as scratch:
        work = Path(scratch)
        source, outdir = work / "document.docx", work / "out"
        source.write_bytes(docx_bytes)
        command = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nologo", "--nodefault", "--convert-to", "pdf", "--outdir", str(outdir),
                   str(source)]
        stderr = _run(command, timeout, cwd=work)
        result = outdir / "document.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed("failed", f"LibreOffice produced no PDF: {stderr or 'no error output'}")
        return result.read_bytes()


def _run(command: list[str], timeout: float, *, cwd: Path) -> str:
    """Run the converter in its own process group; returns the tail of its error output."""
    try:
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise ConversionFailed("missing", f"cannot start {command[0]}: {exc}; install the Debian package "
                                          f"{PACKAGE}") from exc
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ConversionFailed("timeout", f"LibreOffice did not finish converting to PDF within {timeout:g} s "
                                          "and was stopped") from None
    stderr = err.decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
    if process.returncode != 0:
        raise ConversionFailed("failed", f"LibreOffice could not convert the document (exit status "
                                         f"{process.returncode}): {stderr or 'no error output'}")
    return stderr


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
