"""Create and edit through the form: normalisation, UNHCR uniqueness, scope, history."""

import pytest
from django.urls import reverse

from refugees.models import Refugee

pytestmark = pytest.mark.django_db
CREATE = reverse("refugees:create")


def test_it_registers_a_person_with_normalised_values(client_for, caseworker, valid_post):
    response = client_for(caseworker).post(CREATE, valid_post)
    refugee = Refugee.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("refugees:detail", args=[refugee.pk])
    assert refugee.unhcr_individual_number == "RAB-25C00042"
    assert refugee.phone == "+212612345678"
    assert refugee.name_key == "mohamed halabi"
    assert refugee.birth_year == 1988
    assert refugee.office == caseworker.office
    assert refugee.region == refugee.city.region
    assert refugee.languages == ["ar", "fr"]
    assert refugee.history.get().history_user == caseworker


def test_it_forces_a_caseworkers_own_office(client_for, caseworker, valid_post, office_oujda):
    client_for(caseworker).post(CREATE, {**valid_post, "office": office_oujda.pk})
    assert Refugee.objects.get().office == caseworker.office


def test_it_lets_a_manager_choose_the_office(client_for, manager, valid_post, office_oujda):
    client_for(manager).post(CREATE, {**valid_post, "office": office_oujda.pk})
    assert Refugee.objects.get().office == office_oujda


@pytest.mark.parametrize("persona", ["partner_unhcr", "committee_member"])
def test_it_refuses_the_form_to_other_roles(request, client_for, persona, valid_post):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, valid_post).status_code == 403
    assert not Refugee.objects.exists()


def test_it_refuses_a_known_unhcr_number_with_a_link(client_for, caseworker, valid_post, rabat_refugee):
    response = client_for(caseworker).post(
        CREATE, {**valid_post, "unhcr_individual_number": "rab18c" + rabat_refugee.unhcr_individual_number[-5:]}
    )
    assert response.status_code == 200
    assert reverse("refugees:detail", args=[rabat_refugee.pk]) in response.content.decode()
    assert Refugee.objects.count() == 1


def test_it_refuses_a_number_from_another_office_without_a_link(
    client_for, other_caseworker, valid_post, rabat_refugee
):
    response = client_for(other_caseworker).post(
        CREATE, {**valid_post, "unhcr_individual_number": rabat_refugee.unhcr_individual_number}
    )
    body = response.content.decode()
    assert "another office" in body or "autre bureau" in body
    assert reverse("refugees:detail", args=[rabat_refugee.pk]) not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unhcr_individual_number", "12345"),
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", "1850-01-01"),
        ("household_size", "-3"),
        ("phone", "12"),
        ("first_name_latin", "محمد"),
        ("first_name_ar", "Mohamed"),
        ("last_name_latin", '=HYPERLINK("http://x")'),
        ("intake_date", "2017-01-01"),
    ],
)
def test_it_explains_bad_values_next_to_the_field(client_for, caseworker, valid_post, field, value):
    response = client_for(caseworker).post(CREATE, {**valid_post, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Refugee.objects.exists()


def test_it_edits_in_scope_and_records_the_change(client_for, caseworker, manager, rabat_refugee, valid_post):
    url = reverse("refugees:edit", args=[rabat_refugee.pk])
    post = {
        **valid_post,
        "unhcr_individual_number": rabat_refugee.unhcr_individual_number,
        "first_name_latin": "Amina",
        "last_name_latin": "Haddad",
        "first_name_ar": "",
        "last_name_ar": "",
        "household_size": "6",
    }
    response = client_for(caseworker).post(url, post)
    assert response.status_code == 302
    rabat_refugee.refresh_from_db()
    assert rabat_refugee.household_size == 6
    latest = rabat_refugee.history.first()
    assert latest.history_user == caseworker
    assert latest.prev_record.household_size == 1


def test_it_hides_another_offices_profile_from_the_editor(client_for, other_caseworker, rabat_refugee, valid_post):
    url = reverse("refugees:edit", args=[rabat_refugee.pk])
    client = client_for(other_caseworker)
    assert client.get(url).status_code == 404
    assert client.post(url, valid_post).status_code == 404


def test_it_refuses_the_edit_page_to_a_partner(client_for, partner_unhcr, rabat_refugee):
    assert client_for(partner_unhcr).get(reverse("refugees:edit", args=[rabat_refugee.pk])).status_code == 403
