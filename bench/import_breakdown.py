"""Where the import's confirmation spends its time, step by step (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/import_breakdown.py

The database is migrated and seeded as for ``bench/import_bench.py`` (the same generated
20,000 rows). One preview, then ``IMPORT_RUNS`` (3) confirmations, each in a transaction
ended by ``SET CONSTRAINTS ALL IMMEDIATE`` (the deferred foreign-key checks a COMMIT would
run, timed) and rolled back. Prints, for each step, the median time: loading the stored
preview, the re-checks, the COPY, each statement of the commit, the deferred checks.

With ``IMPORT_INDEXES=1`` (on a scratch copy: ``createdb -T <db> scratch``; it only rolls
back, but takes an exclusive lock on the table), also the cost of each index of
``refugees_refugee`` and of its history table: the people's ``INSERT ... SELECT`` (or the
history's) timed with only the primary key and the unique number, then with each other
index alone (the difference is that index's cost), best of ``IMPORT_RUNS``.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("SANAD_ENV", "development")
os.environ["DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
RUNS = int(os.environ.get("IMPORT_RUNS", "3"))
ROWS = int(os.environ.get("IMPORT_ROWS", "20000"))


def main() -> None:
    import django

    django.setup()
    import import_bench
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.db.backends.utils import CursorWrapper

    from core.models import User
    from refugees.importing import commit, load_result, store_upload, validate_import

    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="import_breakdown_")
    manager = User.objects.get(username="manager")
    content = import_bench.rows_csv(ROWS)
    result = validate_import(user=manager, content=io.BytesIO(content), ext="csv")
    assert result.valid
    token = store_upload(user=manager, upload=SimpleUploadedFile("people.csv", content), result=result)
    result.discard()

    steps: dict[str, list[float]] = defaultdict(list)

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = " ".join(sql.split()[:4])
            if sql.lstrip().startswith("WITH created"):
                words = "INSERT people + history"
            elif "historicalrefugee" in sql:
                words = "INSERT history"
            elif "duplicateconfirmation" in sql:
                words = "INSERT confirmations"
            steps[words].append(time.perf_counter() - start)

    class Rollback(Exception):  # noqa: N818
        pass

    original_recheck = commit._recheck

    def recheck(**kwargs):
        start = time.perf_counter()
        try:
            return original_recheck(**kwargs)
        finally:
            steps["python: re-checks (incl. their queries)"].append(time.perf_counter() - start)

    commit._recheck = recheck

    def copy(self, sql, file, *args):
        start = time.perf_counter()
        try:
            return self.cursor.copy_expert(sql, file, *args)
        finally:
            steps["COPY import_rows"].append(time.perf_counter() - start)

    for _ in range(RUNS):
        start = time.perf_counter()
        loaded = load_result(user=manager, token=token)
        steps["python: load_result (manifest, checksum)"].append(time.perf_counter() - start)
        total = time.perf_counter()
        try:
            with transaction.atomic(), connection.execute_wrapper(timer):
                try:
                    CursorWrapper.copy_expert = copy
                    commit.import_commit(user=manager, result=loaded, confirm_different=True)
                finally:
                    del CursorWrapper.copy_expert
                with connection.cursor() as cursor:
                    start = time.perf_counter()
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    steps["deferred FK checks (at COMMIT)"].append(time.perf_counter() - start)
                steps["= total (to the COMMIT)"].append(time.perf_counter() - total)
                raise Rollback
        except Rollback:
            pass
        finally:
            loaded.discard()
    print(f"load average {os.getloadavg()[0]:.2f}; {ROWS:,} rows, median of {RUNS} (s):")
    for name, times in steps.items():
        per_run = [sum(times[i::RUNS]) for i in range(RUNS)] if len(times) % RUNS == 0 else times
        print(f"  {statistics.median(per_run):7.3f}  {name}")
    if os.environ.get("IMPORT_INDEXES"):
        loaded = load_result(user=manager, token=token)
        index_costs(connection, loaded)


def index_costs(connection, result) -> None:
    from refugees.importing.checked import COLUMNS, NOT_NULL_TEXT, REFUGEE_COLUMNS

    cols = ", ".join(REFUGEE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, i.indexrelid::regclass::text FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                WHERE c.relname IN ('refugees_refugee', 'refugees_historicalrefugee')
                  AND NOT i.indisprimary AND NOT i.indisunique ORDER BY 1, 2"""
        )
        indexes = cursor.fetchall()
    history_cols = [*REFUGEE_COLUMNS, "created_at", "updated_at", "status", "id"]
    hcols = ", ".join(history_cols)

    def run(table: str, keep: str | None) -> float:
        best = float("inf")
        for _ in range(RUNS):
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                try:
                    for _table, name in indexes:
                        if name != keep:
                            cursor.execute(f"DROP INDEX {name}")
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE b_rows ON COMMIT DROP AS SELECT 0::int AS line, 0::int AS grp, "  # noqa: S608
                        f"{cols} FROM refugees_refugee WITH NO DATA"
                    )
                    result.spool.seek(0)
                    cursor.copy_expert(
                        f"COPY b_rows ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
                        f"FORCE_NOT_NULL ({', '.join(NOT_NULL_TEXT)}))",
                        result.spool,
                    )
                    insert = (
                        f"INSERT INTO refugees_refugee ({cols}, created_at, updated_at, status) "  # noqa: S608
                        f"SELECT {cols}, now(), now(), 'registered' FROM b_rows ORDER BY line"
                    )
                    if table == "refugees_refugee":
                        start = time.perf_counter()
                        cursor.execute(insert)
                    else:
                        cursor.execute(insert)
                        start = time.perf_counter()
                        cursor.execute(
                            f"INSERT INTO refugees_historicalrefugee ({hcols}, history_date, history_type) "  # noqa: S608
                            f"SELECT {hcols}, now(), '+' FROM refugees_refugee r ORDER BY id DESC LIMIT {ROWS}"
                        )
                    best = min(best, time.perf_counter() - start)
                finally:
                    cursor.execute("ROLLBACK")
        return best

    print("\nindex costs (best of runs; INSERT ... SELECT of the rows, s):")
    for table in ("refugees_refugee", "refugees_historicalrefugee"):
        base = run(table, None)
        print(f"  {base:7.3f}  {table}: primary key and unique constraints only")
        for t, name in indexes:
            if t == table:
                print(f"  {run(table, name) - base:+7.3f}  {name}")


if __name__ == "__main__":
    main()
