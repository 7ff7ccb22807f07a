"""The dashboard and the partner home panel are cached per scope, filters and data
version: a new record shows on the next load, and a cached load costs a few queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.facts import facts_refresh
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, visit

pytestmark = pytest.mark.django_db
Q = {"start": "2019-01-01", "end": "2019-12-31"}


@pytest.fixture
def funded(db):
    eu = agreement("eu")
    projects = [
        financed_project(datetime.date(2019, 2, 1 + n), members=[RefugeeFactory()], agreements=[eu]) for n in range(6)
    ]
    for p in projects:
        visit(p, 6, datetime.date(2019, 8, 10))
    return projects


def financed(response) -> int:
    return {s["code"]: s["value"] for s in response.context["data"]["funnel"]}["projects_financed"]


def test_it_shows_a_new_financed_project_on_the_next_load(client_for, manager, funded):
    client = client_for(manager)
    assert financed(client.get(reverse("reports:dashboard"), Q)) == 6
    financed_project(datetime.date(2019, 3, 3))
    assert financed(client.get(reverse("reports:dashboard"), Q)) == 7


def test_it_shows_a_new_record_from_the_facts_on_the_next_load(client_for, manager, funded):
    client = client_for(manager)
    facts_refresh()
    assert financed(client.get(reverse("reports:dashboard"), Q)) == 6
    project = financed_project(datetime.date(2019, 3, 3))
    with CaptureQueriesContext(connection) as ctx:
        assert financed(client.get(reverse("reports:dashboard"), Q)) == 7
    assert any("reports_projectfacts" in q["sql"] for q in ctx.captured_queries)  # not the records fallback
    visit(project, 6, datetime.date(2019, 9, 3), status="closed")
    survival = client.get(reverse("reports:dashboard"), {**Q, "end": "2020-06-30"}).context["data"]["survival"]
    assert survival[1] == {"month": 6, "survival": round(100 * 6 / 7, 1), "at_risk": 7}


def test_it_bumps_the_version_once_more_when_the_writing_transaction_commits(db, django_capture_on_commit_callbacks):
    from reports.caching import bump_data_version, data_version

    before = data_version()
    with django_capture_on_commit_callbacks() as callbacks:
        financed_project(datetime.date(2019, 3, 3))
    assert data_version() > before
    assert [c for c in callbacks if c is bump_data_version] == [bump_data_version]  # once per transaction


DATA_TABLES = ("funding_", "refugees_refugee", "projects_", "reports_projectfacts", "reports_ledgerquarter")


def data_queries(ctx) -> list[str]:
    """Queries on the records or facts, other than reading the cache key's version."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if any(t in q["sql"] for t in DATA_TABLES) and "reports_data_version" not in q["sql"]
    ]


@pytest.mark.parametrize("fresh_facts", [False, True])
def test_it_caches_the_dashboard_per_filters(client_for, manager, funded, fresh_facts, django_assert_max_num_queries):
    client = client_for(manager)
    if fresh_facts:
        facts_refresh()
    with django_assert_max_num_queries(30):
        client.get(reverse("reports:dashboard"), Q)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), Q)
    assert financed(response) == 6
    assert len(ctx) <= 10  # session, user, roles, the filter form's offices and regions
    assert data_queries(ctx) == []
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), {**Q, "sex": "M"})
    assert data_queries(ctx) != []  # other filters: computed, not served from the first entry


def test_the_partner_home_panel_uses_the_cache_and_shows_new_records(client_for, partner_unhcr):
    """The panel shows the partner's last complete period (a year by default)."""
    from reports.disclosure.calendar import latest_complete

    year = latest_complete("year").start.year
    eu = agreement("eu")
    for n in range(6):
        financed_project(datetime.date(year, 2, 1 + n), members=[RefugeeFactory()], agreements=[eu])
    client = client_for(partner_unhcr)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("home")).content.decode()
    assert data_queries(ctx) == []
    assert '<td class="text-end">6</td>' in page
    financed_project(datetime.date(year, 3, 3), members=[RefugeeFactory()])
    page = client.get(reverse("home")).content.decode()
    assert '<td class="text-end">7</td>' in page


def test_it_shows_refugees_imported_in_bulk(client_for, manager, funded):
    """The import writes with bulk_create (no post_save) and says so with a signal."""
    from refugees.importing import import_commit, validate_import

    client = client_for(manager)
    before = client.get(reverse("reports:dashboard"), Q).context["data"]["regions"]["totals"][0]
    office = funded[0].office
    header = (
        "unhcr_individual_number,first_name_latin,last_name_latin,sex,date_of_birth,"
        "nationality,legal_status,city,intake_date,office,referral_source"
    )
    rows = [
        f"BLK-19C{n:05d},{name},Importee,F,199{n}-01-0{n + 1},SY,refugee,"
        f"{office.city.slug},2019-05-0{n + 1},{office.code},unhcr"
        for n, name in enumerate(["Amina", "Chantal", "Bintou"])
    ]
    result = validate_import(user=manager, content="\n".join([header, *rows]).encode(), ext="csv")
    assert result.valid, [row.errors for row in result.error_rows]
    import_commit(user=manager, result=result, confirm_different=True)
    after = client.get(reverse("reports:dashboard"), Q).context["data"]["regions"]["totals"][0]
    assert after == before + 3
