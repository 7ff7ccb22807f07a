import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import FollowUpVisit
from tests.factories.funding import approved_project

pytestmark = pytest.mark.django_db


def _visit(project, days, status="scheduled", months=1):
    return FollowUpVisit.objects.create(
        project=project,
        months_after_funding=months,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        status=status,
    )


@pytest.fixture
def visits(office_rabat, office_oujda):
    rabat = approved_project(office=office_rabat, status="funded", members=0)
    oujda = approved_project(office=office_oujda, status="funded", members=0)
    return {
        "overdue": _visit(rabat, -10),
        "this_week": _visit(rabat, 5, months=3),
        "later": _visit(rabat, 30, months=6),
        "done": _visit(rabat, -40, status="cancelled", months=12),
        "oujda": _visit(oujda, -3),
    }


def _listed(client):
    response = client.get(reverse("funding:visits_due"))
    assert response.status_code == 200
    return {v.pk for v in response.context["page"]}


def test_a_caseworker_sees_the_overdue_and_this_week_visits_of_their_office(visits, client_for, caseworker):
    assert _listed(client_for(caseworker)) == {visits["overdue"].pk, visits["this_week"].pk}


def test_a_manager_sees_every_office(visits, client_for, manager):
    assert _listed(client_for(manager)) == {visits["overdue"].pk, visits["this_week"].pk, visits["oujda"].pk}


def test_overdue_visits_are_flagged(visits, client_for, caseworker):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    assert "overdue" in client.get(reverse("funding:visits_due")).content.decode()


def test_the_list_has_a_constant_query_count(office_rabat, client_for, manager, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    project = approved_project(office=office_rabat, status="funded", members=0)
    _visit(project, -1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("funding:visits_due"))
    for i in range(30):
        _visit(project, -i, months=i + 2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("funding:visits_due"))
    assert len(one.captured_queries) <= 10


def test_the_count_stops_at_the_cap_and_says_there_are_more(visits, client_for, manager, settings, monkeypatch):
    from funding import selectors

    settings.PAGINATE_BY = 1
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(selectors, "WORKLIST_COUNT_CAP", 2)
    page = client.get(reverse("funding:visits_due"))
    assert page.context["page"].paginator.capped
    assert "More than 2 results" in page.content.decode()
    # Sorted by due date: the first pages are the most urgent ones.
    assert [v.pk for v in page.context["page"]] == [visits["overdue"].pk]
    monkeypatch.setattr(selectors, "WORKLIST_COUNT_CAP", 3)
    page = client.get(reverse("funding:visits_due"))
    assert not page.context["page"].paginator.capped
    assert "3 results" in page.content.decode() and "More than" not in page.content.decode()
