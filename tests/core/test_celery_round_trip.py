"""A task sent through the real Redis broker to a real worker returns its result."""

import pytest

from config.celery import app
from core.tasks import ping


@pytest.mark.celery_worker
def test_it_runs_a_task_on_a_real_worker_through_redis(celery_live_worker):
    assert app.connection().transport.driver_type == "redis"
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_it_is_configured_for_idempotent_late_acknowledged_tasks():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert "core-clear-expired-sessions" in conf.beat_schedule
