"""Deliveries: signed (the test's receiver checks the HMAC and the timestamp), retried with
a growing delay until the receiver answers 2xx, every attempt in the delivery log, sent
once however often the task runs, no redirect followed, short timeouts, the answer cut."""

import json

import pytest

from core.webhooks.delivery import BODY_KEPT, backoff
from core.webhooks.models import WebhookDelivery, WebhookEvent
from core.webhooks.tasks import deliver
from reports.services import report_run_sign_off
from tests.factories.reports import done_run
from tests.factories.webhooks import endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(manager, webhook_receiver):
    ep, secret = endpoint(manager, webhook_receiver.url, ["report_run.signed_off", "report_run.done"])
    webhook_receiver.secret = secret
    return ep


def _sign_off(manager, capture):
    run = done_run("unhcr", by=manager)
    with capture(execute=True):
        report_run_sign_off(run=run, by=manager)
    return run


def test_it_signs_each_delivery_and_the_receiver_verifies_it(
    manager, hook, webhook_receiver, django_capture_on_commit_callbacks
):
    run = _sign_off(manager, django_capture_on_commit_callbacks)
    assert len(webhook_receiver.calls) == 1
    call = webhook_receiver.calls[0]
    assert call.signature_ok
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert call.headers["Sanad-Event"] == "report_run.signed_off"
    assert call.headers["Sanad-Delivery"] == str(delivery.uuid)
    assert call.headers["Content-Type"] == "application/json"
    body = json.loads(call.body)
    assert body["type"] == "report_run.signed_off"
    assert body["id"] == str(delivery.event.uuid)
    assert body["data"]["id"] == run.pk and body["data"]["organisation"] == "unhcr"
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_code) == (1, 200)


def test_a_wrong_secret_does_not_verify(manager, hook, webhook_receiver, django_capture_on_commit_callbacks):
    webhook_receiver.secret = "whsec_someone-else"
    _sign_off(manager, django_capture_on_commit_callbacks)
    assert webhook_receiver.calls and not webhook_receiver.calls[0].signature_ok


def test_a_failing_receiver_is_retried_and_the_log_is_right(
    manager, hook, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.codes = [500, 503]
    _sign_off(manager, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 3 and delivery.response_code == 200 and delivery.last_error == ""
    attempts = list(delivery.attempt_log.values_list("number", "response_code", "error"))
    assert attempts == [(1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 200, "")]
    assert all(c.signature_ok for c in webhook_receiver.calls)
    # the same body each time, signed afresh
    assert len({c.body for c in webhook_receiver.calls}) == 1


def test_the_delay_doubles_after_each_failure(settings):
    settings.SANAD_WEBHOOKS_RETRY_SECONDS = 60
    assert [backoff(n) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 960]


def test_it_gives_up_after_the_last_attempt_and_a_manual_retry_sends_it(
    settings, client_for, manager, hook, webhook_receiver, django_capture_on_commit_callbacks
):
    settings.SANAD_WEBHOOKS_MAX_ATTEMPTS = 3
    webhook_receiver.codes = [500, 500, 500]
    _sign_off(manager, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 500)
    assert delivery.next_attempt_at is None
    client = client_for(manager)
    page = client.get(f"/webhooks/{hook.pk}/")
    assert f'action="/webhooks/deliveries/{delivery.pk}/retry/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/webhooks/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 4, 200)
    last = delivery.attempt_log.get(number=4)
    assert last.manual and last.response_code == 200
    assert len(webhook_receiver.calls) == 4


def test_running_the_task_again_for_a_delivered_delivery_sends_nothing(
    manager, hook, webhook_receiver, django_capture_on_commit_callbacks
):
    _sign_off(manager, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert deliver.apply(args=(delivery.pk, 1)).get() == "duplicate"
    assert deliver.apply(args=(delivery.pk, 2)).get() == "duplicate"
    assert len(webhook_receiver.calls) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1


def test_the_same_event_is_recorded_once(manager, hook, webhook_receiver, django_capture_on_commit_callbacks):
    from reports.webhooks import report_run_emit

    run = _sign_off(manager, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_run_emit(run, "report_run.signed_off")
    assert WebhookEvent.objects.filter(kind="report_run.signed_off").count() == 1
    assert len(webhook_receiver.calls) == 1


def test_it_follows_no_redirect(manager, hook, webhook_receiver, django_capture_on_commit_callbacks, settings):
    settings.SANAD_WEBHOOKS_MAX_ATTEMPTS = 1
    webhook_receiver.codes = [302]
    webhook_receiver.extra_headers = {"Location": "http://127.0.0.1:1/elsewhere"}
    _sign_off(manager, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert (delivery.status, delivery.response_code) == ("failed", 302)
    assert len(webhook_receiver.calls) == 1


def test_a_slow_receiver_times_out(settings, manager, hook, webhook_receiver, django_capture_on_commit_callbacks):
    settings.SANAD_WEBHOOKS_TIMEOUT = 0.3
    settings.SANAD_WEBHOOKS_MAX_ATTEMPTS = 1
    webhook_receiver.delay = 1.5
    _sign_off(manager, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert delivery.status == "failed" and delivery.response_code is None
    assert "timed out" in delivery.last_error.lower() or "timeout" in delivery.last_error.lower()


def test_the_answer_kept_in_the_log_is_cut(manager, hook, webhook_receiver, django_capture_on_commit_callbacks):
    webhook_receiver.reply = b"x" * 5000
    _sign_off(manager, django_capture_on_commit_callbacks)
    attempt = WebhookDelivery.objects.get(endpoint=hook).attempt_log.get()
    assert len(attempt.response_body) == BODY_KEPT


def test_a_disabled_endpoint_gets_nothing(manager, hook, webhook_receiver, django_capture_on_commit_callbacks):
    hook.is_active = False
    hook.save()
    _sign_off(manager, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists() and not webhook_receiver.calls


def test_reconcile_sends_what_redis_lost_and_retries_an_interrupted_attempt(manager, hook, webhook_receiver):
    import datetime

    from django.utils import timezone

    from core.webhooks.delivery import deliveries_reconcile

    event = WebhookEvent.objects.create(kind="report_run.done", key="k", body='{"data":{}}')
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    lost = WebhookDelivery.objects.create(endpoint=hook, event=event, next_attempt_at=long_ago)
    other = WebhookEvent.objects.create(kind="report_run.done", key="k2", body='{"data":{}}')
    stuck = WebhookDelivery.objects.create(
        endpoint=hook, event=other, status="sending", attempts=1, claimed_until=long_ago
    )
    assert deliveries_reconcile() == {"interrupted": 1, "sent": 1}
    lost.refresh_from_db()
    stuck.refresh_from_db()
    assert lost.status == "delivered" and lost.attempts == 1
    assert stuck.status == "retrying" and stuck.attempt_log.get(number=1).error.startswith("Interrupted")
    assert deliveries_reconcile(late=datetime.timedelta(0))["sent"] == 1
    stuck.refresh_from_db()
    assert stuck.status == "delivered" and stuck.attempts == 2
    assert len(webhook_receiver.calls) == 2
