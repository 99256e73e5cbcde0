from django_tasks import task

from . import capture


@task()
def capture_case_url(case_url_id: int) -> dict:
    result = capture.capture(case_url_id)
    return {"capture": result.pk, "status": result.status}
