"""A task for the worker-recovery test: its first run hangs (the test kills the worker), later runs finish."""

import time
from pathlib import Path

from django_tasks import task


@task()
def hang_first_time(directory: str) -> int:
    folder = Path(directory)
    starts = folder / "starts.log"
    with starts.open("a") as log:
        log.write("start\n")
    attempt = len(starts.read_text().splitlines())
    if attempt == 1:
        time.sleep(120)
    (folder / "done").write_text(str(attempt))
    return attempt


@task()
def write_marker(path: str) -> str:
    Path(path).write_text("ran")
    return path
