"""The Celery application.

Tasks are thin and idempotent (they take ids, call a service, and a status row makes a
second run a no-op), so they are acknowledged late and re-queued if a worker dies.
Settings come from Django settings (``CELERY_*``); the beat schedule is declared in code
below and synchronised into django-celery-beat's tables by its DatabaseScheduler.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sanad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["core.webhooks"])  # core.webhooks.tasks (a package inside core)

# What must happen is reconciled from the database, never trusted to one message: an entry
# that runs while Redis, beat or the workers are down is made up by the next one (each task
# is idempotent and looks at what is due, not at what it was told).
app.conf.beat_schedule = {
    "core-clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # core: each user's to-do by e-mail, once a day (core.digest; idempotent per user and day)
    "core-daily-digests": {
        "task": "core.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # reports: the partner reports of the last quarter, due from the 5th of each quarter's
    # first month; asked every hour, the task requests the ones missing (once each)
    "reports-quarterly-runs": {
        "task": "reports.tasks.schedule_quarterly_runs",
        "schedule": crontab(minute=5),
    },
    # refugees: import files uploaded for a preview and never confirmed (found by their age
    # on disk, so a missed hour is made up by the next)
    "refugees-discard-abandoned-imports": {
        "task": "refugees.tasks.discard_abandoned_imports",
        "schedule": crontab(minute=40),
    },
    # reports: runs whose message Redis lost are sent again, runs whose worker died (lease
    # ran out) are built again, runs requested while the broker was down are sent
    "reports-reconcile-runs": {
        "task": "reports.tasks.reconcile_runs",
        "schedule": crontab(minute="*"),
    },
    # reports: the dashboard's derived facts, rebuilt whole at night (kept up to date write by
    # write during the day; the rebuild logs any drift); made up within the hour if missed
    "reports-rebuild-facts": {
        "task": "reports.tasks.rebuild_facts",
        "schedule": crontab(hour=3, minute=20),
    },
    # webhooks: attempts whose worker died are retried, deliveries whose message Redis lost
    # (or that the broker never took) are sent again
    "core-webhooks-reconcile": {
        "task": "core.webhooks.tasks.reconcile",
        "schedule": crontab(minute="*/2"),
    },
    # funding: the visits that became overdue (the last week's, each once) to the
    # programme's webhooks
    "funding-overdue-visits-webhooks": {
        "task": "funding.tasks.emit_overdue_visits",
        "schedule": crontab(hour=6, minute=10),
    },
    # reports: each partner's publication of its latest complete period, computed into the
    # shared cache when the records changed or a period closed (a hit computes nothing), so a
    # partner's first dashboard load does not compute it (reports.disclosure.dashboard)
    "reports-warm-partner-publications": {
        "task": "reports.tasks.warm_partner_publications",
        "schedule": crontab(minute="*/4"),
    },
    "reports-rebuild-facts-if-missed": {
        "task": "reports.tasks.rebuild_facts_if_missed",
        "schedule": crontab(minute=50),
    },
}
