"""The README's production recipe, run as written: `collectstatic` and `check --deploy` in
production mode, gunicorn with config/gunicorn_conf.py, the pages and static files served,
`/readyz` answering for PostgreSQL, Redis and the media folders (and failing fast when
Redis hangs), and a PostgreSQL connection dropped (`pg_terminate_backend`) costing the next
request nothing (DB_CONN_MAX_AGE with DB_CONN_HEALTH_CHECKS)."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.reports.workers import RedisServer, stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = 6394
pytestmark = [pytest.mark.slow_subprocess, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def recipe_env(tmp_path: Path, *, redis_port: int = REDIS_PORT, **extra) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        SANAD_ENV="production",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="127.0.0.1,sanad.example.org",
        CSRF_TRUSTED_ORIGINS="https://sanad.example.org",
        DEBUG="0",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DB_CONN_MAX_AGE="60",
        DB_CONN_HEALTH_CHECKS="1",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        CELERY_TASK_ALWAYS_EAGER="0",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def get(port: int, path: str, timeout: float = 10):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    """Gunicorn with config/gunicorn_conf.py, as the README runs it, once it answers /healthz
    (the caller stops it: ``tests.reports.workers.stop``)."""
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if not wait_for(lambda: _answers(port), timeout=30):
        stop(server)
        raise AssertionError("gunicorn did not start")
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_production_recipe_runs_as_the_readme_says(tmp_path):
    redis_server = RedisServer(REDIS_PORT, tmp_path)
    port = free_port()
    env = recipe_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2")
    server = None
    try:
        collected = manage(env, "collectstatic", "--noinput")
        assert collected.returncode == 0, collected.stdout + collected.stderr
        deploy = manage(env, "check", "--deploy", "--fail-level", "WARNING")
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr

        server = start_gunicorn(env, port)
        status, body = get(port, "/readyz")
        assert status == 200, body
        assert json.loads(body)["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
        status, page = get(port, "/accounts/login/")
        assert status == 200
        chart = re.search(rb'src="(/static/vendor/chartjs/chart\.umd\.min\.[0-9a-f]+\.js)"', _home_scripts(port))
        assert chart is None or get(port, chart.group(1).decode())[0] == 200
        css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        assert css and get(port, css.group(1).decode())[0] == 200  # hashed by the manifest, served by WhiteNoise

        # PostgreSQL drops the web process's connections (a restart, a failover, a DBA).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        assert [get(port, "/readyz")[0], get(port, "/accounts/login/")[0]] == [200, 200]

        # Redis hangs: the readiness probe says so, fast, and the liveness probe stays up.
        redis_server.pause()
        began = time.monotonic()
        status, body = get(port, "/readyz")
        took = time.monotonic() - began
        assert status == 503 and json.loads(body)["checks"]["broker"] != "ok"
        assert took < 2.5, f"/readyz took {took:.1f} s on a hung Redis"
        assert get(port, "/healthz")[0] == 200
    finally:
        if server is not None:
            stop(server)
        redis_server.stop()


def _answers(port: int) -> bool:
    try:
        return get(port, "/healthz", timeout=1)[0] == 200
    except OSError:
        return False


def _home_scripts(port: int) -> bytes:
    return get(port, "/accounts/login/")[1]
