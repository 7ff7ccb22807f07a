"""Celery tasks: thin, take ids, idempotent (the run's status makes a repeat a no-op)."""

from celery import shared_task

from reports import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_report_run(run_id: int) -> str:
    return services.report_run_build(run_id=run_id).status


@shared_task
def requeue_pending_runs() -> int:
    """Send the runs requested while the queue was down (older than a minute)."""
    import datetime

    return services.report_runs_requeue(older_than=datetime.timedelta(minutes=1))


@shared_task
def schedule_quarterly_runs() -> int:
    return len(services.report_runs_schedule_quarter())


@shared_task
def notify_partner_officers(run_id: int) -> int:
    return services.report_run_notify(run_id=run_id)


@shared_task
def build_facts() -> bool:
    """Build the dashboard's facts if they never were (idempotent: a no-op once built)."""
    from reports.facts import facts_ensure

    return facts_ensure()


@shared_task
def rebuild_facts() -> dict:
    """Rebuild the dashboard's facts whole (nightly): a safety net that logs any drift from
    the records left by a write behind the signals (raw SQL, ``QuerySet.update``)."""
    from reports.facts import facts_refresh

    return facts_refresh()
