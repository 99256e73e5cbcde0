"""An article as an editor gives it: plain text, HTML or DOCX, or the URL of a draft, read into text with clear
refusals (ValueError, its message for the editor)."""

from __future__ import annotations

import dataclasses
import io
import zipfile

from django.utils.translation import gettext as _

from copvn.detect import pii

MAX_BYTES = 5 * 1024 * 1024


def read_article(data: bytes, name: str = "") -> str:
    if len(data) > MAX_BYTES:
        raise ValueError(_("Bài viết dài %(n)s byte; chỉ đọc tối đa %(max)s byte.") % {
            "n": f"{len(data):,}".replace(",", "."), "max": f"{MAX_BYTES:,}".replace(",", ".")})
    if name.lower().endswith(".docx") or data[:2] == b"PK":
        return _docx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("Tệp không phải văn bản UTF-8, HTML hay DOCX.")) from None
    return pii.article_text(text) if text.lstrip()[:1] == "<" else text


def read_url(url: str) -> str:
    """The article text of a draft at `url`, fetched by the locked-down fetcher (public addresses only, capped
    in size and time): a newsroom's preview link, not its intranet."""
    from copvn.cases.capture import policy
    from copvn.detect import fetch

    limits = dataclasses.replace(policy(), max_bytes=MAX_BYTES, timeout=15.0)
    try:
        result = fetch.fetch(url, limits)
    except (fetch.FetchRefused, fetch.FetchFailed) as exc:
        raise ValueError(_("Không tải được bản nháp: %(why)s") % {"why": exc}) from None
    if result.status != 200:
        raise ValueError(_("Không tải được bản nháp: máy chủ trả lời mã %(status)s.") % {"status": result.status})
    if result.truncated:
        raise ValueError(_("Bản nháp lớn hơn %(max)s byte.") % {"max": f"{MAX_BYTES:,}".replace(",", ".")})
    kind = result.header("content-type").lower()
    name = ".docx" if "wordprocessingml" in kind else ""
    return read_article(result.body, name)


def _docx(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ValueError(_("Tệp mang đuôi .docx nhưng không phải văn bản Word.")) from None
    return "\n".join(p.text for p in document.paragraphs)
