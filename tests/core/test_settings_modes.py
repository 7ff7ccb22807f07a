"""Production settings refuse to start without a secret and pass `check --deploy`;
the embedded SQLite default migrates and seeds (so `make run` cannot silently rot)."""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra: dict, drop: tuple = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


PRODUCTION = {
    "SANAD_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "sanad.example.org",
    "DEBUG": "0",
}


def test_it_passes_the_deploy_check_in_production_mode():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = dict(PRODUCTION)
    env.pop("SECRET_KEY")
    result = _manage("check", env_extra=env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_debug_in_production():
    result = _manage("check", env_extra={**PRODUCTION, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.slow_subprocess
def test_it_migrates_and_seeds_the_embedded_sqlite_default(tmp_path):
    env = {
        "SANAD_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'smoke.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    drop = ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
    migrate = _manage("migrate", "--noinput", env_extra=env, drop=drop)
    assert migrate.returncode == 0, migrate.stderr
    seed = _manage("seed_demo", env_extra=env, drop=drop)
    assert seed.returncode == 0, seed.stderr
    assert "caseworker" in seed.stdout and "partner.unhcr" in seed.stdout
    again = _manage("seed_demo", "--quiet-accounts", env_extra=env, drop=drop)
    assert again.returncode == 0, again.stderr  # idempotent, as `make run` is run again

    # The embedded database backs up and restores too (SQLite's online backup).
    (tmp_path / "private" / "documents").mkdir(parents=True, exist_ok=True)
    (tmp_path / "private" / "documents" / "id.pdf").write_bytes(b"%PDF-1.4 an identity document")
    made = _manage("backup", "--to", str(tmp_path / "backup"), env_extra=env, drop=drop)
    assert made.returncode == 0, made.stderr
    fresh = {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "restored-private"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    restored = _manage("restore", "--from", str(tmp_path / "backup"), env_extra=fresh, drop=drop)
    assert restored.returncode == 0, restored.stderr
    assert _sqlite_counts(tmp_path / "restored.sqlite3") == _sqlite_counts(tmp_path / "smoke.sqlite3")
    assert (tmp_path / "restored-private" / "documents" / "id.pdf").read_bytes() == b"%PDF-1.4 an identity document"


def _sqlite_counts(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
