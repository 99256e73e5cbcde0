"""Uploaded media: checked by content, never by name, and kept in quarantine outside the web root.

Files are kept by copvn.core.blobs.QUARANTINE (named by SHA-256 under COPVN_DATA_DIR/quarantine, owner-only)
and served to staff only through an audited view — there is no URL that maps to the file.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from copvn.detect.media import MediaError, hash_image

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000


class UploadRejected(ValueError):
    """The upload is refused; the message is fit to show the person who sent it."""


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int
    sha256: str
    md5: str
    size: int
    pdq: str = ""


def inspect(data: bytes) -> ImageInfo:
    limit = settings.MAX_UPLOAD_BYTES
    if not data:
        raise UploadRejected(_("Tệp rỗng."))
    if len(data) > limit:
        raise UploadRejected(_("Tệp lớn hơn giới hạn %(n)s MB.") % {"n": limit // (1024 * 1024)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt, (width, height) = image.format, image.size
            if fmt not in ALLOWED_FORMATS:
                raise UploadRejected(_("Chỉ nhận ảnh JPEG, PNG, GIF hoặc WebP (kiểm tra theo nội dung tệp)."))
            if width * height > MAX_PIXELS:
                raise UploadRejected(_("Ảnh quá lớn (%(w)s×%(h)s điểm ảnh).") % {"w": width, "h": height})
            image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(_("Ảnh có kích thước giải nén bất thường (nghi “bom giải nén”).")) from None
    except UnidentifiedImageError:
        raise UploadRejected(_("Tệp không phải là ảnh (kiểm tra theo nội dung tệp).")) from None
    except (OSError, SyntaxError, ValueError):
        raise UploadRejected(_("Ảnh bị hỏng hoặc không đầy đủ.")) from None
    return ImageInfo(ALLOWED_FORMATS[fmt], width, height, hashlib.sha256(data).hexdigest(),
                     hashlib.md5(data, usedforsecurity=False).hexdigest(), len(data), _pdq(data))


def _pdq(data: bytes) -> str:
    """The PDQ hash, for matching against hash lists even when the bytes are never kept ("" if undecodable)."""
    try:
        return hash_image(data).pdq
    except MediaError:
        return ""
