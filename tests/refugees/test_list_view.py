"""The list: scope, search in both scripts, filters, sorting, constant query count."""

import datetime

import pytest
from django.urls import reverse

from core.models import City
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db
URL = reverse("refugees:list")


def _names(response) -> list[str]:
    return [r.full_name_latin for r in response.context["page_obj"]]


def test_it_lists_only_the_caseworkers_office(client_for, caseworker, rabat_refugee, oujda_refugee):
    response = client_for(caseworker).get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Amina Haddad"]
    assert "Jean Ngoma" not in response.content.decode()


def test_it_lists_every_office_for_a_manager(client_for, manager, rabat_refugee, oujda_refugee):
    assert set(_names(client_for(manager).get(URL))) == {"Amina Haddad", "Jean Ngoma"}


@pytest.mark.parametrize("persona", ["partner_unhcr", "committee_member"])
def test_it_refuses_partners_and_committee(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


@pytest.mark.parametrize("query", ["amina", "HADDAD", "أمينة", "امينه", "RAB-18C", "0612345678", "612 34"])
def test_it_searches_names_in_both_scripts_numbers_and_phones(client_for, caseworker, rabat_refugee, query):
    RefugeeFactory(
        office=rabat_refugee.office,
        first_name_latin="Zed",
        last_name_latin="Other",
        unhcr_individual_number="CAS-20A00001",
    )
    response = client_for(caseworker).get(URL, {"q": query})
    assert "Amina Haddad" in _names(response)
    assert "Zed Other" not in _names(response) or query == "RAB-18C"


def test_it_finds_mohammed_when_searching_mohamed(client_for, caseworker, office_rabat):
    RefugeeFactory(office=office_rabat, first_name_latin="Muhammad", last_name_latin="Idriss")
    assert _names(client_for(caseworker).get(URL, {"q": "mohamed"})) == ["Muhammad Idriss"]
    assert _names(client_for(caseworker).get(URL, {"q": "محمد"})) == ["Muhammad Idriss"]


def test_it_filters_and_sorts(client_for, manager, office_rabat, office_oujda):
    RefugeeFactory(
        office=office_rabat,
        first_name_latin="A",
        last_name_latin="Young",
        sex="M",
        date_of_birth=datetime.date(2010, 1, 1),
        nationality="YE",
        legal_status="asylum_seeker",
    )
    RefugeeFactory(
        office=office_oujda, first_name_latin="B", last_name_latin="Adult", sex="F", city=City.objects.get(slug="oujda")
    )
    client = client_for(manager)
    assert _names(client.get(URL, {"sex": "M"})) == ["A Young"]
    assert _names(client.get(URL, {"age": "12-17"})) == ["A Young"]
    assert _names(client.get(URL, {"nationality": "YE"})) == ["A Young"]
    assert _names(client.get(URL, {"legal_status": "asylum_seeker"})) == ["A Young"]
    assert _names(client.get(URL, {"office": office_oujda.pk})) == ["B Adult"]
    oriental = City.objects.get(slug="oujda").region_id
    assert _names(client.get(URL, {"region": oriental})) == ["B Adult"]
    assert _names(client.get(URL, {"status": "registered", "sort": "-name"})) == ["A Young", "B Adult"]
    assert _names(client.get(URL, {"sort": "name"})) == ["B Adult", "A Young"]


def test_it_ignores_bad_filter_values_without_error(client_for, manager, rabat_refugee):
    response = client_for(manager).get(URL, {"sex": "X", "age": "nope", "office": "abc", "page": "999"})
    assert response.status_code == 200
    # A NUL byte is refused before the list (core.security.middleware): a 400 with a message.
    assert client_for(manager).get(URL, {"q": "\x00"}).status_code == 400


def test_it_keeps_a_constant_query_count(client_for, manager, office_rabat, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    # Names that match "a" on both pages: a page that shows nobody writes no view-log row
    # (random names made this test depend on whether the search found anyone).
    RefugeeFactory.create_batch(3, office=office_rabat, first_name_latin="Amal")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "a"})
    RefugeeFactory.create_batch(30, office=office_rabat, first_name_latin="Amal")
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "a", "sort": "-intake"})
    assert response.status_code == 200
    assert len(many) == len(few)


def test_it_caps_the_count_of_a_huge_result(client_for, manager, office_rabat, monkeypatch):
    from refugees import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 3)
    RefugeeFactory.create_batch(5, office=office_rabat)
    response = client_for(manager).get(URL)
    assert response.context["page_obj"].paginator.count == 3
    assert "data-capped" in response.content.decode()
    RefugeeFactory._meta.model.objects.filter(
        pk__in=list(RefugeeFactory._meta.model.objects.values_list("pk", flat=True)[:3])
    ).delete()
    assert "data-capped" not in client_for(manager).get(URL).content.decode()


@pytest.mark.parametrize("cap", [3, 1000])
def test_a_search_is_sorted_by_name_whether_broad_or_narrow(client_for, manager, office_rabat, monkeypatch, cap):
    """Broad searches (count at the cap) walk the name index, narrow ones sort the matches:
    the user sees the same order either way."""
    from refugees import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", cap)
    for last in ["Zaki", "Amrani", "Mansour", "Haddad", "Bennani"]:
        RefugeeFactory(office=office_rabat, first_name_latin="Mohamed", last_name_latin=last)
    for sort, expected in [("name", ["Amrani", "Bennani", "Haddad"]), ("-name", ["Zaki", "Mansour", "Haddad"])]:
        response = client_for(manager).get(URL, {"q": "mohamed", "sort": sort})
        names = [r.last_name_latin for r in response.context["page_obj"]]
        assert names[:3] == expected
