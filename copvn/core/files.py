"""What kind of file an upload is, by its content (never by its name): the evidence files people attach."""

from __future__ import annotations

import io
import zipfile

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def sniff(data: bytes) -> str:
    """The media type of a PDF, a JPEG or PNG that decodes, a DOCX or an XLSX; "" for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return ""
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return ""
    from copvn.intake.quarantine import UploadRejected, inspect

    try:
        kind = inspect(data).content_type
    except UploadRejected:
        return ""
    return kind if kind in EXTENSIONS else ""
