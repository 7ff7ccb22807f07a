"""Lists of named people write a view-log row per person shown: the search results, the
duplicate warning of the profile form and the import preview's candidates; one insert per
page, so the list's query count does not grow with the people on it."""

import datetime

import pytest
from django.urls import reverse

from refugees.models import ProfileView
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import URL as IMPORT
from tests.refugees.importing import csv_upload
from tests.refugees.test_import import HEADER

pytestmark = pytest.mark.django_db
LIST = ProfileView.What.LIST


@pytest.fixture
def existing(office_rabat):
    return RefugeeFactory(
        office=office_rabat,
        first_name_latin="Mohamed",
        last_name_latin="Al Halabi",
        date_of_birth=datetime.date(1988, 11, 20),
        unhcr_individual_number="RAB-19C00001",
    )


def _logged(user, page):
    return list(ProfileView.objects.filter(user=user, page=page, what=LIST).values_list("refugee_id", flat=True))


def test_it_logs_each_person_of_the_search_results_once(client_for, caseworker, office_rabat, office_oujda):
    shown = RefugeeFactory.create_batch(3, office=office_rabat, last_name_latin="Kabongo")
    RefugeeFactory(office=office_oujda, last_name_latin="Kabongo")  # another office: not shown, not logged
    response = client_for(caseworker).get(reverse("refugees:list"), {"q": "Kabongo"})
    assert response.status_code == 200
    assert sorted(_logged(caseworker, "refugees:list")) == sorted(r.pk for r in shown)


def test_it_logs_only_the_page_shown(client_for, manager, office_rabat, settings):
    RefugeeFactory.create_batch(settings.PAGINATE_BY + 3, office=office_rabat)
    client_for(manager).get(reverse("refugees:list"))
    assert len(_logged(manager, "refugees:list")) == settings.PAGINATE_BY


def test_the_duplicate_warning_logs_the_candidates_it_shows(client_for, caseworker, valid_post, existing):
    response = client_for(caseworker).post(reverse("refugees:create"), valid_post)
    assert [c["refugee"] for c in response.context["candidates"]] == [existing]
    assert _logged(caseworker, "refugees:create") == [existing.pk]


def test_the_duplicate_warning_logs_no_candidate_it_hides(client_for, other_caseworker, valid_post, existing):
    """A candidate of another office shows only its office: nothing identifying, no row."""
    response = client_for(other_caseworker).post(reverse("refugees:create"), valid_post)
    assert response.context["candidates"][0]["visible"] is False
    assert _logged(other_caseworker, "refugees:create") == []


def test_the_import_preview_logs_the_registered_people_it_names(client_for, caseworker, existing, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    row = "RAB-25C10009,Mohammed,Al Halabi,,,M,1988-04-02,SY,refugee,rabat,,1,unhcr,2025-11-02,rabat"
    response = client_for(caseworker).post(IMPORT, {"file": csv_upload(HEADER, row)})
    assert response.status_code == 200
    assert response.context["result"].flagged_rows
    assert existing.full_name_latin in response.content.decode()
    assert _logged(caseworker, "refugees:import") == [existing.pk]
