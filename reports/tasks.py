"""Celery tasks: thin, take ids, idempotent (the run's status makes a repeat a no-op).

Services send them by name (``core.tasks.enqueue("reports.tasks.build_report_run", run_id)``)
and never import this module: the names below are that contract.
"""

import datetime

from celery import shared_task

from reports import services
from reports.facts import facts_ensure, facts_refresh


@shared_task(name="reports.tasks.build_report_run", acks_late=True, reject_on_worker_lost=True)
def build_report_run(run_id: int) -> str:
    return services.report_run_build(run_id=run_id).status


@shared_task(name="reports.tasks.requeue_pending_runs")
def requeue_pending_runs() -> int:
    """Send the runs requested while the queue was down (older than a minute)."""
    return services.report_runs_requeue(older_than=datetime.timedelta(minutes=1))


@shared_task(name="reports.tasks.schedule_quarterly_runs")
def schedule_quarterly_runs() -> int:
    return len(services.report_runs_schedule_periods())


@shared_task(name="reports.tasks.notify_partner_officers")
def notify_partner_officers(run_id: int) -> int:
    return services.report_run_notify(run_id=run_id)


@shared_task(name="reports.tasks.build_facts")
def build_facts() -> bool:
    """Build the dashboard's facts if they never were (idempotent: a no-op once built)."""
    return facts_ensure()


@shared_task(name="reports.tasks.rebuild_facts")
def rebuild_facts() -> dict:
    """Rebuild the dashboard's facts whole (nightly): a safety net that logs any drift from
    the records left by a write behind the signals (raw SQL, ``QuerySet.update``)."""
    return facts_refresh()
