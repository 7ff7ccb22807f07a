"""The webhooks' Celery tasks (registered by ``config.celery``): thin, take ids, idempotent.

Sent by name (``core.tasks.enqueue("core.webhooks.tasks.deliver", delivery_id, attempt)``):
the attempt number makes a duplicate message a no-op (``delivery.delivery_attempt``).
"""

from celery import shared_task

from core.webhooks import delivery


@shared_task(name="core.webhooks.tasks.deliver", bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver(self, delivery_id: int, attempt: int, manual: bool = False) -> str:
    while True:
        result = delivery.delivery_attempt(delivery_id=delivery_id, attempt=attempt, manual=manual)
        if result.retry_in is None:
            break
        if not self.request.is_eager:
            # Celery's retry with a countdown; the next attempt's number travels with it.
            raise self.retry(args=(delivery_id, attempt + 1), kwargs={}, countdown=result.retry_in, max_retries=None)
        # Eager (``make run``, the tests): no queue to wait in, the next attempt now.
        attempt, manual = attempt + 1, False
    if not result.sent:
        return "duplicate"
    return "delivered" if result.delivered else "failed"


@shared_task(name="core.webhooks.tasks.reconcile")
def reconcile() -> dict:
    """Every two minutes: interrupted attempts, lost messages (``delivery.deliveries_reconcile``)."""
    return delivery.deliveries_reconcile()
