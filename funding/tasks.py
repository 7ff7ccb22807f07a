"""Funding's Celery tasks: thin, idempotent (beat entries in ``config/celery.py``)."""

from celery import shared_task

from funding.services import visits_emit_overdue


@shared_task(name="funding.tasks.emit_overdue_visits")
def emit_overdue_visits() -> int:
    """Daily: the visits that became overdue, to the programme's webhooks (once each)."""
    return visits_emit_overdue()
