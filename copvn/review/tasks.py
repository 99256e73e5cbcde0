"""Background work of review: detection on a case, enqueued at intake and when a capture finishes."""

from django_tasks import task


@task()
def detect_case_task(case_id: int) -> dict:
    """Every detector over the case; running it again stores nothing more."""
    from .detection import detect_case  # the detectors load in the worker, not in every web process

    return detect_case(case_id)
