"""Video: MD5 and SHA-256 of the file, and PDQ of frames sampled at a fixed rate (PyAV, which ships its own
FFmpeg). A video matches a listed one when enough of its frames match the listed frames; the fraction is
reported. Framework-free."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .index import hex_to_words
from .media import QUALITY_THRESHOLD, MediaError, bits_to_hex

DEFAULT_FPS = 1.0
MAX_FRAMES = 3600


@dataclass
class VideoHashes:
    md5: str
    sha256: str
    duration_s: float
    frames: list[tuple[float, str, int]] = field(default_factory=list)  # (time in seconds, pdq, quality)

    def usable(self) -> list[str]:
        return [pdq for _t, pdq, quality in self.frames if quality >= QUALITY_THRESHOLD]


def hash_video(path: Path, fps: float = DEFAULT_FPS, max_frames: int = MAX_FRAMES) -> VideoHashes:
    import av
    import pdqhash

    data = Path(path).read_bytes()
    result = VideoHashes(hashlib.md5(data, usedforsecurity=False).hexdigest(), hashlib.sha256(data).hexdigest(), 0.0)
    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams if s.type == "video"), None)
            if stream is None:
                raise MediaError("the file has no video stream")
            next_time = 0.0
            for frame in container.decode(stream):
                if frame.time is None or frame.time + 1e-9 < next_time:
                    continue
                bits, quality = pdqhash.compute(frame.to_ndarray(format="rgb24"))
                result.frames.append((round(float(frame.time), 3), bits_to_hex(bits), int(quality)))
                result.duration_s = float(frame.time)
                next_time = frame.time + 1.0 / fps
                if len(result.frames) >= max_frames:
                    break
    except (av.error.FFmpegError, av.error.InvalidDataError) as exc:  # type: ignore[attr-defined]
        raise MediaError(f"not a readable video ({exc})") from None
    if not result.frames:
        raise MediaError("no frame could be decoded")
    return result


def match_fraction(query: VideoHashes, listed: VideoHashes, threshold: int = 31) -> float:
    """The share of the query's usable frames within `threshold` of some frame of the listed video."""
    mine, theirs = query.usable(), listed.usable()
    if not mine or not theirs:
        return 0.0
    listed_words = hex_to_words(theirs)
    matched = 0
    for row in hex_to_words(mine):
        if (np.bitwise_count(listed_words ^ row).sum(axis=1) <= threshold).any():
            matched += 1
    return matched / len(mine)


def matches(query: VideoHashes, listed: VideoHashes, threshold: int = 31, min_fraction: float = 0.5) -> tuple[bool, float]:
    if query.sha256 == listed.sha256:
        return True, 1.0
    fraction = match_fraction(query, listed, threshold)
    return fraction >= min_fraction, round(fraction, 4)
