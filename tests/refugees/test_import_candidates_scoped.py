"""The import preview names a registered look-alike only to a user who may open it, as
the profile form does: a look-alike of another office shows only its office and is not
logged as shown. A flagged row names its first 12 look-alikes and counts the rest (a
common name has thousands in a big registry); the confirmation still covers them all."""

import datetime

import pytest

from refugees.models import DuplicateConfirmation, ProfileView, Refugee
from refugees.selectors import CANDIDATES_SHOWN
from tests.factories.refugees import RefugeeFactory
from tests.refugees.importing import CONFIRM, URL, csv_upload, preview_token
from tests.refugees.test_import_candidates_read_once import HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_root")]

ROW = "RAB-25C30001,Mohammed,Haddad,M,1988-03-02,SY,refugee,rabat,unhcr,2025-11-02"


def _look_alike(office, day: int, first: str = "Mohamed"):
    return RefugeeFactory(
        office=office, first_name_latin=first, last_name_latin="Haddad", date_of_birth=datetime.date(1988, 1, day)
    )


def _logged(user) -> set[int]:
    return set(
        ProfileView.objects.filter(user=user, page="refugees:import", what=ProfileView.What.LIST).values_list(
            "refugee_id", flat=True
        )
    )


def test_a_look_alike_of_another_office_shows_only_its_office(client_for, caseworker, office_rabat, office_oujda):
    mine = _look_alike(office_rabat, 1)
    theirs = _look_alike(office_oujda, 2, first="Mohamad")
    response = client_for(caseworker).post(URL, {"file": csv_upload(HEADER, ROW)})
    (row,) = response.context["result"].flagged_rows
    assert {c.pk: c.visible for c in row.candidates} == {mine.pk: True, theirs.pk: False}
    page = response.content.decode()
    assert "Mohamed Haddad" in page and "Mohamad Haddad" not in page
    assert office_oujda.name in page
    assert _logged(caseworker) == {mine.pk}


def test_a_programme_manager_sees_every_office_s_look_alikes(client_for, manager, office_rabat, office_oujda):
    mine, theirs = _look_alike(office_rabat, 1), _look_alike(office_oujda, 2, first="Mohamad")
    response = client_for(manager).post(URL, {"file": csv_upload(HEADER, ROW)})
    page = response.content.decode()
    assert "Mohamed Haddad" in page and "Mohamad Haddad" in page
    assert _logged(manager) == {mine.pk, theirs.pk}


def test_it_names_the_first_look_alikes_counts_the_rest_and_confirms_them_all(client_for, caseworker, office_rabat):
    people = [_look_alike(office_rabat, 1 + n) for n in range(CANDIDATES_SHOWN + 3)]
    client = client_for(caseworker)
    response = client.post(URL, {"file": csv_upload(HEADER, ROW)})
    (row,) = response.context["result"].flagged_rows
    assert len(row.candidates) == CANDIDATES_SHOWN and row.candidates_more == 3
    assert len(row.duplicate_ids) == CANDIDATES_SHOWN + 3
    page = response.content.decode()
    assert page.count("data-candidate=") == CANDIDATES_SHOWN
    assert 'data-candidates-more="3"' in page
    assert _logged(caseworker) == {c.pk for c in row.candidates}

    done = client.post(CONFIRM, {"token": preview_token(response), "confirm_different": "on"})
    assert done.status_code == 302
    new = Refugee.objects.get(unhcr_individual_number="RAB-25C30001")
    confirmed = set(DuplicateConfirmation.objects.filter(refugee=new).values_list("other_id", flat=True))
    assert confirmed == {p.pk for p in people}
