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
    # reports: the partner reports of the last quarter, on the 5th of each quarter's first month
    "reports-quarterly-runs": {
        "task": "reports.tasks.schedule_quarterly_runs",
        "schedule": crontab(day_of_month=5, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    # reports: runs requested while the broker was down are sent when it is back
    # refugees: import files uploaded for a preview and never confirmed
    "refugees-discard-abandoned-imports": {
        "task": "refugees.tasks.discard_abandoned_imports",
        "schedule": crontab(minute=40),
    },
    "reports-requeue-pending-runs": {
        "task": "reports.tasks.requeue_pending_runs",
        "schedule": crontab(minute="*/2"),
    },
    # reports: the dashboard's derived facts, rebuilt whole at night (kept up to date write by
    # write during the day; the rebuild logs any drift)
    "reports-rebuild-facts": {
        "task": "reports.tasks.rebuild_facts",
        "schedule": crontab(hour=3, minute=20),
    },
}
