"""What protects a reviewer happens here, on the server, before any byte leaves it.

A staff page never receives the original of quarantined media before a deliberate reveal: it gets a
derivative made here — downscaled, greyscale and blurred so hard that no detail survives. The original comes
only from `reveal`, a POST that writes its audit entry first. Media in a case whose category is never
displayed (CSAM) is served to no one, in no form.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFilter, ImageOps

MAX_SIDE = 320
BLUR_RADIUS = 14


def shielded(data: bytes, blur: bool = True, greyscale: bool = True) -> bytes:
    """A PNG no larger than MAX_SIDE on its longer side, greyscale and Gaussian-blurred unless the reviewer's
    wellness settings turn one of them off (it is still a downscaled copy, never the original)."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        picture = ImageOps.exif_transpose(image.convert("RGB"))
    picture = picture.convert("L") if greyscale else picture
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    if not blur:
        return _png(picture)
    # Blur at a fraction of the size first, then scale back: cheap, and the detail is gone for good.
    small = picture.resize((max(1, picture.width // 8), max(1, picture.height // 8)), Image.Resampling.BOX)
    picture = small.resize(picture.size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    return _png(picture)


def _png(picture) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
