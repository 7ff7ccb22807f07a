"""End to end through Redis and a real Celery worker: a report run requested is built by
the worker, its ``report_run.done`` event delivered to the test's receiver, refused once
(500) and delivered on Celery's retry with a countdown; the delivery log says so."""

import datetime
import json

import pytest

from core.webhooks.models import WebhookDelivery
from reports.models import ReportRun
from reports.services import report_run_request
from tests.factories.core import partner
from tests.factories.webhooks import endpoint
from tests.reports.workers import wait_for


@pytest.fixture
def private_media(settings, tmp_path):
    from core.storage import private_storage

    def reset():
        for attr in ("base_location", "location"):
            private_storage.__dict__.pop(attr, None)

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reset()
    yield tmp_path
    reset()


@pytest.mark.celery_worker
def test_a_run_built_by_a_worker_is_delivered_signed_after_a_retry(
    celery_live_worker, private_media, manager, partner_unhcr, webhook_receiver
):
    ep, secret = endpoint(partner_unhcr, webhook_receiver.url, ["report_run.done"], partner=partner("unhcr"))
    webhook_receiver.secret = secret
    webhook_receiver.codes = [500]
    run = report_run_request(
        code="unhcr",
        start=datetime.date(2019, 1, 1),
        end=datetime.date(2019, 12, 31),
        fmt="json",
        language="en",
        by=manager,
    )
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == "done", timeout=90)
    assert wait_for(lambda: WebhookDelivery.objects.filter(endpoint=ep, status="delivered").exists(), timeout=60)
    delivery = WebhookDelivery.objects.get(endpoint=ep)
    assert delivery.attempts == 2 and delivery.response_code == 200
    assert list(delivery.attempt_log.values_list("number", "response_code")) == [(1, 500), (2, 200)]
    attempts = list(delivery.attempt_log.order_by("number"))
    assert (attempts[1].at - attempts[0].at).total_seconds() >= 0.9  # the countdown (1 s here)
    assert len(webhook_receiver.calls) == 2 and all(c.signature_ok for c in webhook_receiver.calls)
    data = json.loads(webhook_receiver.calls[-1].body)["data"]
    assert (data["id"], data["status"], data["organisation"]) == (run.pk, "done", "unhcr")
    assert data["file_url"].endswith(f"/reports/runs/{run.pk}/download/")
