"""Benchmark of the refugee registry on PostgreSQL with 100,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_refugees .venv/bin/python bench/refugees_bench.py

Creates the database if needed, migrates, seeds offices and users, bulk-creates 100,000
refugees (once), then prints the median server time (Django test client, in process:
no network) of the list page, a partial-name search and a profile page, their query
counts, and the import speed (validation and commit of 2,000 CSV rows).
"""

import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sanad_bench_refugees"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("SANAD_ENV", "development")
os.environ["DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
SIZE = int(os.environ.get("BENCH_SIZE", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def median_ms(fn, runs: int = RUNS) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm up
    times, cpu = [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = fn()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx)
    return statistics.median(times), statistics.median(cpu), queries


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from core import demo as core_demo
    from core.models import City, PartnerOrganisation, Region, User
    from core.reference_data import load_reference_data
    from refugees.demo import make_refugees
    from refugees.importing import import_commit, validate_import
    from refugees.models import Refugee

    call_command("migrate", verbosity=0)
    load_reference_data(Region, City, PartnerOrganisation)
    core_demo.seed(stdout=None, options={})
    existing = Refugee.objects.count()
    if existing < SIZE:
        start = time.perf_counter()
        made = make_refugees(
            SIZE - existing,
            office_codes=["rabat", "casablanca", "oujda", "tanger"],
            intake_start=datetime.date(2025, 1, 1),
            intake_end=timezone.localdate(),
            seed=existing // 1000 + 1,
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE refugees_refugee")
        print(f"created {made} refugees in {time.perf_counter() - start:.1f} s")
    total = Refugee.objects.count()
    manager = User.objects.get(username="manager")
    caseworker = User.objects.get(username="caseworker")
    client = Client()
    client.force_login(manager)
    cw_client = Client()
    cw_client.force_login(caseworker)
    target = Refugee.objects.filter(office__code="rabat").order_by("pk")[500]

    figures = [
        ("list page (manager, all offices)", lambda: client.get("/refugees/")),
        ("list page (caseworker, own office)", lambda: cw_client.get("/refugees/")),
        ("list page, filtered + sorted", lambda: client.get("/refugees/?nationality=SY&sex=F&age=18-59&sort=-intake")),
        (
            "list page, rare filter combination",
            lambda: client.get("/refugees/?nationality=ML&sex=F&status=trained&legal_status=asylum_seeker"),
        ),
        ("search by partial name 'moham'", lambda: client.get("/refugees/?q=moham")),
        ("search by partial name 'ngom'", lambda: cw_client.get("/refugees/?q=ngom")),
        ("search Arabic 'محمد'", lambda: client.get("/refugees/?q=محمد")),
        ("search UNHCR number prefix", lambda: client.get(f"/refugees/?q={target.unhcr_individual_number[:8]}")),
        ("profile page", lambda: cw_client.get(f"/refugees/{target.pk}/")),
    ]
    print(f"\nrefugees in the database: {total:,}   (median of {RUNS} runs, server time in process)")
    print(f"machine: {os.cpu_count()} cores, {load()}")
    print("(cpu ms: CPU time of the Django process only, not PostgreSQL's; it is less affected by other load)")
    print(f"{'page':<40} {'median ms':>10} {'cpu ms':>8} {'queries':>8}")
    for label, fn in figures:
        ms, cpu_ms, queries = median_ms(fn)
        print(f"{label:<40} {ms:>10.1f} {cpu_ms:>8.1f} {queries:>8}")
    print(load())

    # Import: 2,000 rows validated (dry run) then committed, rolled back afterwards.
    rows = 2000
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        [
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
            "household_size",
            "referral_source",
            "intake_date",
            "office",
        ]
    )
    # Varied synthetic names (syllables): a file of "Benchmark PersonAB"-like names would be
    # all probable duplicates of each other (similar names, born within a year), which the
    # import now flags row against row, as it should.
    import random

    rng = random.Random(7)
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "sa",
        "ti",
        "vo",
        "ba",
        "de",
        "fu",
        "go",
        "hi",
        "ja",
        "ko",
        "le",
        "mu",
        "no",
        "pa",
        "qui",
        "ra",
        "se",
        "to",
        "ve",
        "wa",
        "xi",
        "yo",
        "zu",
    ]

    def word(n: int) -> str:
        return "".join(rng.choice(syllables) for _ in range(n)).capitalize()

    for i in range(rows):
        writer.writerow(
            [
                f"BEN-26Z{i:05d}",
                word(2),
                word(3),
                "",
                "",
                "F" if i % 2 else "M",
                f"{1960 + i % 45}-0{1 + i % 9}-1{i % 9}",
                "SY",
                "refugee",
                "rabat",
                f"06{i:08d}",
                str(1 + i % 6),
                "unhcr",
                "2026-01-15",
                "rabat",
            ]
        )
    content = buf.getvalue().encode()
    from django.db import transaction

    class RollbackError(Exception):
        pass

    def timed(fn) -> tuple[float, float, object]:
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        return time.perf_counter() - start, time.process_time() - start_cpu, value

    def commit_once(result) -> tuple[float, float]:
        try:
            with transaction.atomic():
                wall, cpu, _value = timed(lambda: import_commit(user=manager, result=result, confirm_different=True))
                raise RollbackError
        except RollbackError:
            pass
        return wall, cpu

    # Three runs of each (the commit is rolled back), the median kept: the machine is shared.
    validations = [timed(lambda: validate_import(user=manager, content=content, ext="csv")) for _ in range(3)]
    result = validations[0][2]
    assert result.valid, result.error_rows[:3]
    commits = [commit_once(result) for _ in range(3)]
    validated = statistics.median(v[0] for v in validations)
    validated_cpu = statistics.median(v[1] for v in validations)
    committed = statistics.median(c[0] for c in commits)
    committed_cpu = statistics.median(c[1] for c in commits)
    print(
        f"\nimport of {rows} CSV rows (median of 3): validation {validated:.2f} s ({rows / validated:,.0f} rows/s; "
        f"Django CPU {validated_cpu:.2f} s), commit {committed:.2f} s ({rows / committed:,.0f} rows/s; "
        f"Django CPU {committed_cpu:.2f} s), total {rows / (validated + committed):,.0f} rows/s\n"
        f"({sum(1 for r in result.flagged_rows if r.duplicate_ids)} rows flagged as probable duplicates of registered "
        f"people, {sum(1 for r in result.flagged_rows if r.file_duplicate_lines)} of other rows of the file)"
    )
    print(load())


if __name__ == "__main__":
    main()
