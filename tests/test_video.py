from pathlib import Path

import numpy as np
import pytest

from copvn.detect.media import MediaError
from copvn.detect.video import hash_video, matches


def make_video(path: Path, seed: int, size=(160, 120), seconds=6, fps=10, bitrate=400_000) -> Path:
    import av

    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, size=(size[1] // 8, size[0] // 8, 3), dtype=np.uint8)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = size[0], size[1], "yuv420p", bitrate
        for i in range(seconds * fps):
            scene = np.roll(base, shift=i // fps, axis=1)  # a new picture every second
            frame = np.kron(scene, np.ones((8, 8, 1), dtype=np.uint8))
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_a_video_is_hashed_at_a_fixed_rate_with_file_digests(tmp_path):
    hashes = hash_video(make_video(tmp_path / "a.mp4", seed=1), fps=1.0)
    assert len(hashes.frames) == 6 and len(hashes.sha256) == 64 and len(hashes.md5) == 32
    assert [round(t) for t, _h, _q in hashes.frames] == [0, 1, 2, 3, 4, 5]


def test_a_reencoded_copy_matches_and_another_video_does_not(tmp_path):
    listed = hash_video(make_video(tmp_path / "listed.mp4", seed=1))
    copy = hash_video(make_video(tmp_path / "copy.mp4", seed=1, bitrate=150_000))
    other = hash_video(make_video(tmp_path / "other.mp4", seed=2))
    assert copy.sha256 != listed.sha256
    matched, fraction = matches(copy, listed)
    assert matched and fraction >= 0.8
    assert matches(other, listed) == (False, 0.0)


def test_a_file_that_is_not_a_video_gets_a_clear_error(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video")
    with pytest.raises(MediaError):
        hash_video(bad)
