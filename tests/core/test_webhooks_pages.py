"""The webhooks' pages: each owner registers and manages its own endpoints, sees its
secret once, reads its delivery log; another organisation's endpoint is a 404, a role
without webhooks a 403; the retry button is a POST with CSRF."""

import pytest
from django.test import Client

from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories.core import partner
from tests.factories.webhooks import endpoint

pytestmark = pytest.mark.django_db
URL = "https://93.184.216.34/hook"


def test_it_registers_a_programme_endpoint_and_shows_the_secret_once(client_for, manager):
    client = client_for(manager)
    form = client.get("/webhooks/new/").content.decode()
    assert "visit.overdue" in form
    response = client.post(
        "/webhooks/new/", {"owner": "programme", "url": URL, "events": ["visit.overdue", "report_run.done"]}
    )
    ep = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and ep.partner is None and ep.created_by == manager
    assert ep.events == ["report_run.done", "visit.overdue"]
    first = client.get(f"/webhooks/{ep.pk}/").content.decode()
    assert ep.secret in first
    assert ep.secret not in client.get(f"/webhooks/{ep.pk}/").content.decode()


def test_a_partner_officer_registers_for_its_organisation_only(client_for, partner_unhcr):
    client = client_for(partner_unhcr)
    assert "visit.overdue" not in client.get("/webhooks/new/").content.decode()
    anapec = partner("anapec")
    client.post("/webhooks/new/", {"owner": str(anapec.pk), "url": URL, "events": ["report_run.done"]})
    assert not WebhookEndpoint.objects.exists()  # not one of its choices
    response = client.post(
        "/webhooks/new/", {"owner": str(partner_unhcr.partner_organisation_id), "url": URL, "events": ["visit.overdue"]}
    )
    assert response.status_code == 400 and not WebhookEndpoint.objects.exists()
    client.post(
        "/webhooks/new/",
        {"owner": str(partner_unhcr.partner_organisation_id), "url": URL, "events": ["report_run.done"]},
    )
    assert WebhookEndpoint.objects.get().partner_id == partner_unhcr.partner_organisation_id


def test_another_organisations_endpoint_and_deliveries_are_404(
    client_for, partner_unhcr, partner_anapec, manager, admin_user
):
    ep, _secret = endpoint(partner_unhcr, URL, ["report_run.done"], partner=partner("unhcr"))
    event = WebhookEvent.objects.create(kind="report_run.done", key="k", body="{}")
    delivery = WebhookDelivery.objects.create(endpoint=ep, event=event, status="failed", attempts=6)
    for user in (partner_anapec, manager):
        client = client_for(user)
        assert ep.url not in client.get("/webhooks/").content.decode()
        for url in (f"/webhooks/{ep.pk}/", f"/webhooks/{ep.pk}/edit/", f"/webhooks/{ep.pk}/delete/"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/webhooks/{ep.pk}/secret/").status_code == 404
        assert client.post(f"/webhooks/deliveries/{delivery.pk}/retry/").status_code == 404
    assert client_for(admin_user).get(f"/webhooks/{ep.pk}/").status_code == 200
    programme, _secret = endpoint(manager, URL, ["visit.overdue"])
    assert client_for(admin_user).get(f"/webhooks/{programme.pk}/").status_code == 404
    assert client_for(partner_unhcr).get(f"/webhooks/{programme.pk}/").status_code == 404


def test_a_role_without_webhooks_is_refused(client_for, caseworker):
    assert client_for(caseworker).get("/webhooks/").status_code == 403
    assert client_for(caseworker).get("/webhooks/new/").status_code == 403


def test_it_changes_rotates_and_deletes(client_for, manager):
    ep, secret = endpoint(manager, URL, ["report_run.done"])
    client = client_for(manager)
    response = client.post(
        f"/webhooks/{ep.pk}/edit/", {"url": URL + "2", "events": ["report_run.signed_off"], "description": "BI"}
    )
    assert response.status_code == 302
    ep.refresh_from_db()
    assert (ep.url, ep.events, ep.description, ep.is_active) == (URL + "2", ["report_run.signed_off"], "BI", False)
    client.post(f"/webhooks/{ep.pk}/secret/")
    ep.refresh_from_db()
    assert ep.secret != secret and ep.secret in client.get(f"/webhooks/{ep.pk}/").content.decode()
    assert client.post(f"/webhooks/{ep.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_the_retry_button_needs_the_csrf_token(manager):
    ep, _secret = endpoint(manager, URL, ["report_run.done"])
    event = WebhookEvent.objects.create(kind="report_run.done", key="k", body="{}")
    delivery = WebhookDelivery.objects.create(endpoint=ep, event=event, status="failed", attempts=6)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(f"/webhooks/deliveries/{delivery.pk}/retry/").status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "failed"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_pages_are_translated(client_for, manager, lang):
    ep, _secret = endpoint(manager, URL, ["report_run.done"])
    client = client_for(manager)
    client.cookies["django_language"] = lang
    page = client.get(f"/webhooks/{ep.pk}/").content.decode()
    assert "Delivery log" not in page
