import signal
import subprocess
import sys

from .processes import ROOT, copvn, own_database, python, wait_for


def start_worker(env):
    return subprocess.Popen([sys.executable, "-m", "copvn.cli", "worker", "--interval", "0.2"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_task_whose_worker_is_killed_mid_run_is_retried_not_lost(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    with own_database(tmp_path) as env:
        env["COPVN_WORKER_LEASE_SECONDS"] = "2"
        copvn("migrate", env=env)
        task_id = python(f"from tests.worker_tasks import hang_first_time as t; print(t.enqueue({str(work)!r}).id)", env)
        first = start_worker(env)
        try:
            wait_for(lambda: (work / "starts.log").exists(), what="the first run to start")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        status = python(f"from django_tasks_db.models import DBTaskResult as R; print(R.objects.get(id={task_id!r}).status)", env)
        assert status == "RUNNING"  # claimed by a dead worker: without recovery it would stay so forever
        second = start_worker(env)
        try:
            wait_for(lambda: (work / "done").exists(), timeout=90, what="the retried run to finish")
            wait_for(lambda: python(
                f"from django_tasks_db.models import DBTaskResult as R; print(R.objects.get(id={task_id!r}).status)",
                env) == "SUCCESSFUL", what="the task to be marked successful")
        finally:
            second.terminate()
            second.wait(timeout=30)
        assert (work / "starts.log").read_text().splitlines() == ["start", "start"]
        assert (work / "done").read_text() == "2"


def test_a_task_that_keeps_killing_its_workers_is_failed_after_the_limit(db, settings):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from copvn.jobs import recovery
    from tests.worker_tasks import hang_first_time

    settings.WORKER_MAX_ATTEMPTS = 2
    result = hang_first_time.enqueue("/nonexistent")
    row = DBTaskResult.objects.get(id=result.id)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    for attempt, worker in enumerate(["dead-1", "dead-2"], start=1):
        row.claim(worker)
        DBTaskResult.objects.filter(id=row.id).update(started_at=long_ago)
        assert recovery.requeue_orphans(lease_seconds=5) == [str(row.id)]
        row.refresh_from_db()
        assert row.status == ("READY" if attempt == 1 else "FAILED")
    assert "died 2 times" in row.traceback


def test_a_task_of_a_live_worker_is_left_alone(db):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from copvn.jobs import recovery
    from tests.worker_tasks import hang_first_time

    row = DBTaskResult.objects.get(id=hang_first_time.enqueue("/nonexistent").id)
    row.claim("alive")
    DBTaskResult.objects.filter(id=row.id).update(started_at=timezone.now() - dt.timedelta(hours=1))
    recovery.beat("alive", "host", 1)
    assert recovery.requeue_orphans(lease_seconds=5) == []
