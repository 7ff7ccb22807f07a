"""Benchmark: the project list, a project page and a committee agenda at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench \\
        .venv/bin/python bench/projects_bench.py --projects 40000

Creates (once, tagged BENCH-) N projects with two members and three budget lines each,
a feasibility study, and a committee sitting with 20 projects on its agenda scored by
three members; then prints the median server time and query count of each page
(Django test client, so no network). Run it on a scratch database: it migrates it.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SANAD_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BATCH = 2000


def build(n: int) -> None:
    from core import demo as core_demo
    from core.models import City, Office, User
    from projects.models import (
        AgendaItem,
        BudgetLine,
        BusinessProject,
        CommitteeSitting,
        FeasibilityStudy,
        ProjectMember,
        ProjectStatus,
        Score,
        ScoringCriterion,
    )
    from refugees.models import Refugee

    core_demo.seed(stdout=sys.stdout, options={})
    have = BusinessProject.objects.filter(reference__startswith="BENCH-").count()
    if have >= n:
        return
    office = Office.objects.get(code="rabat")
    city = City.objects.get(slug="rabat")
    user = User.objects.get(username="caseworker")
    statuses = [s for s in ProjectStatus.values if s != ProjectStatus.UNDER_REVIEW]
    for start in range(have, n, BATCH):
        stop = min(n, start + BATCH)
        refugees = Refugee.objects.bulk_create(
            Refugee(
                unhcr_individual_number=f"BEN-{i // 100000:02d}B{i % 100000:05d}",
                first_name_latin=f"First{i}",
                last_name_latin=f"Last{i}",
                sex="F" if i % 2 else "M",
                nationality="SY",
                legal_status="refugee",
                referral_source="unhcr",
                intake_date=datetime.date(2025, 1, 1),
                office=office,
            )
            for i in range(start * 2, stop * 2)
        )
        projects = BusinessProject.objects.bulk_create(
            BusinessProject(
                reference=f"BENCH-{i:06d}",
                title=f"Bench project {i}",
                activity="Shop",
                sector="retail",
                legal_form="individual",
                city=city,
                region=city.region,
                office=office,
                created_by=user,
                status=statuses[i % len(statuses)],
                own_contribution=Decimal("500.00"),
            )
            for i in range(start, stop)
        )
        ProjectMember.objects.bulk_create(
            ProjectMember(project=p, refugee=refugees[k * 2 + j], is_lead=j == 0, share_percent=50, is_active=False)
            for k, p in enumerate(projects)
            for j in range(2)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(project=p, category="equipment", description=f"Line {j}", quantity=2, unit_cost=1000 + j)
            for p in projects
            for j in range(3)
        )
        FeasibilityStudy.objects.bulk_create(
            FeasibilityStudy(
                project=p,
                market="m",
                competition="c",
                expected_monthly_revenue=1,
                expected_monthly_costs=1,
                opinion="favourable",
            )
            for p in projects
        )
        print(f"  {stop} projects", flush=True)
    members = list(User.objects.filter(username__in=["committee.chair", "committee", "committee2"]))
    sitting = CommitteeSitting.objects.create(date=datetime.date(2026, 5, 5), chair=members[0], quorum=2)
    sitting.members.set(members)
    criteria = list(ScoringCriterion.objects.filter(is_active=True))
    for order, p in enumerate(BusinessProject.objects.filter(reference__startswith="BENCH-")[:20], start=1):
        item = AgendaItem.objects.create(sitting=sitting, project=p, order=order)
        Score.objects.bulk_create(Score(item=item, member=m, criterion=c, value=7) for m in members for c in criteria)


def measure(client: Client, url: str, runs: int = 15) -> tuple[float, int]:
    client.get(url)  # warm up
    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=40000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    build(args.projects)

    from core.models import User
    from projects.models import BusinessProject, CommitteeSitting

    manager = User.objects.get(username="manager")
    chair = User.objects.get(username="committee.chair")
    project = BusinessProject.objects.filter(reference__startswith="BENCH-").order_by("pk").last()
    sitting = CommitteeSitting.objects.filter(agenda__project__reference__startswith="BENCH-").distinct().last()
    c_manager, c_chair = Client(), Client()
    c_manager.force_login(manager)
    c_chair.force_login(chair)
    total = BusinessProject.objects.count()
    print(f"\n{total} projects in the database")
    print(f"{'page':<28}{'median ms':>10}{'queries':>9}")
    for label, client, url in [
        ("project list (page 1)", c_manager, "/projects/"),
        ("project list (page 400)", c_manager, "/projects/?page=400"),
        ("project list (status filter)", c_manager, "/projects/?status=funded"),
        ("project page", c_manager, f"/projects/{project.pk}/"),
        ("committee agenda", c_chair, f"/projects/committee/{sitting.pk}/"),
    ]:
        ms, queries = measure(client, url)
        print(f"{label:<28}{ms:>10.1f}{queries:>9}")


if __name__ == "__main__":
    main()
