"""Image hashing: PDQ (hash and quality), MD5 and SHA-256 of the bytes (framework-free).

PDQ goes through `pdqhash` (Meta's C++ PDQ) with the pixel conversion python-threatexchange uses, so hashes
are bit-for-bit those of HMA / python-threatexchange: the image is decoded with Pillow, not rotated by its
EXIF orientation (the reference implementations do not), LA and 16-bit images are converted to RGB, and
grey images are stacked to three channels. GIF and other animated files hash their first frame.
Hashes with quality below QUALITY_THRESHOLD are flagged `low_quality` and must not be matched.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import asdict, dataclass

import numpy as np

SIGNAL_PDQ, SIGNAL_MD5, SIGNAL_SHA256 = "pdq", "md5", "sha256"  # storage keys
QUALITY_THRESHOLD = 50  # python-threatexchange drops quality < 50; pdq/README recommends > 49
MAX_PIXELS = 100_000_000
DIHEDRAL = ("original", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1")


class MediaError(ValueError):
    """The bytes are not an image copvn can hash; the message says why."""


@dataclass(frozen=True)
class ImageHashes:
    pdq: str
    quality: int
    md5: str
    sha256: str
    width: int
    height: int
    format: str

    @property
    def low_quality(self) -> bool:
        return self.quality < QUALITY_THRESHOLD

    def as_dict(self) -> dict:
        return {**asdict(self), "low_quality": self.low_quality}


def exact_hashes(data: bytes) -> tuple[str, str]:
    return hashlib.md5(data, usedforsecurity=False).hexdigest(), hashlib.sha256(data).hexdigest()


def bits_to_hex(bits: np.ndarray) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def pixels(data: bytes):
    """The RGB pixel array PDQ is computed on, exactly as python-threatexchange prepares it."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise MediaError("empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise MediaError(f"image too large: {image.width}×{image.height} pixels")
            if image.mode in ("LA", "I;16"):
                image = image.convert("RGB")
            array = np.asarray(image)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"decompression bomb refused ({exc})") from None
    except UnidentifiedImageError:
        raise MediaError("not an image (or an unsupported format)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"corrupt or truncated image ({exc})") from None
    if array.ndim == 2:
        array = np.concatenate([array[..., np.newaxis]] * 3, axis=2)
    if array.ndim != 3 or array.shape[2] < 3:
        raise MediaError(f"unsupported pixel layout {array.shape}")
    return np.ascontiguousarray(array[:, :, :3]) if array.shape[2] != 3 else array, image.format or ""


def hash_image(data: bytes) -> ImageHashes:
    import pdqhash

    md5, sha256 = exact_hashes(data)
    array, fmt = pixels(data)
    bits, quality = pdqhash.compute(array)
    return ImageHashes(bits_to_hex(bits), int(quality), md5, sha256, int(array.shape[1]), int(array.shape[0]), fmt)


def unletterbox(data: bytes, black_threshold: int = 0) -> bytes:
    """Crop black borders (rows and columns whose every channel is <= black_threshold) and re-encode in the
    same format, as python-threatexchange's `--photo-preprocess=unletterbox` does before hashing."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        rgb = np.asarray(image.convert("RGB"))
        dark = (rgb <= black_threshold).all(axis=2)
        rows, cols = ~dark.all(axis=1), ~dark.all(axis=0)
        if not rows.any():
            return data
        top, bottom = int(np.argmax(rows)), int(np.argmax(rows[::-1]))
        left, right = int(np.argmax(cols)), int(np.argmax(cols[::-1]))
        cropped = image.crop((left, top, image.width - right, image.height - bottom))
        buffer = io.BytesIO()
        cropped.save(buffer, format=image.format)
        return buffer.getvalue()


def dihedral_hashes(data: bytes) -> dict[str, tuple[str, int]]:
    """The eight dihedral variants' PDQ hashes (original, rotations, flips), in the reference order."""
    import pdqhash

    array, _fmt = pixels(data)
    vectors, quality = pdqhash.compute_dihedral(array)
    return {name: (bits_to_hex(v), int(quality)) for name, v in zip(DIHEDRAL, vectors, strict=True)}


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")
