"""Benchmark of the refugee import on PostgreSQL: preview (validation) and confirm (commit).

    .venv/bin/python bench/import_bench.py            # DATABASE_URL defaults to sanad_import_bench

Creates the database if needed, migrates and seeds it (``seed_demo``), then generates
a CSV and an XLSX of ``IMPORT_ROWS`` (20,000) valid rows, and a CSV of 1,000 rows of one
name, and prints for each:

* the preview (``validate_import``) in rows/s, median of ``IMPORT_RUNS`` (3);
* the confirm (``load_result`` of the stored preview + ``import_commit``) in rows/s, rolled
  back after each run, and next to it the floor: the same rows ``COPY``-ed into a temporary
  table and inserted with one ``INSERT ... SELECT`` (every index maintained), nothing else;
  both up to what their COMMIT would check, the deferred foreign keys (``SET CONSTRAINTS
  ALL IMMEDIATE`` before the rollback; their time is printed apart);
* the peak memory of each step against the file's size: Python's allocations during the
  step (``tracemalloc``, a separate run: it slows Python down) and the process's maximum
  resident size before and after (``ru_maxrss``, which includes Django itself);
* the preview time of the 1,000 same-name rows (target: under 1 s).

The machine is shared: the figures are indicative; the load average is printed.
"""

import csv
import datetime
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sanad_import_bench")
os.environ.setdefault("SANAD_ENV", "development")
os.environ["DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROWS = int(os.environ.get("IMPORT_ROWS", "20000"))
RUNS = int(os.environ.get("IMPORT_RUNS", "3"))
XLSX_RUNS = int(os.environ.get("IMPORT_XLSX_RUNS", "1"))  # openpyxl reads slowly
SAME_NAME_ROWS = 1000

HEADER = [
    "unhcr_individual_number",
    "first_name_latin",
    "last_name_latin",
    "first_name_ar",
    "last_name_ar",
    "sex",
    "date_of_birth",
    "nationality",
    "legal_status",
    "city",
    "phone",
    "languages",
    "household_size",
    "referral_source",
    "intake_date",
    "office",
]
FIRST = [
    ("Amina", "أمينة"), ("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Mariam", "مريم"), ("Salma", "سلمى"),
    ("Nour", "نور"), ("Hana", "هناء"), ("Leila", "ليلى"), ("Rania", "رانيا"), ("Yasmin", "ياسمين"),
    ("Omar", "عمر"), ("Youssef", "يوسف"), ("Ahmad", "أحمد"), ("Khaled", "خالد"), ("Samir", "سمير"),
    ("Tarek", "طارق"), ("Bilal", "بلال"), ("Hamza", "حمزة"), ("Karim", "كريم"), ("Nabil", "نبيل"),
    ("Jean", ""), ("Marie", ""), ("Paul", ""), ("Aline", ""), ("Didier", ""), ("Grace", ""),
    ("Moussa", ""), ("Awa", ""), ("Ibrahim", "إبراهيم"), ("Aicha", "عائشة"),
]  # fmt: skip
LAST = [
    ("Haddad", "حداد"), ("Khatib", "خطيب"), ("Halabi", "حلبي"), ("Nasser", "ناصر"), ("Saleh", "صالح"),
    ("Darwish", "درويش"), ("Hamdan", "حمدان"), ("Issa", "عيسى"), ("Mansour", "منصور"), ("Qasem", "قاسم"),
    ("Mbaye", ""), ("Ndiaye", ""), ("Kamara", ""), ("Traore", ""), ("Diallo", ""), ("Kone", ""),
    ("Bangura", ""), ("Okafor", ""), ("Mukendi", ""), ("Ngoy", ""), ("Yakoub", "يعقوب"), ("Sabbagh", "صباغ"),
    ("Zein", "زين"), ("Barakat", "بركات"), ("Shami", "شامي"),
]  # fmt: skip


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    conn = psycopg2.connect(parsed._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


SYLLABLES = [
    "ba",
    "be",
    "di",
    "do",
    "fa",
    "ga",
    "ha",
    "ji",
    "ka",
    "ko",
    "la",
    "le",
    "ma",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "ou",
    "ra",
    "ri",
    "sa",
    "se",
    "si",
    "ta",
    "te",
    "to",
    "wa",
    "ya",
    "za",
]


def word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def rows_csv(n: int, *, same_name: bool = False, prefix: str = "BEN") -> bytes:
    """``n`` valid rows (mostly made-up names, one in ten a common name with its Arabic
    spelling; or all "Mohammed Haddad" born in 1988)."""
    rng = random.Random(n + same_name)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    for i in range(n):
        if same_name:
            first, last, born = ("Mohammed", "محمد"), ("Haddad", "حداد"), datetime.date(1988, 1 + i % 12, 1 + i % 28)
        elif i % 10 == 0:  # a common name: some rows resemble others, as in a real file
            first, last = rng.choice(FIRST), rng.choice(LAST)
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(55 * 365))
        else:
            first, last = (word(rng, 2), ""), (word(rng, 3), "")
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(55 * 365))
        writer.writerow(
            [
                f"{prefix}-26Z{i:05d}",
                first[0],
                last[0],
                first[1],
                last[1] if first[1] else "",
                "F" if i % 2 else "M",
                born.isoformat() if i % 3 else born.strftime("%d/%m/%Y"),
                rng.choice(["SY", "CF", "YE", "SD", "CM", "GN"]),
                rng.choice(["refugee", "asylum_seeker"]),
                rng.choice(["rabat", "casablanca", "oujda", "Fès"]),
                f"06{rng.randrange(10**8):08d}" if i % 4 else "",
                rng.choice(["ar", "fr", "ar,fr", ""]),
                str(1 + i % 6),
                rng.choice(["unhcr", "self", "partner_ngo"]),
                "2026-01-15",
                rng.choice(["rabat", "casablanca", "oujda"]),
            ]
        )
    return buf.getvalue().encode()


def as_xlsx(content: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in csv.reader(io.StringIO(content.decode())):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def traced(fn) -> tuple[float, object]:
    """(peak of Python allocations during ``fn`` in MB, its value)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        value = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, value


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    from core.models import User
    from refugees.importing import import_commit, load_result, store_upload, validate_import
    from refugees.importing.checked import COLUMNS, NOT_NULL_TEXT, REFUGEE_COLUMNS
    from refugees.models import Refugee

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="manager").exists():
        call_command("seed_demo", verbosity=0)
    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="import_bench_")
    manager = User.objects.get(username="manager")
    registry = Refugee.objects.count()

    class Rollback(Exception):  # noqa: N818
        pass

    checks: dict[str, list[float]] = {"confirm": [], "floor": [], "traced": []}

    def rolled_back(fn, step: str):
        """``fn`` in a transaction rolled back after the checks a COMMIT would run (the
        deferred foreign keys: ``SET CONSTRAINTS ALL IMMEDIATE``), timed into ``checks``."""
        try:
            with transaction.atomic():
                value = fn()
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                checks[step].append(time.perf_counter() - start)
                raise Rollback
        except Rollback:
            return value

    def preview(content: bytes, ext: str):
        return validate_import(user=manager, content=io.BytesIO(content), ext=ext)

    def confirm(token: str) -> int:
        result = load_result(user=manager, token=token)
        try:
            return import_commit(user=manager, result=result, confirm_different=True)
        finally:
            result.discard()

    def floor(result) -> int:
        """COPY + one INSERT ... SELECT of the same rows, nothing else."""
        cols = ", ".join(REFUGEE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE floor_rows AS SELECT 0::int AS line, 0::int AS grp, {cols} "  # noqa: S608
                "FROM refugees_refugee WITH NO DATA"
            )
            result.spool.seek(0)
            cursor.copy_expert(
                f"COPY floor_rows ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
                f"FORCE_NOT_NULL ({', '.join(NOT_NULL_TEXT)}))",
                result.spool,
            )
            cursor.execute(
                f"INSERT INTO refugees_refugee ({cols}, created_at, updated_at, status) "  # noqa: S608
                f"SELECT {cols}, now(), now(), 'registered' FROM floor_rows"
            )
            return cursor.rowcount

    print(f"registry: {registry:,} people; load average {os.getloadavg()[0]:.2f}")
    content = rows_csv(ROWS)
    files = [("CSV", content, "csv", RUNS)]
    if XLSX_RUNS:  # IMPORT_XLSX_RUNS=0: the CSV only
        files.append(("XLSX", as_xlsx(content), "xlsx", XLSX_RUNS))
    for label, data, ext, runs in files:
        size_mb = len(data) / 2**20
        previews = [timed(lambda data=data, ext=ext: preview(data, ext)) for _ in range(runs)]
        result = previews[-1][1]
        assert result.valid, [(r.line, r.errors) for r in result.error_rows[:3]]
        for _t, r in previews[:-1]:
            r.discard()
        token = store_upload(user=manager, upload=SimpleUploadedFile(f"people.{ext}", data), result=result)
        checks["confirm"].clear(), checks["floor"].clear()
        confirms = [timed(lambda token=token: rolled_back(lambda: confirm(token), "confirm")) for _ in range(runs)]
        assert confirms[0][1] == ROWS, confirms[0][1]
        floors = [timed(lambda result=result: rolled_back(lambda: floor(result), "floor")) for _ in range(runs)]
        rss_before = maxrss_mb()
        preview_peak, traced_result = traced(lambda data=data, ext=ext: preview(data, ext))
        traced_result.discard()
        rss_preview = maxrss_mb()
        confirm_peak, _n = traced(lambda token=token: rolled_back(lambda: confirm(token), "traced"))
        rss_confirm = maxrss_mb()
        result.discard()
        p = statistics.median(t for t, _r in previews)
        c = statistics.median(t for t, _r in confirms)
        f = statistics.median(t for t, _r in floors)
        print(
            f"\n{label}, {ROWS:,} rows, {size_mb:.2f} MB (median of {runs}):\n"
            f"  preview  {p:.2f} s = {ROWS / p:,.0f} rows/s (target >= 10,000); "
            f"{result.row_count} rows, {len(result.flagged_rows)} flagged\n"
            f"  confirm  {c:.2f} s = {ROWS / c:,.0f} rows/s (target >= 20,000); "
            f"floor COPY + INSERT ... SELECT {f:.2f} s = {ROWS / f:,.0f} rows/s; confirm/floor {c / f:.2f}x\n"
            f"           of which the deferred foreign-key checks a COMMIT runs: confirm "
            f"{statistics.median(checks['confirm']):.2f} s, floor {statistics.median(checks['floor']):.2f} s\n"
            f"  memory   preview peak {preview_peak:.1f} MB = {preview_peak / size_mb:.1f}x the file, "
            f"confirm peak {confirm_peak:.1f} MB = {confirm_peak / size_mb:.1f}x (tracemalloc; target <= 10x); "
            f"ru_maxrss {rss_before:.0f} -> {rss_preview:.0f} (preview) -> {rss_confirm:.0f} MB (confirm)"
        )
    same = rows_csv(SAME_NAME_ROWS, same_name=True, prefix="SAM")
    times = [timed(lambda: preview(same, "csv")) for _ in range(RUNS)]
    result = times[-1][1]
    flagged = len(result.flagged_rows)
    for _t, r in times:
        r.discard()
    t = statistics.median(t for t, _r in times)
    print(
        f"\n{SAME_NAME_ROWS:,} rows of one name (median of {RUNS}): preview {t:.2f} s (target < 1 s), "
        f"{flagged} rows flagged, each resembling the {SAME_NAME_ROWS - 1} others"
    )
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
