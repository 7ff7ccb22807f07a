"""What an event carries (an allow-list, never a person's name or number), who gets it (a
partner its own runs, never visit.overdue), once, never for a change rolled back; and
where a webhook may go (https, public addresses only)."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.webhooks import addresses
from core.webhooks.events import EVENTS, check_data
from core.webhooks.forms import EndpointForm
from core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from core.webhooks.services import endpoint_create
from funding.models import FollowUpVisit
from funding.services import visits_emit_overdue
from reports.services import report_run_sign_off
from tests.factories.core import partner
from tests.factories.reports import done_run
from tests.factories.webhooks import endpoint

pytestmark = pytest.mark.django_db


def test_report_run_events_carry_exactly_the_allowed_keys(
    manager, partner_unhcr, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint(partner_unhcr, webhook_receiver.url, ["report_run.signed_off"], partner=partner("unhcr"))
    run = done_run("unhcr", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        report_run_sign_off(run=run, by=manager)
    body = json.loads(webhook_receiver.calls[0].body)
    assert set(body) == {"id", "type", "created_at", "data"}
    assert set(body["data"]) == EVENTS["report_run.signed_off"].keys
    assert manager.last_name not in webhook_receiver.calls[0].body.decode()


def test_an_event_with_a_key_outside_its_allow_list_is_refused():
    with pytest.raises(ValueError):
        check_data("visit.overdue", {"visit_id": 1, "refugee_name": "x"})
    with pytest.raises(ValueError):
        check_data("no.such.event", {})


def test_a_partner_gets_its_own_runs_only(manager, partner_unhcr, partner_anapec, django_capture_on_commit_callbacks):
    unhcr, _s = endpoint(partner_unhcr, "https://93.184.216.34/u", ["report_run.signed_off"], partner=partner("unhcr"))
    _anapec, _s = endpoint(
        partner_anapec, "https://93.184.216.34/a", ["report_run.signed_off"], partner=partner("anapec")
    )
    programme, _s = endpoint(manager, "https://93.184.216.34/p", ["report_run.signed_off"])
    run = done_run("unhcr", by=manager)
    with django_capture_on_commit_callbacks(execute=False):
        report_run_sign_off(run=run, by=manager)
    assert set(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == {unhcr.pk, programme.pk}


def test_visit_overdue_is_not_offered_to_a_partner(partner_unhcr, manager):
    form = EndpointForm(owners=[partner("unhcr")])
    assert "visit.overdue" not in dict(form.fields["events"].choices)
    assert "visit.overdue" in dict(EndpointForm(owners=[None]).fields["events"].choices)
    with pytest.raises(ValidationError):
        endpoint_create(
            by=partner_unhcr, partner=partner("unhcr"), url="https://93.184.216.34/", events=["visit.overdue"]
        )


def test_overdue_visits_go_to_the_programme_once_with_no_name(manager, partner_unhcr, office_rabat):
    from tests.factories.projects import BusinessProjectFactory, ProjectMemberFactory
    from tests.factories.refugees import RefugeeFactory

    programme, _s = endpoint(manager, "https://93.184.216.34/p", ["visit.overdue"])
    # a partner endpoint forced to list visit.overdue still gets nothing
    forced = WebhookEndpoint.objects.create(
        partner=partner("unhcr"), url="https://93.184.216.34/u", events=["visit.overdue"], secret="s"
    )
    refugee = RefugeeFactory(office=office_rabat)
    project = BusinessProjectFactory(office=office_rabat, created_by=manager)
    ProjectMemberFactory(project=project, refugee=refugee)
    today = datetime.date(2026, 6, 10)
    new = FollowUpVisit.objects.create(
        project=project, due_date=today - datetime.timedelta(days=1), months_after_funding=3
    )
    FollowUpVisit.objects.create(project=project, due_date=today - datetime.timedelta(days=30))  # long overdue
    FollowUpVisit.objects.create(project=project, due_date=today)  # due today: not overdue
    assert visits_emit_overdue(today=today) == 1
    assert visits_emit_overdue(today=today) == 0
    event = WebhookEvent.objects.get(kind="visit.overdue")
    body = json.loads(event.body)
    assert set(body["data"]) == EVENTS["visit.overdue"].keys
    assert body["data"]["visit_id"] == new.pk and body["data"]["due_date"] == "2026-06-09"
    for word in (refugee.unhcr_individual_number, refugee.first_name_latin, refugee.last_name_latin):
        assert word and word not in event.body
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [programme.pk]
    assert not forced.deliveries.exists()


def test_nothing_is_sent_for_a_change_rolled_back(manager, webhook_receiver, django_capture_on_commit_callbacks):
    endpoint(manager, webhook_receiver.url, ["report_run.signed_off"])
    run = done_run("unhcr", by=manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                report_run_sign_off(run=run, by=manager)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
    assert not webhook_receiver.calls


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/",  # not https
        "ftp://93.184.216.34/",
        "https://user:pw@93.184.216.34/",
        "https://10.0.0.1/",
        "https://192.168.1.10/",
        "https://172.16.0.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://[::1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://0.0.0.0/",
        "https://100.64.0.1/",
        "not a url",
    ],
)
def test_it_refuses_what_is_not_a_public_https_address(settings, url):
    settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        addresses.check(url)


def test_loopback_only_when_the_setting_allows_it(settings):
    settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK = True
    assert addresses.check("http://127.0.0.1:8080/x")
    assert addresses.check("https://localhost/x")
    with pytest.raises(ValidationError):
        addresses.check("http://10.0.0.1/")  # private stays refused
    assert addresses.check("https://93.184.216.34/hook")


def test_the_form_refuses_a_private_address(client_for, manager, settings):
    settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK = False
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/webhooks/new/", {"owner": "programme", "url": "https://10.0.0.1/hook", "events": ["report_run.done"]}
    )
    assert response.status_code == 400
    assert "private or internal" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_address_refused_at_send_time_is_not_called(
    settings, manager, webhook_receiver, django_capture_on_commit_callbacks
):
    ep, _secret = endpoint(manager, webhook_receiver.url, ["report_run.signed_off"])
    settings.SANAD_WEBHOOKS_ALLOW_LOOPBACK = False  # e.g. the name now resolves to a private address
    run = done_run("unhcr", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        report_run_sign_off(run=run, by=manager)
    delivery = ep.deliveries.get()
    assert delivery.status == "failed" and delivery.attempts == 1 and delivery.last_error  # not retried
    assert not webhook_receiver.calls
