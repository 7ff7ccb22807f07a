"""Backup and restore of a Sanad installation: the database, the public and private media
folders, and a manifest (checksums, the migration state, every table's row count).

``manage.py backup --to DIR`` and ``manage.py restore --from DIR`` (``core/management``)
are the two entry points; the README's operations section says how often and where to keep
the copies. PostgreSQL is dumped in pg_dump's custom format (restored by pg_restore, any
size, no superuser needed but for ``CREATE EXTENSION pg_trgm``); the embedded SQLite file
is copied with SQLite's online backup (consistent while the application runs).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (the message says why)."""


@dataclass
class Outcome:
    path: Path
    tables: int
    rows: int
    files: int
    migrated: list[str]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"cannot back up a {vendor} database")
    return vendor


def _pg_args() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def table_counts() -> dict[str, int]:
    """Every table's row count (the database's own tables, not only the models')."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def backup(to: Path) -> Outcome:
    """Write a backup into ``to`` (a new or empty folder)."""
    to = Path(to)
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"{to} is not empty: a backup goes into a new folder")
    to.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    if engine == "postgresql":
        database = to / "database.dump"
        args, env = _pg_args()
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(database), name], env)
    else:
        database = to / "database.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    folders = {}
    for name, setting in FOLDERS.items():
        root = Path(getattr(settings, setting))
        if root.is_dir():
            shutil.copytree(root, to / name, copy_function=shutil.copy2)
        folders[name] = _files(to / name)
    counts = table_counts()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": {"file": database.name, "sha256": sha256(database), "size": database.stat().st_size},
        "migrations": applied_migrations(),
        "tables": counts,
        "folders": folders,
    }
    (to / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return Outcome(to, len(counts), sum(counts.values()), sum(len(f) for f in folders.values()), [])


def read_manifest(source: Path) -> dict:
    """The manifest, once every file it lists is there with its checksum."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    database = source / manifest["database"]["file"]
    if not database.is_file() or sha256(database) != manifest["database"]["sha256"]:
        raise BackupError(f"{database.name} is missing or does not match its checksum")
    for folder, files in manifest["folders"].items():
        for name, digest in files.items():
            path = source / folder / name
            if not path.is_file() or sha256(path) != digest:
                raise BackupError(f"{folder}/{name} is missing or does not match its checksum")
    return manifest


def _target_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def restore(source: Path, *, force: bool = False) -> Outcome:
    """Restore the backup in ``source`` into this settings' database and media folders.

    Refuses (``BackupError``, nothing changed) a backup whose checksums do not match, of
    another engine, or a target database or folder that is not empty, unless ``force``
    (which replaces what is there). Migrations newer than the backup are applied after.
    """
    source = Path(source)
    manifest = read_manifest(source)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"this is a {manifest['engine']} backup and the target database is {engine}")
    roots = {name: Path(getattr(settings, setting)) for name, setting in FOLDERS.items()}
    if not force:
        if not _target_is_empty():
            raise BackupError("the target database is not empty (use --force to replace it)")
        for root in roots.values():
            if root.is_dir() and any(root.iterdir()):
                raise BackupError(f"{root} is not empty (use --force to replace it)")
    database = source / manifest["database"]["file"]
    if engine == "postgresql":
        connection.close()
        args, env = _pg_args()
        clean = ["--clean", "--if-exists"] if force else []
        name = connection.settings_dict["NAME"]
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *clean,
                *args,
                "--dbname",
                name,
                str(database),
            ],
            env,
        )
    else:
        connection.close()
        target = sqlite3.connect(connection.settings_dict["NAME"])
        backup_copy = sqlite3.connect(database)
        try:
            backup_copy.backup(target)
        finally:
            backup_copy.close()
            target.close()
    files = 0
    for name, root in roots.items():
        if force and root.is_dir():
            shutil.rmtree(root)
        if (source / name).is_dir():
            shutil.copytree(source / name, root, copy_function=shutil.copy2, dirs_exist_ok=True)
        restored = _files(root)
        if restored != manifest["folders"].get(name, {}):
            raise BackupError(f"the files restored into {root} do not match the backup")
        files += len(restored)
    missing = pending_migrations()
    if missing:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    counts = table_counts()
    return Outcome(source, len(counts), sum(counts.values()), files, missing)


def pending_migrations() -> list[str]:
    """The migrations of this code that the database has not applied (a backup older)."""
    loader = MigrationLoader(connection)
    return [f"{app}.{name}" for app, name in sorted(set(loader.graph.nodes) - set(loader.applied_migrations))]
