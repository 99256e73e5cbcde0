"""An article as an editor gives it: plain text, HTML or DOCX, read into text with clear refusals."""

from __future__ import annotations

import io
import zipfile

from copvn.detect import pii

MAX_BYTES = 5 * 1024 * 1024


def read_article(data: bytes, name: str = "") -> str:
    if len(data) > MAX_BYTES:
        raise ValueError(f"the article is {len(data):,} bytes; at most {MAX_BYTES:,} are read")
    if name.lower().endswith(".docx") or data[:2] == b"PK":
        return _docx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text, HTML or DOCX") from None
    return pii.article_text(text) if text.lstrip()[:1] == "<" else text


def _docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ValueError("the file is named .docx but is not a Word document") from None
    return "\n".join(p.text for p in document.paragraphs)
