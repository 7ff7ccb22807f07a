"""Funding benchmark: grant page, overdue list and recording a payment at volume.

Usage (PostgreSQL, a scratch database that will be filled):

    createdb sanad_bench_funding
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_funding .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_funding .venv/bin/python bench/funding_bench.py \
        --disbursements 1000000 --visits 300000

It seeds the demo (offices, users, agreements), bulk-inserts synthetic projects, grants,
shares (all on a large benchmark agreement ``BENCH-EU``, so that no total breaks the
database's CHECK constraints), tranches, approved disbursements with their allocations and
visits with ``generate_series`` (fast, once), sets the running totals with
``funding.totals.rebuild_totals()``, then times each screen through Django's test client
(server time, median of N runs) and prints the query counts.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SANAD_ENV", "development")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

PER_GRANT = 10  # disbursements per grant


def fill(disbursements: int, visits: int) -> None:
    from core import demo as core_demo
    from funding import demo as funding_demo
    from funding.models import Disbursement

    core_demo.seed()
    funding_demo.seed()
    if Disbursement.objects.count() >= disbursements:
        print(f"already filled: {Disbursement.objects.count()} disbursements")
        return
    grants = disbursements // PER_GRANT
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO funding_fundingagreement (donor_id, reference, title, currency, amount, start_date, end_date,
                created_at, updated_at)
            SELECT donor_id, 'BENCH-EU', 'Benchmark agreement', 'EUR', 99999999999999.00, start_date, DATE '2030-12-31',
                   now(), now()
            FROM funding_fundingagreement WHERE reference = 'EU-MA-2018-01'
            """
        )
        cur.execute(
            """
            INSERT INTO funding_exchangerate (agreement_id, valid_from, mad_per_unit)
            SELECT id, DATE '2018-01-01', 10.95 FROM funding_fundingagreement WHERE reference = 'BENCH-EU'
            """
        )
        cur.execute(
            """
            CREATE TEMP TABLE bench_ctx AS
            SELECT (SELECT id FROM core_user WHERE username='caseworker') AS cw,
                   (SELECT id FROM core_user WHERE username='manager') AS mgr,
                   (SELECT id FROM funding_fundingagreement WHERE reference='BENCH-EU') AS eu,
                   ARRAY(SELECT id FROM core_office ORDER BY code) AS offices
            """
        )
        cur.execute(
            """
            INSERT INTO projects_businessproject (reference, title, activity, sector, legal_form, city_id, region_id,
                office_id, caseworker_id, status, own_contribution, approved_amount, outcome, created_by_id,
                created_at, updated_at)
            SELECT 'B-' || g, 'Bench business ' || g, 'Shop', 'retail', 'individual', o.city_id, c.region_id, o.id,
                   ctx.cw, 'funded', 0, 20000, '', ctx.cw, now(), now()
            FROM generate_series(1, %s) g
            CROSS JOIN bench_ctx ctx
            JOIN core_office o ON o.id = ctx.offices[1 + (g %% array_length(ctx.offices, 1))]
            JOIN core_city c ON c.id = o.city_id
            """,
            [grants],
        )
        cur.execute(
            """
            INSERT INTO funding_grant
                (project_id, kind, amount, awarded_on, awarded_by_id, notes, created_at, updated_at)
            SELECT p.id, 'startup', 20000, DATE '2025-01-01', ctx.mgr, '', now(), now()
            FROM projects_businessproject p, bench_ctx ctx WHERE p.reference LIKE 'B-%%'
            """
        )
        cur.execute(
            """
            INSERT INTO funding_grantfunding (grant_id, agreement_id, amount)
            SELECT g.id, ctx.eu, 20000 FROM funding_grant g JOIN projects_businessproject p ON p.id = g.project_id,
                 bench_ctx ctx WHERE p.reference LIKE 'B-%%'
            """
        )
        cur.execute(
            """
            INSERT INTO funding_tranche (grant_id, number, amount, planned_date, condition)
            SELECT g.id, 1, 20000, DATE '2025-01-10', 'none' FROM funding_grant g
            JOIN projects_businessproject p ON p.id = g.project_id WHERE p.reference LIKE 'B-%%'
            """
        )
        cur.execute(
            """
            INSERT INTO funding_disbursement (grant_id, tranche_id, kind, date, amount, method, supplier, reference,
                receipt, status, recorded_by_id, recorded_at, approved_by_id, approved_at, idempotency_key)
            SELECT t.grant_id, t.id, 'payment', DATE '2025-01-10' + n, 100, 'cash', '', '', '', 'approved',
                   ctx.cw, now(), ctx.mgr, now(), 'bench-' || t.id || '-' || n
            FROM funding_tranche t JOIN funding_grant g ON g.id = t.grant_id
            JOIN projects_businessproject p ON p.id = g.project_id, bench_ctx ctx, generate_series(1, %s) n
            WHERE p.reference LIKE 'B-%%'
            """,
            [PER_GRANT],
        )
        cur.execute(
            """
            INSERT INTO funding_disbursementallocation
                (disbursement_id, agreement_id, amount_mad, amount_currency, rate)
            SELECT d.id, ctx.eu, d.amount, round(d.amount / 10.95, 2), 10.95
            FROM funding_disbursement d, bench_ctx ctx WHERE d.idempotency_key LIKE 'bench-%%'
            """
        )
        cur.execute(
            """
            INSERT INTO funding_followupvisit (project_id, months_after_funding, due_date, status, done_on, mode,
                business_status, jobs_refugee_women, jobs_refugee_men, jobs_moroccan_women, jobs_moroccan_men,
                observations, recommendations, verdict, created_at, updated_at)
            SELECT p.id, m, DATE '2025-01-10' + ((m * 30) + (p.id %% 400))::int, 'scheduled', NULL, '', '', 0, 0, 0, 0,
                   '', '', '', now(), now()
            FROM projects_businessproject p, unnest(ARRAY[1, 3, 6, 12, 24]) m
            WHERE p.reference LIKE 'B-%%'
            ORDER BY p.id LIMIT %s
            """,
            [visits],
        )
        # Visits get done: all but those due in the last three weeks (a realistic backlog).
        cur.execute(
            """
            UPDATE funding_followupvisit SET status = 'done', done_on = due_date, mode = 'on_site',
                   business_status = 'operating', verdict = 'satisfactory', monthly_revenue = 4000, monthly_costs = 2500
            WHERE status = 'scheduled' AND due_date < CURRENT_DATE - 21
              AND project_id IN (SELECT id FROM projects_businessproject WHERE reference LIKE 'B-%%')
            """
        )
        from funding.totals import rebuild_totals

        rebuild_totals()
        cur.execute("ANALYZE")
    print(f"filled {grants} grants, {disbursements} disbursements, {visits} visits in {time.perf_counter() - t0:.1f} s")


def timed(fn, runs: int) -> tuple[float, int]:
    fn()  # warm up
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--disbursements", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL (set DATABASE_URL).")
    fill(args.disbursements, args.visits)

    from core.models import User
    from funding.models import Grant
    from funding.services import disbursement_approve, disbursement_record

    manager = User.objects.get(username="manager")
    caseworker = User.objects.get(username="caseworker")
    bench_grants = Grant.objects.filter(project__reference__startswith="B-", project__office=caseworker.office)
    grant = bench_grants.order_by("-pk")[1]  # the page's grant: its 10 entries, never written to below
    paid_grant = bench_grants.order_by("pk").first()  # recording and approving go to this one
    client = Client()
    client.force_login(manager)
    cw_client = Client()
    cw_client.force_login(caseworker)

    def get(c, url):
        def run():
            response = c.get(url)
            assert response.status_code == 200, response.status_code

        return run

    rows = [
        ("grant page (10 entries)", get(client, reverse("funding:grant_detail", args=[grant.pk]))),
        ("overdue list, manager (all offices)", get(client, reverse("funding:visits_due"))),
        ("overdue list, caseworker (one office)", get(cw_client, reverse("funding:visits_due"))),
        ("grant list, manager", get(client, reverse("funding:grant_list"))),
        ("agreements page", get(client, reverse("funding:agreement_list"))),
    ]
    tranche = paid_grant.tranches.get()

    def record():
        return disbursement_record(
            grant=paid_grant,
            tranche=tranche,
            date=paid_grant.awarded_on,
            amount=Decimal("1.00"),
            method="cash",
            by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )

    print(f"{'what':<40} {'median ms':>10} {'queries':>8}")
    for label, fn in rows:
        median, queries = timed(fn, args.runs)
        print(f"{label:<40} {median:>10.1f} {queries:>8}")
    median, queries = timed(record, min(args.runs, 15))
    print(f"{'record a disbursement (service)':<40} {median:>10.1f} {queries:>8}")

    manager2 = User.objects.get(username="manager2")

    def approve():
        entry, _created = record()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            disbursement_approve(entry=entry, by=manager2)
            approve_times.append(((time.perf_counter() - t0) * 1000, len(ctx.captured_queries)))

    approve_times: list[tuple[float, int]] = []
    for _ in range(min(args.runs, 15) + 1):
        approve()
    median = statistics.median(t for t, _q in approve_times[1:])
    print(f"{'approve a disbursement (service)':<40} {median:>10.1f} {approve_times[-1][1]:>8}")


if __name__ == "__main__":
    main()
