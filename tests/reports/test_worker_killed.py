"""A worker killed in the middle of a build: the run is redelivered and finished once."""

import signal

import pytest
import redis
from django.conf import settings as django_settings

from config.celery import app
from reports.models import ReportRun
from reports.services import enqueue
from tests.reports.workers import start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def live_broker(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("This test needs Redis: run it with `make test`.")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield settings.CELERY_BROKER_URL
    app.conf.task_always_eager = eager


def test_it_finishes_a_run_once_after_its_worker_is_killed(live_broker, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    run = ReportRun.objects.create(
        code="programme", period_start="2019-01-01", period_end="2019-12-31", format="json", language="en"
    )
    slow = start_worker("config", worker_env(live_broker, tmp_path, SANAD_REPORTS_TEST_BUILD_DELAY="120"), "slow")
    second = None
    try:
        assert enqueue(run.pk)
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "running", timeout=120)
        stop(slow, signal.SIGKILL)
        assert ReportRun.objects.get(pk=run.pk).status == "running"
        second = start_worker("tests.reports.celery_fast_restore", worker_env(live_broker, tmp_path), "second")
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=150)
    finally:
        stop(slow, signal.SIGKILL)
        if second is not None:
            stop(second)
    run.refresh_from_db()
    assert run.attempts == 2
    files = list((tmp_path / "reports" / str(run.pk)).iterdir())
    assert [f.name for f in files] == [run.download_name()]
    assert tmp_path == django_settings.PRIVATE_MEDIA_ROOT


def test_it_leaves_a_done_run_alone_when_its_task_comes_again(celery_live_worker, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    run = ReportRun.objects.create(
        code="programme", period_start="2019-01-01", period_end="2019-12-31", format="csv", language="en"
    )
    assert enqueue(run.pk)
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=60)
    first = ReportRun.objects.get(pk=run.pk)
    from reports.tasks import build_report_run

    build_report_run.apply_async(args=[run.pk]).get(timeout=60)
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.attempts, again.checksum, again.finished_at) == (1, first.checksum, first.finished_at)
    assert len(list((tmp_path / "reports" / str(run.pk)).iterdir())) == 1
