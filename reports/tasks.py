"""Celery tasks: thin, take ids, idempotent (the run's status makes a repeat a no-op).

Services send them by name (``core.tasks.enqueue("reports.tasks.build_report_run", run_id)``)
and never import this module: the names below are that contract.
"""

import datetime

from celery import shared_task

from reports import services
from reports.facts import facts_ensure, facts_refresh, facts_refresh_if_older


@shared_task(name="reports.tasks.build_report_run", acks_late=True, reject_on_worker_lost=True)
def build_report_run(run_id: int) -> str:
    return services.report_run_build(run_id=run_id).status


@shared_task(name="reports.tasks.reconcile_runs")
def reconcile_runs() -> dict:
    """Every minute: send again the runs whose message Redis lost, take back the runs whose
    worker died (lease ran out), send the runs never sent (``services.report_runs_reconcile``)."""
    return services.report_runs_reconcile(resend_after=datetime.timedelta(minutes=1))


@shared_task(name="reports.tasks.requeue_pending_runs")
def requeue_pending_runs() -> dict:
    """The former name of ``reconcile_runs`` (a beat entry saved in the database under it
    before an upgrade keeps working)."""
    return reconcile_runs()


@shared_task(name="reports.tasks.schedule_quarterly_runs")
def schedule_quarterly_runs() -> int:
    """Hourly: each partner's reports of its last complete period that are due and missing
    (idempotent)."""
    return len(services.report_runs_schedule_periods())


@shared_task(name="reports.tasks.notify_partner_officers")
def notify_partner_officers(run_id: int) -> int:
    return services.report_run_notify(run_id=run_id)


@shared_task(name="reports.tasks.warm_partner_publications")
def warm_partner_publications() -> int:
    """Every few minutes: each partner's publication of its latest complete period, computed
    if the cache lacks it (the records changed, a period closed, the cache was emptied), so
    the partner's first dashboard load reads it (idempotent: a hit computes nothing)."""
    return services.partner_publications_warm()


@shared_task(name="reports.tasks.build_facts")
def build_facts() -> bool:
    """Build the dashboard's facts if they never were (idempotent: a no-op once built)."""
    return facts_ensure()


@shared_task(name="reports.tasks.rebuild_facts")
def rebuild_facts() -> dict:
    """Rebuild the dashboard's facts whole (nightly): a safety net that logs any drift from
    the records left by a write behind the signals (raw SQL, ``QuerySet.update``)."""
    return facts_refresh()


@shared_task(name="reports.tasks.rebuild_facts_if_missed")
def rebuild_facts_if_missed() -> dict | None:
    """Hourly: the nightly rebuild, if the last one is more than a day and two hours old."""
    return facts_refresh_if_older(datetime.timedelta(hours=26))
