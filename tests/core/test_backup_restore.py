"""`manage.py backup` then `manage.py restore` into a fresh database and fresh folders gives
the same data and files: every table's row count, every file's checksum, a report's
figures. A restore refuses a target that is not empty, and a backup whose files do not
match their checksums (nothing is changed then)."""

import datetime
import hashlib
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from psycopg2 import sql

from core.storage import private_storage
from reports.models import ReportRun
from reports.services import build_report_bytes, report_run_build
from tests.factories.reports import done_run, financed_project, visit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow_subprocess, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
START, END = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
PERIOD = ["--start", str(START), "--end", str(END)]


def db_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def manage(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def env_for(database: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        SANAD_ENV="test",
        DATABASE_URL=db_url(database),
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    return env


def server(dbname="postgres"):
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=dbname)
    conn.autocommit = True
    return conn


def row_counts(dbname: str) -> dict[str, int]:
    with closing(server(dbname)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(r[0] for r in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def figures(env: dict) -> dict:
    built = manage(env, "build_report", "programme", *PERIOD, "--format", "json", "--lang", "en")
    assert built.returncode == 0, built.stderr
    return json.loads(built.stdout)


@pytest.fixture
def installation(tmp_path, settings):
    """A database with a financed project, a visit, a built report run, and files in both
    media folders (this process's storage pointed at them)."""
    live = tmp_path / "live"
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = live / "media", live / "private"
    for attr in ("base_location", "location"):
        private_storage.__dict__.pop(attr, None)
    project = financed_project(datetime.date(2019, 3, 4), amount="18500.50")
    visit(project, 6, datetime.date(2019, 9, 10))
    financed_project(datetime.date(2019, 7, 1), amount="21000")
    run = done_run("programme", fmt="json", status="queued")
    assert report_run_build(run_id=run.pk).status == "done"
    (live / "private" / "documents" / "7").mkdir(parents=True)
    (live / "private" / "documents" / "7" / "passport.pdf").write_bytes(b"%PDF-1.4 a scanned passport")
    (live / "media" / "partners").mkdir(parents=True)
    (live / "media" / "partners" / "unhcr.png").write_bytes(b"\x89PNG\r\n\x1a\n a logo")
    yield live
    for attr in ("base_location", "location"):
        private_storage.__dict__.pop(attr, None)


def test_it_restores_the_same_data_and_files_into_a_fresh_database(installation, tmp_path):
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    backup, fresh = tmp_path / "backup", tmp_path / "fresh"
    with closing(server()) as conn, conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    try:
        made = manage(env_for(source, installation), "backup", "--to", str(backup))
        assert made.returncode == 0, made.stderr
        manifest = json.loads((backup / "manifest.json").read_text())
        assert manifest["engine"] == "postgresql" and "reports" in manifest["migrations"]
        assert manifest["tables"]["reports_reportrun"] == 1

        restored = manage(env_for(target, fresh), "restore", "--from", str(backup))
        assert restored.returncode == 0, restored.stderr

        assert row_counts(target) == row_counts(source)
        assert checksums(fresh / "private") == checksums(installation / "private")
        assert checksums(fresh / "media") == checksums(installation / "media")
        run = ReportRun.objects.get()
        assert checksums(fresh / "private")[run.file.name] == run.checksum
        here = build_report_bytes(code="programme", start=START, end=END, fmt="json", lang="en")
        assert figures(env_for(target, fresh)) == json.loads(here)

        again = manage(env_for(target, fresh), "restore", "--from", str(backup))
        assert again.returncode != 0 and "not empty" in again.stderr

        (backup / "private" / "documents" / "7" / "passport.pdf").write_bytes(b"%PDF-1.4 another passport")
        forced = manage(env_for(target, fresh), "restore", "--from", str(backup), "--force")
        assert forced.returncode != 0 and "checksum" in forced.stderr
        assert row_counts(target) == row_counts(source)  # refused before anything was touched
        assert checksums(fresh / "private") == checksums(installation / "private")
    finally:
        with closing(server()) as conn, conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))


def test_it_refuses_to_back_up_into_a_folder_that_is_not_empty(installation, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("an earlier backup")
    made = manage(env_for(connection.settings_dict["NAME"], installation), "backup", "--to", str(tmp_path / "used"))
    assert made.returncode != 0 and "not empty" in made.stderr
