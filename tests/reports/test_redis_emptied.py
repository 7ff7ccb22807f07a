"""Redis restarted empty (or flushed) while report runs wait in its queue: the reconciling
beat task finds their messages gone, sends them again, and each run is built once."""

import datetime

import pytest
import redis
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_runs_reconcile
from tests.reports.workers import own_redis, start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PORT = 6391
NOW = datetime.timedelta(0)  # beat waits a minute before asking; the test does not


def ask(client, fmt):
    payload = {"code": "programme", "start": "2019-01-01", "end": "2019-12-31", "format": fmt, "language": "en"}
    assert client.post(reverse("reports:run_list"), payload).status_code == 302


@pytest.mark.parametrize("lose", ["restart", "flush"])
def test_it_builds_once_every_run_whose_message_redis_lost(lose, tmp_path, private_media, client_for, manager):
    client = client_for(manager)
    with own_redis(PORT, tmp_path) as (url, server):
        ask(client, "csv")
        ask(client, "json")
        runs = list(ReportRun.objects.order_by("pk"))
        assert [(r.status, bool(r.enqueued_at), bool(r.task_id)) for r in runs] == [("queued", True, True)] * 2
        assert report_runs_reconcile(resend_after=NOW)["resent"] == 0  # their messages are there

        if lose == "restart":
            server.restart()  # an empty Redis on the same port
        else:
            redis.Redis.from_url(url).flushall()
        counts = report_runs_reconcile(resend_after=NOW)
        assert (counts["resent"], counts["sent"]) == (2, 2)

        worker = start_worker("config", worker_env(url, private_media), "after")
        try:
            assert wait_for(lambda: ReportRun.objects.filter(status="done").count() == 2, timeout=120)
        finally:
            stop(worker)
        assert report_runs_reconcile(resend_after=NOW) == dict.fromkeys(counts, 0)
    for run in ReportRun.objects.all():
        assert run.attempts == 1
        assert [f.name for f in (private_media / "reports" / str(run.pk)).iterdir()] == [run.download_name()]
