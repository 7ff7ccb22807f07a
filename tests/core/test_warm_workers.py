"""Gunicorn's workers start warm (``preload_app`` and ``core.warmup``): the master loads
the application, the catalogues and the templates before it forks, opening no connection
of its own; a worker replaced after ``max_requests`` is a fork of it and serves at once."""

import gc
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.template import engines
from django.utils.translation import trans_real

from core.warmup import warm_up
from tests.core.test_production_recipe import free_port, get, manage, recipe_env, start_gunicorn
from tests.reports.workers import RedisServer, stop, wait_for

REDIS_PORT = 6395


def _children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_warm_up_loads_the_catalogues_and_templates_and_keeps_no_connection():
    try:
        loaded = warm_up()
        assert loaded["languages"] == 3
        assert loaded["templates"] > 100  # ours, the admin's, crispy's, the forms' widgets
        assert {"ar", "fr", "en"} <= set(trans_real._translations)
        cached = engines["django"].engine.template_loaders[0]
        assert "base.html" in cached.get_template_cache  # compiled, as a request would find it
        assert gc.get_freeze_count() > 0
        assert all(c.connection is None for c in connections.all(initialized_only=True))
    finally:
        gc.unfreeze()


def test_a_failed_warm_up_is_logged_and_the_workers_start_anyway(monkeypatch):
    import importlib
    import types

    from core import warmup

    conf = importlib.import_module("config.gunicorn_conf")
    logged = []

    def broken():
        raise RuntimeError("a template library that cannot be imported")

    monkeypatch.setattr(warmup, "warm_up", broken)
    server = types.SimpleNamespace(
        cfg=types.SimpleNamespace(preload_app=True), log=types.SimpleNamespace(exception=logged.append)
    )
    conf.when_ready(server)  # does not raise: gunicorn goes on forking its workers
    assert logged and "warm-up failed" in logged[0]


@pytest.mark.slow_subprocess
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_replaced_worker_is_forked_warm_from_a_master_with_no_connection(tmp_path):
    redis_server = RedisServer(REDIS_PORT, tmp_path)
    port = free_port()
    env = recipe_env(
        tmp_path,
        redis_port=REDIS_PORT,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="1",
        GUNICORN_MAX_REQUESTS="4",
        GUNICORN_MAX_REQUESTS_JITTER="0",
    )
    server = None
    try:
        collected = manage(env, "collectstatic", "--noinput", "-v0")
        assert collected.returncode == 0, collected.stdout + collected.stderr
        server = start_gunicorn(env, port)
        assert _other_backends() == 0  # neither the master nor /healthz opened a connection
        assert _rss_mb(server.pid) > 100, "the master has not loaded the application"  # gunicorn alone: ~25 MB
        first = _children(server.pid)
        assert len(first) == 1
        pages = []
        for _ in range(6):  # the fourth request replaces the worker
            status, body = get(port, "/accounts/login/")
            pages.append((status, b'name="username"' in body))
        assert pages == [(200, True)] * 6
        assert wait_for(lambda: len(_children(server.pid)) == 1 and _children(server.pid) != first, timeout=10)
        began = time.monotonic()
        assert get(port, "/accounts/login/?next=/refugees/")[0] == 200
        assert time.monotonic() - began < 2  # a fork: no start of Django (about 2 s of CPU here)
    finally:
        if server is not None:
            stop(server)
        redis_server.stop()
