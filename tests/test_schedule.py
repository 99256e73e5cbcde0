"""Periodic jobs: each runs once per interval however many workers look, and one failing job does not stop
the others."""

import datetime as dt

from django.utils import timezone

from copvn.jobs import schedule
from copvn.jobs.models import PeriodicRun


def test_a_job_runs_once_per_interval(db, monkeypatch):
    calls = []
    monkeypatch.setattr(schedule, "JOBS", {"test.count": (60, "tests.test_schedule:_count")})
    monkeypatch.setattr("tests.test_schedule._CALLS", calls)
    assert schedule.run_due() == {"test.count": 1}
    assert schedule.run_due() == {}, "a second worker in the same minute runs nothing"
    PeriodicRun.objects.filter(name="test.count").update(last_started=timezone.now() - dt.timedelta(seconds=61))
    assert schedule.run_due() == {"test.count": 2}
    assert schedule.run_due(force=True) == {"test.count": 3}


def test_a_claim_left_by_a_killed_worker_expires(db, monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", {"test.count": (0, "tests.test_schedule:_count")})
    monkeypatch.setattr("tests.test_schedule._CALLS", [])
    PeriodicRun.objects.create(name="test.count", claimed_until=timezone.now() + dt.timedelta(minutes=5))
    assert schedule.run_due() == {}, "claimed by a worker that may still be running it"
    PeriodicRun.objects.filter(name="test.count").update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert schedule.run_due() == {"test.count": 1}


def test_a_failing_job_is_recorded_and_the_others_still_run(db, monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", {"test.fail": (0, "tests.test_schedule:_fail"),
                                           "test.count": (0, "tests.test_schedule:_count")})
    monkeypatch.setattr("tests.test_schedule._CALLS", [])
    results = schedule.run_due()
    assert results["test.count"] == 1 and "error" in results["test.fail"]
    run = PeriodicRun.objects.get(name="test.fail")
    assert "RuntimeError: broken" in run.last_error and run.claimed_until is None


def test_the_shipped_jobs_all_run_on_an_empty_database(db):
    results = schedule.run_due(force=True)
    assert set(results) == set(schedule.JOBS)
    assert not any(isinstance(r, dict) and "error" in r for r in results.values()), results


_CALLS: list = []


def _count():
    _CALLS.append(1)
    return len(_CALLS)


def _fail():
    raise RuntimeError("broken")
