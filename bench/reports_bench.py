"""Reports benchmark: each partner report's XLSX build time against the time of the raw
SQL it runs, and the programme dashboard's median server time.

    DATABASE_URL=postgres://... python manage.py seed_demo --scale 100   # the dataset
    DATABASE_URL=postgres://... python bench/reports_bench.py [--start 2018-02-01 --end 2026-12-31] [--repeat 5]

The "raw SQL time" replays, through a bare cursor, the exact statements the report
issued (captured on a first build): the ratio is what the Python side (ORM, labels,
suppression, openpyxl) adds on top of the database work.

The dashboard is timed (see docs/reports.md "Dashboard: how it stays fast"): a page load
through the test client as users get it (cached per scope, filters and data version); the
same load with the cache emptied before each request (computed from the derived facts),
also for two past periods and each filter of the form; a programme in use: a write through
the services (a visit recorded, or a payment recorded and approved by a second manager),
then a load, which misses the cache and first brings the written project's facts up to
date; and, for comparison, the data computed from the records alone (what a load cost
before the facts were kept up to date write by write). It writes a few visits and 1 MAD
payments into the benchmark database.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.models import User  # noqa: E402
from core.roles import Role  # noqa: E402
from reports import selectors  # noqa: E402
from reports.facts import facts_current, facts_refresh  # noqa: E402
from reports.generators import reports  # noqa: E402
from reports.services import build_report_bytes  # noqa: E402

PARTNER = {"donor": "eu"}


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def raw_sql_time(queries) -> float:
    with connection.cursor() as cur:
        t0 = time.perf_counter()
        for q in queries:
            cur.execute(q["sql"])
            cur.fetchall()
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", default="2018-02-01")
    parser.add_argument("--end", default="2026-12-31")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dashboard-only", action="store_true", help="skip the report builds")
    args = parser.parse_args()
    start, end = datetime.date.fromisoformat(args.start), datetime.date.fromisoformat(args.end)
    print(f"period {start}..{end}; database {connection.settings_dict['NAME']}")
    print(f"{'report':<10} {'xlsx build (s)':>15} {'raw SQL (s)':>12} {'ratio':>7} {'queries':>8}")
    for generator in [] if args.dashboard_only else reports.all():
        code = generator.code

        def build(code=code):
            return build_report_bytes(code=code, start=start, end=end, fmt="xlsx", partner=PARTNER.get(code))

        with CaptureQueriesContext(connection) as ctx:
            build()
        queries = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        build_s = statistics.median(timed(build) for _ in range(args.repeat))
        sql_s = statistics.median(raw_sql_time(queries) for _ in range(args.repeat))
        print(f"{code:<10} {build_s:>15.3f} {sql_s:>12.3f} {build_s / sql_s:>7.2f} {len(queries):>8}")

    manager = User.objects.filter(groups__name=Role.PROGRAMME_MANAGER).first()
    if manager is None:
        print("no programme manager: run seed_demo first")
        return
    client = Client()
    client.force_login(manager)
    url = reverse("reports:dashboard")
    params = {"start": args.start, "end": args.end}
    t0 = time.perf_counter()
    drift = facts_refresh()
    print(f"facts rebuild: {time.perf_counter() - t0:.2f} s (drift found: {drift})")
    client.get(url, params)  # warm up

    def page_times(*, clear_cache: bool) -> list[float]:
        times = []
        for _ in range(max(5, args.repeat)):
            if clear_cache:
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(url, params, HTTP_HOST="localhost")
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        return times

    cached = page_times(clear_cache=False)
    print(f"dashboard median server time: {1000 * statistics.median(cached):.0f} ms (n={len(cached)}, cached)")
    uncached = page_times(clear_cache=True)
    assert facts_current() is not None
    print(
        f"dashboard median server time, cache emptied before each load (from the facts): "
        f"{1000 * statistics.median(uncached):.0f} ms (n={len(uncached)})"
    )
    for label, variant in variants(params).items():
        times = []
        for _ in range(max(5, args.repeat)):
            cache.clear()
            t0 = time.perf_counter()
            assert client.get(url, variant, HTTP_HOST="localhost").status_code == 200
            times.append(time.perf_counter() - t0)
        print(f"  cache emptied, {label}: median {1000 * statistics.median(times):.0f} ms (n={len(times)})")
    writes, loads = in_use(client, url, params, n=max(6, 2 * args.repeat))
    print(
        f"programme in use, a load right after each write: median {1000 * statistics.median(loads):.0f} ms, "
        f"max {1000 * max(loads):.0f} ms (n={len(loads)}); the writes took median "
        f"{1000 * statistics.median(writes):.0f} ms with the facts' upkeep"
    )
    scope = {"filters": {}, "suppressed": False, "donor": None}
    records = []
    for _ in range(max(1, min(3, args.repeat))):
        t0 = time.perf_counter()
        selectors._dashboard(start=start, end=end, filters={}, scope=scope, facts=None)
        records.append(time.perf_counter() - t0)
    print(
        f"dashboard data from the records alone (no facts): "
        f"{1000 * statistics.median(records):.0f} ms (n={len(records)})"
    )
    officer = User.objects.filter(groups__name=Role.PARTNER_OFFICER, partner_organisation__code="unhcr").first()
    if officer is not None:
        client.force_login(officer)
        client.get(reverse("home"))  # warm up
        home = []
        for _ in range(max(5, args.repeat)):
            t0 = time.perf_counter()
            assert client.get(reverse("home"), HTTP_HOST="localhost").status_code == 200
            home.append(time.perf_counter() - t0)
        cache.clear()
        t0 = time.perf_counter()
        client.get(reverse("home"), HTTP_HOST="localhost")
        cold = time.perf_counter() - t0
        print(
            f"partner officer home page: median {1000 * statistics.median(home):.0f} ms (n={len(home)}, cached); "
            f"{1000 * cold:.0f} ms with the cache emptied (from the facts)"
        )


def variants(params: dict) -> dict[str, dict]:
    """Other loads users make: a past period (survival times then come partly from the
    visits), and each filter of the form."""
    from core.models import Office

    office = Office.objects.filter(code__isnull=False).order_by("pk").first()
    region = office.city.region.code if office else ""
    return {
        "the EU agreement's period 2018-02..2020-01": {"start": "2018-02-01", "end": "2020-01-31"},
        "a past period 2021-01..2023-06": {"start": "2021-01-01", "end": "2023-06-30"},
        f"office {office.code if office else ''}": {**params, "office": office.code if office else ""},
        f"region {region}": {**params, "region": region},
        "women": {**params, "sex": "F"},
        "nationality SY": {**params, "nationality": "SY"},
    }


def in_use(client, url, params, *, n: int) -> tuple[list[float], list[float]]:
    """``n`` rounds of a write through the services, then a dashboard load (the write moved
    the data version: the load misses the cache). Visits and 1 MAD payments alternate."""
    import uuid
    from decimal import Decimal

    from django.utils import timezone

    from funding.models import Disbursement, FollowUpVisit, Grant
    from funding.services import disbursement_approve, disbursement_record, visit_record

    today = timezone.localdate()
    caseworker = User.objects.filter(groups__name=Role.CASEWORKER).first()
    recorder, approver = User.objects.filter(groups__name=Role.PROGRAMME_MANAGER)[:2]
    bench = {"project__reference__startswith": "BEN-"}
    visits = FollowUpVisit.objects.filter(status="scheduled", due_date__lte=today, **bench)
    grants = Grant.objects.filter(kind="startup", paid_mad__lt=20000, **bench)
    data = {"done_on": today, "mode": "phone", "business_status": "operating", "monthly_revenue": Decimal("4000.00")}
    data |= {"verdict": "satisfactory", "observations": "", "recommendations": ""}
    writes, loads = [], []
    for i in range(n):
        if i % 2 == 0:
            visit = visits.order_by("?").first()  # chosen before the clock starts
            t0 = time.perf_counter()
            visit_record(visit=visit, by=caseworker, data=data)
        else:
            grant = grants.order_by("?").first()
            t0 = time.perf_counter()
            entry, _ = disbursement_record(
                grant=grant,
                tranche=None,
                date=today,
                amount=Decimal("1.00"),
                method=Disbursement.Method.BANK_TRANSFER,
                by=recorder,
                idempotency_key=f"bench-in-use-{uuid.uuid4()}",
            )
            disbursement_approve(entry=entry, by=approver)
        writes.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assert client.get(url, params, HTTP_HOST="localhost").status_code == 200
        loads.append(time.perf_counter() - t0)
    return writes, loads


if __name__ == "__main__":
    main()
