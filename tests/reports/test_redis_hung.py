"""Redis that does not answer (stopped with SIGSTOP, as in a network partition) or is
down: a report request is answered in under 2 s with the "queued, will start when the
queue is back" message, after one attempt; the run is sent once Redis answers again."""

import time

import pytest
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_runs_reconcile
from tests.reports.workers import own_redis

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PORT = 6392
PAYLOAD = {"code": "programme", "start": "2019-01-01", "end": "2019-12-31", "format": "csv", "language": "en"}


def timed_request(client):
    began = time.monotonic()
    response = client.post(reverse("reports:run_list"), PAYLOAD, follow=True)
    return response, time.monotonic() - began


@pytest.mark.parametrize("broker", ["hung", "down"])
def test_it_answers_within_two_seconds_when_redis_does_not(broker, tmp_path, client_for, manager, settings):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with own_redis(PORT, tmp_path) as (_url, server):
        client.get(reverse("reports:run_list"))  # a warm process, as a gunicorn worker is
        if broker == "hung":
            server.pause()
        else:
            server.stop()
        response, took = timed_request(client)
        assert response.status_code == 200
        assert took < 2, f"the request waited {took:.1f} s on a {broker} Redis"
        assert "report queue is unavailable" in response.content.decode()
        run = ReportRun.objects.get()
        assert (run.status, run.enqueued_at) == ("queued", None)

        if broker == "hung":
            server.resume()
            assert report_runs_reconcile()["sent"] == 1
            run.refresh_from_db()
            assert run.enqueued_at is not None
