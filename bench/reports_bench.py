"""Reports benchmark: each partner report's XLSX build time against the time of the raw
SQL it runs, and the programme dashboard's median server time.

    DATABASE_URL=postgres://... python manage.py seed_demo --scale 100   # the dataset
    DATABASE_URL=postgres://... python bench/reports_bench.py [--start 2018-02-01 --end 2026-12-31] [--repeat 5]

The "raw SQL time" replays, through a bare cursor, the exact statements the report
issued (captured on a first build): the ratio is what the Python side (ORM, labels,
suppression, openpyxl) adds on top of the database work.

The dashboard is timed three ways (see docs/reports.md "Dashboard: how it stays fast"):
a page load through the test client as users get it (cached per scope, filters and data
version), the same load with the cache emptied before each request (computed from the
current derived facts), and the data computed from the records alone (what a load costs
right after a write, before the facts are refreshed).
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
from reports.facts import facts_refresh, facts_state  # noqa: E402
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
    rebuilt = facts_refresh()
    print(f"facts refresh: {time.perf_counter() - t0:.2f} s ({'rebuilt' if rebuilt else 'already current'})")
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
    assert facts_state() is not None
    print(
        f"dashboard median server time, cache emptied before each load (from the facts): "
        f"{1000 * statistics.median(uncached):.0f} ms (n={len(uncached)})"
    )
    scope = {"filters": {}, "suppressed": False, "donor": None}
    records = []
    for _ in range(max(1, min(3, args.repeat))):
        t0 = time.perf_counter()
        selectors._dashboard(start=start, end=end, filters={}, scope=scope, facts=None)
        records.append(time.perf_counter() - t0)
    print(
        f"dashboard data from the records alone (facts out of date): "
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


if __name__ == "__main__":
    main()
