"""Consent: recorded with who and when, withdrawn, and respected by the partner export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from core.models import PartnerOrganisation
from refugees.models import Consent
from refugees.selectors import refugees_sharing_with

pytestmark = pytest.mark.django_db


def _share(client, refugee, partner_code="unhcr", given_on="2025-05-01"):
    partner = PartnerOrganisation.objects.get(code=partner_code)
    return client.post(
        reverse("refugees:consent_add", args=[refugee.pk]),
        {"purpose": "share_identifiable", "partner": partner.pk, "given_on": given_on, "notes": ""},
    )


def test_it_records_a_sharing_consent(client_for, caseworker, rabat_refugee):
    assert _share(client_for(caseworker), rabat_refugee).status_code == 302
    consent = Consent.objects.get()
    assert consent.recorded_by == caseworker
    assert consent.partner.code == "unhcr"
    assert consent.history.get().history_user == caseworker


def test_it_requires_a_partner_for_sharing(client_for, caseworker, rabat_refugee):
    response = client_for(caseworker).post(
        reverse("refugees:consent_add", args=[rabat_refugee.pk]),
        {"purpose": "share_identifiable", "partner": "", "given_on": "2025-05-01"},
    )
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors


def test_it_refuses_a_future_consent(client_for, caseworker, rabat_refugee):
    assert _share(client_for(caseworker), rabat_refugee, given_on="2999-01-01").status_code == 200
    assert not Consent.objects.exists()


def test_it_refuses_consents_out_of_scope(client_for, other_caseworker, partner_unhcr, rabat_refugee):
    assert _share(client_for(other_caseworker), rabat_refugee).status_code == 404
    assert _share(client_for(partner_unhcr), rabat_refugee).status_code == 403


def test_a_withdrawal_removes_the_person_from_the_partner_export_at_once(
    client_for, caseworker, manager, rabat_refugee
):
    _share(client_for(caseworker), rabat_refugee)
    unhcr = PartnerOrganisation.objects.get(code="unhcr")
    assert list(refugees_sharing_with(unhcr)) == [rabat_refugee]
    manager_client = client_for(manager)
    export = reverse("refugees:partner_export", args=["unhcr"])
    rows = list(csv.reader(io.StringIO(manager_client.get(export).content.decode())))
    assert [r[0] for r in rows[1:]] == [rabat_refugee.unhcr_individual_number]
    consent = Consent.objects.get()
    client = client_for(caseworker)
    response = client.post(
        reverse("refugees:consent_withdraw", args=[rabat_refugee.pk, consent.pk]),
        {"withdrawn_on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_recorded_by == caseworker
    assert list(refugees_sharing_with(unhcr)) == []
    rows = list(csv.reader(io.StringIO(client_for(manager).get(export).content.decode())))
    assert rows[1:] == []


def test_it_refuses_a_withdrawal_before_the_consent(client_for, caseworker, rabat_refugee):
    _share(client_for(caseworker), rabat_refugee)
    consent = Consent.objects.get()
    response = client_for(caseworker).post(
        reverse("refugees:consent_withdraw", args=[rabat_refugee.pk, consent.pk]), {"withdrawn_on": "2020-01-01"}
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_the_export_names_only_that_partners_consents(client_for, caseworker, manager, rabat_refugee):
    _share(client_for(caseworker), rabat_refugee, partner_code="anapec")
    assert list(refugees_sharing_with(PartnerOrganisation.objects.get(code="unhcr"))) == []


def test_the_partner_export_is_for_managers_only(client_for, caseworker, partner_unhcr):
    url = reverse("refugees:partner_export", args=["unhcr"])
    assert client_for(caseworker).get(url).status_code == 403
    assert client_for(partner_unhcr).get(url).status_code == 403


def test_the_partner_export_neutralises_formulas(client_for, caseworker, manager, rabat_refugee):
    from refugees.models import Refugee

    Refugee.objects.filter(pk=rabat_refugee.pk).update(previous_occupation="x", last_name_latin="=HYPERLINK(1)")
    _share(client_for(caseworker), rabat_refugee)
    body = client_for(manager).get(reverse("refugees:partner_export", args=["unhcr"])).content.decode()
    assert "'=HYPERLINK(1)" in body
