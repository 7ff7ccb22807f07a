"""Real Celery workers and a real redis-server in subprocesses, for the reliability tests."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_env(broker_url: str, media_root: Path, **extra) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    # This process already resolved its broker URL; a worker must not remap it as an xdist process.
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(
        SANAD_ENV="test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        PRIVATE_MEDIA_ROOT=str(media_root),
        **extra,
    )
    return env


def start_worker(app: str, env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            app,
            "worker",
            "--pool=solo",
            "-l",
            "WARNING",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(predicate, timeout: float = 90, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert wait_for(lambda: _port_open(port), timeout=15), "redis-server did not start"
    return process


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def own_redis(port: int, workdir: Path):
    """A redis-server of the test's own on ``port``, with this process's Celery app pointed
    at it (not eager): yields ``(url, server)``; ``server.process`` may be replaced by a
    restart (``server.restart()``)."""
    from config.celery import app

    url = f"redis://127.0.0.1:{port}/0"
    server = RedisServer(port, workdir)
    eager = app.conf.task_always_eager
    app.conf.broker_write_url = app.conf.broker_read_url = url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield url, server
    finally:
        server.stop()
        app.conf.broker_write_url = app.conf.broker_read_url = None
        app.conf.task_always_eager = eager
        reset_pools()


class RedisServer:
    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir = port, workdir
        self.process = start_redis(port, workdir)

    def restart(self) -> None:
        """Stop it and start an empty one on the same port (``--save ""``: nothing kept)."""
        stop(self.process)
        self.process = start_redis(self.port, self.workdir)

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
        stop(self.process)


def reset_pools() -> None:
    """Forget this process's broker connections (after the app's broker URL changed)."""
    from config.celery import app

    app._pool = None
    app.amqp._producer_pool = None
