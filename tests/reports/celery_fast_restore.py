"""The Celery app with a short visibility timeout, for the worker that takes over after
another was killed: the killed worker's unacknowledged message becomes visible again
within seconds instead of an hour. Used by test_worker_killed (``celery -A``)."""

from config.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
