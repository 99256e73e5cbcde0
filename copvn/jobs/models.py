from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker process. A task claimed by a worker whose heart stopped is given back to the queue."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PeriodicRun(models.Model):
    """The last run of a periodic job (copvn.jobs.schedule); claimed with a conditional update, so with many
    worker processes each job runs once per interval."""

    name = models.CharField(max_length=60, primary_key=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
