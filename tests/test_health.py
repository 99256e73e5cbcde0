"""The health endpoint tells a load balancer whether background work is being done, not only that pages load."""

import datetime as dt

from django.utils import timezone

from copvn.jobs.models import WorkerHeartbeat


def beat(seconds_ago):
    now = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(worker_id="w1", defaults={"hostname": "h", "pid": 1, "started_at": now,
                                                                       "last_seen": now})


def test_healthy_while_a_worker_beats_and_the_queue_moves(client, db):
    beat(5)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    assert 4 <= answer.json()["worker_heartbeat_age_seconds"] < 60
    assert answer.json()["oldest_queued_task_age_seconds"] is None


def test_unhealthy_without_a_live_worker(client, db, settings):
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["problems"] == ["worker"]
    settings.HEALTH_WORKER_SECONDS = 30
    beat(45)
    assert client.get("/healthz").json()["problems"] == ["worker"]


def test_unhealthy_when_a_task_has_waited_too_long(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.worker_tasks import write_marker

    beat(1)
    write_marker.enqueue("/nonexistent/marker")
    settings.HEALTH_QUEUE_SECONDS = 600
    assert client.get("/healthz").status_code == 200
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=20))
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["problems"] == ["queue"]
    assert answer.json()["oldest_queued_task_age_seconds"] >= 1199
