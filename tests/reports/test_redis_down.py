"""A report asked for while Redis is down is saved, and built once Redis is back; what
else is sent to the queue (the facts build, a scheduled run's notification) survives a
broker that is down (``core.tasks.enqueue`` owns that handling)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.celery import app
from reports.facts import facts_build_soon
from reports.models import ReportRun
from reports.services import enqueue, report_run_build, report_runs_requeue
from tests.factories.reports import done_run
from tests.reports.workers import start_redis, start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PORT = 6390
FACTS_BUILD_ASKED = "reports:facts-build-asked"


@pytest.fixture
def own_broker(tmp_path):
    """Point this process's Celery app at a redis-server of our own on port 6390."""
    url = f"redis://127.0.0.1:{PORT}/0"
    eager = app.conf.task_always_eager
    app.conf.broker_write_url = app.conf.broker_read_url = url
    app.conf.task_always_eager = False
    reset_pools()
    yield url
    app.conf.broker_write_url = app.conf.broker_read_url = None
    app.conf.task_always_eager = eager
    reset_pools()


def reset_pools():
    app._pool = None
    app.amqp._producer_pool = None


def test_it_saves_the_request_and_builds_it_when_redis_is_back(own_broker, tmp_path, settings, client_for, manager):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    redis_server = start_redis(PORT, tmp_path)
    stop(redis_server)  # the broker goes down
    worker = None
    try:
        client = client_for(manager)
        payload = {"code": "programme", "start": "2019-01-01", "end": "2019-12-31", "format": "csv", "language": "en"}
        response = client.post(reverse("reports:run_list"), payload, follow=True)
        assert response.status_code == 200
        run = ReportRun.objects.get()
        assert (run.status, run.enqueued_at) == ("queued", None)
        assert "report queue is unavailable" in response.content.decode() or "indisponible" in response.content.decode()

        redis_server = start_redis(PORT, tmp_path)  # the broker is back
        worker = start_worker("config", worker_env(own_broker, tmp_path), "back")
        reset_pools()
        assert report_runs_requeue() == 1  # what the reconciling beat entry does every minute
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=120)
        assert report_runs_requeue() == 0
    finally:
        if worker is not None:
            stop(worker)
        stop(redis_server)
    run.refresh_from_db()
    assert run.enqueued_at is not None
    assert run.attempts == 1


def test_it_leaves_a_run_unsent_while_redis_is_down(own_broker):
    run = done_run("unhcr", status="queued")
    assert enqueue(run.pk) is False  # core.tasks.enqueue caught the broker's error
    run.refresh_from_db()
    assert run.enqueued_at is None  # set only when the broker took the run


def test_it_asks_again_for_the_facts_build_once_redis_was_down(own_broker):
    cache.delete(FACTS_BUILD_ASKED)
    facts_build_soon()  # sent at once: no transaction is open
    assert cache.get(FACTS_BUILD_ASKED) is None  # the next dashboard load asks again


def test_it_finishes_a_scheduled_run_whose_notification_cannot_be_sent(own_broker, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    run = done_run("unhcr", status="queued", scheduled=True)
    assert report_run_build(run_id=run.pk).status == "done"
    run.refresh_from_db()
    assert (run.status, run.notified_at) == ("done", None)
