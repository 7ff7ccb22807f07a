"""The programme dashboard: figures, charts as tables, filters, and each role's remit."""

import datetime

import pytest
from django.urls import reverse

from reports.selectors import kaplan_meier
from tests.factories.core import make_user
from tests.factories.refugees import RefugeeFactory
from tests.factories.reports import agreement, financed_project, visit

pytestmark = pytest.mark.django_db
Q = {"start": "2019-01-01", "end": "2019-12-31"}


@pytest.fixture
def funded(db):
    eu, japan = agreement("eu"), agreement("japan", currency="JPY", rate="0.090000")
    projects = []
    for n in range(8):
        members = [RefugeeFactory(first_name_latin=f"Secretname{n}", sex="F" if n < 6 else "M")]
        a = [japan] if n == 0 else [eu]
        projects.append(financed_project(datetime.date(2019, 1, 10 + n), members=members, agreements=a))
    for n, p in enumerate(projects):
        visit(p, 6, datetime.date(2019, 7, 20), status="closed" if n == 0 else "operating")
        if n > 1:
            visit(p, 12, datetime.date(2020, 1, 20), status="closed" if n == 2 else "operating")
    return projects


def test_it_shows_managers_exact_figures_with_tables_for_every_chart(client_for, manager, funded):
    response = client_for(manager).get(reverse("reports:dashboard"), Q)
    page = response.content.decode()
    for table in ("funnel-table", "money-table", "survival-table", "regions-table"):
        assert f'id="{table}"' in page
    assert "chart.umd.min.js" in page
    assert "Secretname" not in page
    data = response.context["data"]
    assert len(data["disbursements"]["series"]) == 2
    funnel = {s["code"]: s["value"] for s in data["funnel"]}
    assert funnel["projects_financed"] == 8
    assert funnel["operating_12m"] == 0  # no business is 12 months old on 2019-12-31


def test_it_suppresses_small_counts_for_partners_and_shows_a_donor_its_own_spend(client_for, funded):
    from core.roles import Role

    japan_officer = make_user(Role.PARTNER_OFFICER, username="partner.japan", partner_code="japan")
    response = client_for(japan_officer).get(reverse("reports:dashboard"), {"period": "2019"})
    page = response.content.decode()
    assert response.status_code == 200
    data = response.context["data"]
    assert [s["donor"] for s in data["disbursements"]["series"]] == [japan_officer.partner_organisation.acronym]
    assert (data["funnel"][0]["code"], data["funnel"][0]["value"]) == ("projects_financed", "<5")
    assert "&lt;5" in page
    assert "Secretname" not in page


def test_it_filters_by_office_sex_and_nationality(client_for, manager, funded):
    response = client_for(manager).get(reverse("reports:dashboard"), {**Q, "sex": "M", "nationality": "sy"})
    funnel = {s["code"]: s["value"] for s in response.context["data"]["funnel"]}
    assert funnel["projects_financed"] == 2


def test_it_estimates_survival_with_kaplan_meier(funded):
    curve = kaplan_meier(datetime.date(2020, 6, 30), {})
    # 8 businesses; month 6: 1 closure of 8; 1 censored at 6; month 12: 1 closure of 6
    assert curve[0] == {"month": 0, "survival": 100.0, "at_risk": 8}
    assert curve[1] == {"month": 6, "survival": 87.5, "at_risk": 8}
    assert curve[2] == {"month": 12, "survival": round(87.5 * 5 / 6, 1), "at_risk": 6}


def test_it_shows_partner_officers_headline_figures_at_home(client_for, partner_unhcr):
    """The home panel shows the partner's last complete period (a year by default)."""
    from reports.disclosure.calendar import latest_complete

    year = latest_complete("year").start.year
    for n in range(8):
        financed_project(datetime.date(year, 1, 10 + n), members=[RefugeeFactory()])
    page = client_for(partner_unhcr).get(reverse("home")).content.decode()
    assert 'id="headline-figures"' in page
    assert '<td class="text-end">8</td>' in page
