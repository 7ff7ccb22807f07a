"""The member picker: a caseworker finds people by name in either script (the registry's
search) and adds two members with the picker's buttons, no UNHCR number typed."""

import pytest
from django.urls import reverse

from projects.models import ProjectMember
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hamwis(office_rabat, office_oujda):
    return {
        "ahmed": RefugeeFactory(
            office=office_rabat,
            first_name_latin="Ahmed",
            last_name_latin="Al-Hamwi",
            first_name_ar="أحمد",
            last_name_ar="الحموي",
        ),
        "fatima": RefugeeFactory(
            office=office_rabat,
            first_name_latin="Fatima",
            last_name_latin="Al Hamwi",
            first_name_ar="فاطمة",
            last_name_ar="الحموي",
        ),
        "oujda": RefugeeFactory(office=office_oujda, first_name_latin="Omar", last_name_latin="Hamwi"),
    }


def test_it_offers_the_people_of_the_office_by_name_in_either_script(client_for, caseworker, draft, hamwis):
    url = reverse("projects:member_picker", args=[draft.pk])
    for query in ("hamwi", "الحموي", "Ahmed Hamwi"):
        response = client_for(caseworker).get(url, {"q": query}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        offered = {r.pk for r in response.context["results"]}
        assert hamwis["ahmed"].pk in offered
        assert hamwis["oujda"].pk not in offered  # another office: never offered
    html = client_for(caseworker).get(url, {"q": "hamwi"}).content.decode()
    assert f'name="refugee" value="{hamwis["fatima"].pk}"' in html


def test_it_adds_two_members_through_the_picker(client_for, caseworker, draft, hamwis):
    client = client_for(caseworker)
    add = reverse("projects:member_add", args=[draft.pk])
    r1 = client.post(add, {"refugee": ["", str(hamwis["ahmed"].pk)], "is_lead": "on", "share_percent": "60"})
    r2 = client.post(add, {"refugee": [str(hamwis["fatima"].pk), ""], "share_percent": "40"})
    assert (r1.status_code, r2.status_code) == (302, 302)
    assert set(ProjectMember.objects.filter(project=draft).values_list("refugee_id", flat=True)) == {
        hamwis["ahmed"].pk,
        hamwis["fatima"].pk,
    }
    # a member already in the project is no longer offered
    response = client.get(reverse("projects:member_picker", args=[draft.pk]), {"q": "hamwi"})
    assert list(response.context["results"]) == []


def test_a_person_of_another_office_cannot_be_added_by_id(client_for, caseworker, draft, hamwis):
    response = client_for(caseworker).post(
        reverse("projects:member_add", args=[draft.pk]), {"refugee": str(hamwis["oujda"].pk), "share_percent": "50"}
    )
    assert response.status_code == 400
    assert not ProjectMember.objects.filter(project=draft).exists()


def test_nothing_picked_nor_typed_says_what_to_do(client_for, caseworker, draft, english_messages):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("projects:member_add", args=[draft.pk]), {"share_percent": "50"})
    assert response.status_code == 400
    assert "Pick a person by name or type their UNHCR number." in response.content.decode()


def test_the_picker_is_refused_to_other_roles(client_for, committee_member, other_caseworker, draft):
    url = reverse("projects:member_picker", args=[draft.pk])
    assert client_for(committee_member).get(url, {"q": "ab"}).status_code == 403
    assert client_for(other_caseworker).get(url, {"q": "ab"}).status_code == 404
