"""A report asked for while Redis is down is saved, and built once Redis is back."""

import pytest
from django.urls import reverse

from config.celery import app
from reports.models import ReportRun
from reports.services import report_runs_requeue
from tests.reports.workers import start_redis, start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PORT = 6390


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
        assert report_runs_requeue() == 1  # what the beat entry does every two minutes
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=120)
        assert report_runs_requeue() == 0
    finally:
        if worker is not None:
            stop(worker)
        stop(redis_server)
    run.refresh_from_db()
    assert run.enqueued_at is not None
    assert run.attempts == 1
