"""Both formats at once: the DOCX always, the PDF when LibreOffice can make it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .builder import build_docx
from .model import Document
from .pdf import ConversionFailed, to_pdf

FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Rendered:
    """The files made (`files["docx"]`, `files["pdf"]`) and, per format that failed, why."""

    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def render(doc: Document, formats: Iterable[str] = FORMATS, *, timeout: float = 60,
           soffice: str | None = None) -> Rendered:
    """Build the document in the asked formats. A PDF that cannot be made is reported in `errors` and
    the DOCX is still returned, so the caller can deliver it and show the message."""
    wanted = tuple(formats)
    unknown = set(wanted) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown document format {', '.join(sorted(unknown))}: use docx or pdf")
    docx_bytes = build_docx(doc)
    files, errors = {}, {}
    if "docx" in wanted:
        files["docx"] = docx_bytes
    if "pdf" in wanted:
        try:
            files["pdf"] = to_pdf(docx_bytes, timeout=timeout, soffice=soffice)
        except ConversionFailed as exc:
            errors["pdf"] = str(exc)
            files.setdefault("docx", docx_bytes)
    return Rendered(files, errors)
