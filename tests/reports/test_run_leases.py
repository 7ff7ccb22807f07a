"""A running run belongs to the lease its worker renews, not to a message in Redis: a
duplicate message never builds a run another worker holds, an expired lease is taken back
and the run built again (failed after REPORTS_RUN_MAX_ATTEMPTS), a done scheduled run's
missing notice is sent. ``report_runs_reconcile`` is what beat runs every minute."""

import datetime

import pytest
from django.utils import timezone

from reports.models import ReportRun
from reports.services import enqueue, report_run_build, report_runs_reconcile
from tests.factories.reports import done_run
from tests.reports.workers import wait_for

pytestmark = pytest.mark.django_db


def running(*, lease_in=None, attempts=1, started_ago=datetime.timedelta(seconds=5), **kw):
    now = timezone.now()
    return done_run(
        "programme",
        fmt="csv",
        status="running",
        attempts=attempts,
        started_at=now - started_ago,
        lease_owner="other-host:4242",
        lease_expires_at=None if lease_in is None else now + lease_in,
        **kw,
    )


def test_it_does_not_build_a_run_another_worker_holds():
    run = running(lease_in=datetime.timedelta(minutes=1))
    report_run_build(run_id=run.pk, owner="this-host:1")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.lease_owner, run.file.name) == ("running", 1, "other-host:4242", "")


def test_it_takes_back_a_run_whose_lease_ran_out_and_builds_it_again():
    run = running(lease_in=datetime.timedelta(seconds=-1))
    counts = report_runs_reconcile()  # eager here: the re-sent task builds at once
    run.refresh_from_db()
    assert counts["reclaimed"] == 1 and counts["sent"] == 1
    assert (run.status, run.attempts, run.lease_expires_at) == ("done", 2, None)


def test_it_leaves_a_live_lease_alone():
    run = running(lease_in=datetime.timedelta(seconds=30))
    assert report_runs_reconcile()["reclaimed"] == 0
    assert ReportRun.objects.get(pk=run.pk).status == "running"


def test_it_fails_a_run_interrupted_too_many_times(settings):
    settings.REPORTS_RUN_MAX_ATTEMPTS = 3
    run = running(lease_in=datetime.timedelta(seconds=-1), attempts=3)
    assert report_runs_reconcile()["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at is not None
    assert "3" in run.error


def test_it_judges_a_run_without_a_lease_by_its_start_and_the_time_limit(settings):
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    old = running(started_ago=limit + datetime.timedelta(minutes=2))
    recent = running(started_ago=limit - datetime.timedelta(minutes=2), start=datetime.date(2018, 1, 1))
    assert report_runs_reconcile()["reclaimed"] == 1
    assert ReportRun.objects.get(pk=old.pk).status == "done"
    assert ReportRun.objects.get(pk=recent.pk).status == "running"


def test_it_sends_the_missing_notice_of_a_scheduled_run(partner_unhcr, mailoutbox):
    partner_unhcr.email = "officer@unhcr.example"
    partner_unhcr.save()
    run = done_run("unhcr", scheduled=True, finished_at=timezone.now() - datetime.timedelta(minutes=10))
    assert report_runs_reconcile()["notified"] == 1
    run.refresh_from_db()
    assert run.notified_at is not None and len(mailoutbox) == 1
    assert report_runs_reconcile()["notified"] == 0


@pytest.mark.celery_worker
def test_it_leaves_a_done_run_alone_when_its_task_comes_again(celery_live_worker, private_media):
    run = done_run("programme", fmt="csv", status="queued")
    assert enqueue(run.pk)
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=60)
    first = ReportRun.objects.get(pk=run.pk)
    from reports.tasks import build_report_run

    build_report_run.apply_async(args=[run.pk]).get(timeout=60)
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.attempts, again.checksum, again.finished_at) == (1, first.checksum, first.finished_at)
    assert len(list((private_media / "reports" / str(run.pk)).iterdir())) == 1
