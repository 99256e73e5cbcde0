"""Image hashing throughput on one core: PDQ + MD5 + SHA-256 per image at 1 and 12 megapixels, copvn against
python-threatexchange's PDQ hasher (plus hashlib for the digests) in the same run, on the same JPEG files.

    .venv/bin/python bench/hashing.py [--images 40]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1MP": (1155, 866), "12MP": (4000, 3000)}


def make_images(folder: Path, count: int) -> dict[str, list[Path]]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(830)
    made = {}
    for label, (width, height) in SIZES.items():
        made[label] = []
        for i in range(count):
            small = rng.integers(0, 255, size=(height // 50, width // 50, 3), dtype=np.uint8)
            image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
            path = folder / f"{label}-{i}.jpg"
            image.save(path, format="JPEG", quality=90)
            made[label].append(path)
    return made


def side(kind: str, paths: list[str]) -> float:
    datas = [Path(p).read_bytes() for p in paths]
    if kind == "copvn":
        from copvn.detect.media import hash_image

        hash_image(datas[0])
        started = time.perf_counter()
        for data in datas:
            hash_image(data)
    else:
        from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes

        pdq_from_bytes(datas[0])
        started = time.perf_counter()
        for data in datas:
            pdq_from_bytes(data)
            hashlib.md5(data).hexdigest()  # noqa: S324 - a content identifier, as in the peer
            hashlib.sha256(data).hexdigest()
    return len(datas) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--side", choices=["copvn", "peer"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.side:
        print(json.dumps({"per_s": side(args.side, args.paths)}))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from pdq_index import ensure_peer

    peer = str(ensure_peer())
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="copvn-hash-") as work:
        for label, paths in make_images(Path(work), args.images).items():
            row = {"bench": "image-hashing", "size": label, "images": len(paths)}
            for name, python in (("copvn", sys.executable), ("python-threatexchange", peer)):
                out = subprocess.run([python, __file__, "--side", "copvn" if name == "copvn" else "peer",
                                      *map(str, paths)], env=env, capture_output=True, text=True, check=True)
                row[f"{name}_per_s"] = round(json.loads(out.stdout.strip().splitlines()[-1])["per_s"], 2)
            print(json.dumps(row), flush=True)



if __name__ == "__main__":
    main()
