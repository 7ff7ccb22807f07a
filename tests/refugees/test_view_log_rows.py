"""A page's view-log rows (``log_shown``: one ``INSERT ... SELECT FROM unnest`` on
PostgreSQL) are the rows ``record_shown`` creates through the ORM: each person once, who,
what, which page, when; none for nobody; one statement whatever their number."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from refugees.models import ProfileView
from refugees.viewlog import log_shown, record_shown
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db
FIELDS = ("refugee_id", "user_id", "what", "page")


def request_to(path: str, user):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def test_the_rows_are_those_the_orm_writes(caseworker, office_rabat):
    people = RefugeeFactory.create_batch(3, office=office_rabat)
    before = timezone.now()
    shown = [people[0], people[1].pk, people[2], people[0], None]  # instances, ids, twice, none
    with CaptureQueriesContext(connection) as queries:
        written = log_shown(request_to("/refugees/", caseworker), shown, what=ProfileView.What.LIST)
    assert written == 3 and len(queries.captured_queries) == 1
    rows = list(ProfileView.objects.order_by("refugee_id").values(*FIELDS, "viewed_at"))
    assert all(before <= row.pop("viewed_at") <= timezone.now() for row in rows)
    ProfileView.objects.all().delete()
    record_shown(by=caseworker, people=shown, what=ProfileView.What.LIST, page="refugees:list")
    assert rows == list(ProfileView.objects.order_by("refugee_id").values(*FIELDS))
    assert {row["page"] for row in rows} == {"refugees:list"}


def test_nobody_shown_writes_nothing(caseworker):
    with CaptureQueriesContext(connection) as queries:
        assert log_shown(request_to("/refugees/", caseworker), [], what=ProfileView.What.LIST) == 0
        assert log_shown(request_to("/refugees/", caseworker), None, what=ProfileView.What.LIST) == 0
    assert queries.captured_queries == [] and not ProfileView.objects.exists()


def test_a_request_without_a_url_name_logs_an_empty_page(caseworker, office_rabat):
    person = RefugeeFactory(office=office_rabat)
    request = RequestFactory().get("/nowhere/")
    request.user = caseworker
    assert log_shown(request, person, what=ProfileView.What.PROFILE) == 1
    row = ProfileView.objects.get()
    assert (row.refugee_id, row.user_id, row.what, row.page) == (person.pk, caseworker.pk, "profile", "")
