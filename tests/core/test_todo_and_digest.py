"""The to-do of every role (home page, /todo/, the navigation's badge) and its daily
e-mail digest (once per user and day, in the user's language, links and counts only,
turned off by the user; through a real Celery worker in one test)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.digest import send_daily_digests
from core.models import DigestSent
from funding.models import FollowUpVisit
from funding.services import disbursement_record
from tests.factories.funding import approved_project, awarded_grant
from tests.factories.reports import done_run

pytestmark = pytest.mark.django_db


def _pending_payment(grant, by):
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.order_by("number").first(),
        date=datetime.date(2025, 7, 1),
        amount=Decimal("1000.00"),
        method="bank_transfer",
        by=by,
        idempotency_key=uuid.uuid4().hex,
    )
    return entry


@pytest.fixture
def world(office_rabat, office_oujda, manager, manager2, caseworker):
    grant = awarded_grant(project=approved_project(office=office_rabat), by=manager)
    _pending_payment(grant, manager2)  # awaits `manager`
    _pending_payment(grant, manager)  # their own: never in their to-do
    today = timezone.localdate()
    for days, office in ((-3, office_rabat), (2, office_rabat), (30, office_rabat), (2, office_oujda)):
        FollowUpVisit.objects.create(
            project=grant.project if office == office_rabat else approved_project(office=office),
            due_date=today + datetime.timedelta(days=days),
        )
    done_run(by=manager)  # awaits sign-off
    return grant


def _lines(response) -> dict[str, int]:
    return {line.key: line.count for line in response.context["todo"]["lines"]}


def test_the_manager_sees_the_payments_awaiting_them_never_their_own(client_for, manager, manager2, world):
    assert _lines(client_for(manager).get(reverse("todo"))) == {"payments_to_approve": 1, "reports_to_sign_off": 1}
    assert _lines(client_for(manager2).get(reverse("todo")))["payments_to_approve"] == 1


def test_the_caseworker_sees_the_visits_of_their_office_due_this_week_and_overdue(client_for, caseworker, world):
    response = client_for(caseworker).get(reverse("todo"))
    assert _lines(response) == {"visits_overdue": 1, "visits_due": 1}
    assert reverse("funding:visits_due") in response.content.decode()


def test_the_home_page_lists_the_to_do_with_links(client_for, manager, world):
    html = client_for(manager).get(reverse("home")).content.decode()
    assert 'data-todo="payments_to_approve"' in html
    assert reverse("funding:approval_queue") in html


def test_the_navigation_badge_counts_everything(client_for, manager, world):
    response = client_for(manager).get(reverse("todo"), {"badge": "1"}, HTTP_HX_REQUEST="true")
    assert 'id="todo-badge">2<' in response.content.decode()


def test_the_to_do_makes_a_constant_number_of_queries(client_for, manager, manager2, world):
    client = client_for(manager)
    client.get(reverse("todo"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("todo"))
    for _ in range(5):
        _pending_payment(world, manager2)
    with CaptureQueriesContext(connection) as many:
        assert _lines(client.get(reverse("todo")))["payments_to_approve"] == 6
    assert len(many) == len(few) <= 10


def test_the_digest_is_sent_once_a_day_in_the_users_language(manager, world, settings):
    settings.SITE_URL = "https://sanad.example"
    manager.email, manager.language = "manager@example.org", "ar"
    manager.save()
    assert send_daily_digests() >= 1
    assert send_daily_digests() == 0  # a second run the same day sends nothing
    sent = [m for m in mail.outbox if m.to == ["manager@example.org"]]
    assert len(sent) == 1
    assert "https://sanad.example" + reverse("funding:approval_queue") in sent[0].body
    assert sent[0].subject == "سند: ما ينتظرك اليوم"  # in the user's language
    assert DigestSent.objects.filter(user=manager).count() == 1
    # another day: a new digest
    assert send_daily_digests(day=timezone.localdate() + datetime.timedelta(days=1)) >= 1


def test_a_user_turns_the_digest_off(client_for, manager, world):
    manager.email = "manager@example.org"
    manager.save()
    response = client_for(manager).post(reverse("reminder_settings"), {"language": "fr"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.daily_digest is False
    send_daily_digests()
    assert not [m for m in mail.outbox if m.to == ["manager@example.org"]]


def test_nothing_to_do_no_mail(caseworker):
    caseworker.email = "cw@example.org"
    caseworker.save()
    assert send_daily_digests() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_task_sends_through_a_real_worker(celery_live_worker, office_rabat, manager, manager2, settings):
    grant = awarded_grant(project=approved_project(office=office_rabat), by=manager)
    _pending_payment(grant, manager2)
    manager.email = "manager@example.org"
    manager.save()
    result = celery_live_worker.send_task("core.tasks.send_daily_digests")
    assert result.get(timeout=30) >= 1
    assert DigestSent.objects.filter(user=manager, day=timezone.localdate()).exists()
