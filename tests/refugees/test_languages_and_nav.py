"""The registry speaks Arabic (RTL) and French, and appears in the navigation of staff only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "text"), [("ar", "اللاجئون"), ("fr", "Réfugiés")])
def test_the_list_is_translated(client_for, caseworker, rabat_refugee, lang, text, settings):
    client = client_for(caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    body = client.get(reverse("refugees:list")).content.decode()
    assert text in body
    if lang == "ar":
        assert 'dir="rtl"' in body


def test_a_form_error_is_translated(client_for, caseworker, valid_post, settings):
    client = client_for(caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.post(reverse("refugees:create"), {**valid_post, "date_of_birth": "2999-01-01"})
    assert "هذا التاريخ في المستقبل." in response.content.decode()


def test_staff_see_the_refugees_menu_and_partners_do_not(client_for, caseworker, partner_unhcr):
    assert 'data-nav="refugees"' in client_for(caseworker).get("/").content.decode()
    assert 'data-nav="refugees"' not in client_for(partner_unhcr).get("/").content.decode()
