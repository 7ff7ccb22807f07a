"""A worker killed with its whole process group in the middle of a build: the run's lease
runs out, the reconciling beat task takes it back, and a new worker builds it once, with one
file, long before Redis' visibility timeout (an hour) would hand the message out again. A
live worker's long build keeps its lease and is never taken from it."""

import datetime
import signal
import time

import pytest

from reports.models import ReportRun
from reports.services import enqueue, report_runs_reconcile
from tests.reports.workers import own_redis, start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PORT = 6393
LEASE = "2"  # seconds, in the test's workers (120 in production)


def new_run(fmt="json"):
    return ReportRun.objects.create(
        code="programme", period_start="2019-01-01", period_end="2019-12-31", format=fmt, language="en"
    )


def status(run):
    return ReportRun.objects.get(pk=run.pk).status


def test_it_builds_the_run_once_again_after_its_whole_worker_is_killed(tmp_path, private_media):
    run = new_run()
    with own_redis(PORT, tmp_path) as (url, _server):
        slow = start_worker(
            "config",
            worker_env(url, private_media, SANAD_REPORTS_TEST_BUILD_DELAY="120", REPORTS_RUN_LEASE_SECONDS=LEASE),
            "slow",
        )
        second = None
        try:
            assert enqueue(run.pk)
            assert wait_for(lambda: status(run) == "running", timeout=120)
            stop(slow, signal.SIGKILL)  # the whole process group: no one renews the lease
            killed_at = time.monotonic()
            assert status(run) == "running"
            second = start_worker("config", worker_env(url, private_media, REPORTS_RUN_LEASE_SECONDS=LEASE), "second")
            # What beat does every minute, here every second until the run is done.
            assert wait_for(lambda: report_runs_reconcile()["reclaimed"] == 1, timeout=30, every=1)
            assert wait_for(lambda: status(run) == "done", timeout=90)
            took = time.monotonic() - killed_at
        finally:
            stop(slow, signal.SIGKILL)
            if second is not None:
                stop(second)
    run.refresh_from_db()
    assert run.attempts == 2  # the killed build and this one: the old message was not used
    assert run.lease_expires_at is None
    assert run.lease_owner.endswith(f":{second.pid}")  # built by the new worker (solo pool: its own pid)
    files = list((private_media / "reports" / str(run.pk)).iterdir())
    assert [f.name for f in files] == [run.download_name()]
    assert took < 60, f"the run took {took:.0f} s to be rebuilt after its worker was killed"
    assert report_runs_reconcile(resend_after=datetime.timedelta(0)) == {
        "reclaimed": 0,
        "failed": 0,
        "resent": 0,
        "sent": 0,
        "notified": 0,
    }


def test_it_never_takes_a_run_from_a_live_worker_whose_build_outlasts_the_lease(tmp_path, private_media):
    run = new_run(fmt="csv")
    with own_redis(PORT, tmp_path) as (url, _server):
        worker = start_worker(
            "config",
            worker_env(url, private_media, SANAD_REPORTS_TEST_BUILD_DELAY="6", REPORTS_RUN_LEASE_SECONDS="1"),
            "live",
        )
        try:
            assert enqueue(run.pk)
            assert wait_for(lambda: status(run) == "running", timeout=120)
            reclaimed = 0
            while status(run) == "running":  # six lease lengths: renewed every quarter of one
                reclaimed += report_runs_reconcile()["reclaimed"]
                time.sleep(0.5)
            assert wait_for(lambda: status(run) == "done", timeout=60)
        finally:
            stop(worker)
    run.refresh_from_db()
    assert (reclaimed, run.attempts) == (0, 1)
