"""Every screen: the allowed roles, the refused ones (403), and another office's object (404)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import FollowUpVisit
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db

REFUSED = ["committee_member", "partner_unhcr", "partner_anapec"]


@pytest.fixture
def paid_grant(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    return grant


def _urls(grant):
    entry = grant.disbursements.first()
    visit = FollowUpVisit.objects.filter(project=grant.project).first()
    return {
        "grant_list": reverse("funding:grant_list"),
        "grant_detail": reverse("funding:grant_detail", args=[grant.pk]),
        "disbursement_create": reverse("funding:disbursement_create", args=[grant.pk]),
        "disbursement_reverse": reverse("funding:disbursement_reverse", args=[entry.pk]),
        "visits_due": reverse("funding:visits_due"),
        "visit_edit": reverse("funding:visit_edit", args=[visit.pk]),
    }


@pytest.mark.parametrize(
    "name", ["grant_list", "grant_detail", "disbursement_create", "disbursement_reverse", "visits_due", "visit_edit"]
)
@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_staff_of_the_office_reach_the_screens(paid_grant, client_for, request, name, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_urls(paid_grant)[name]).status_code == 200


@pytest.mark.parametrize(
    "name", ["grant_list", "grant_detail", "disbursement_create", "disbursement_reverse", "visits_due", "visit_edit"]
)
@pytest.mark.parametrize("who", REFUSED)
def test_other_roles_are_refused(paid_grant, client_for, request, name, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_urls(paid_grant)[name]).status_code == 403


@pytest.mark.parametrize("name", ["grant_detail", "disbursement_create", "disbursement_reverse", "visit_edit"])
def test_a_caseworker_of_another_office_gets_404_by_changing_the_id(paid_grant, client_for, other_caseworker, name):
    assert client_for(other_caseworker).get(_urls(paid_grant)[name]).status_code == 404


def test_another_office_grant_is_not_listed(paid_grant, oujda_grant, client_for, caseworker, other_caseworker):
    body = client_for(caseworker).get(reverse("funding:grant_list")).content.decode()
    assert paid_grant.project.reference in body
    assert oujda_grant.project.reference not in body


@pytest.mark.parametrize("name", ["funding:approval_queue", "funding:agreement_list", "funding:grant_create"])
def test_manager_screens(client_for, manager, caseworker, committee_member, partner_unhcr, name, eu):
    assert client_for(manager).get(reverse(name)).status_code == 200
    for user in (caseworker, committee_member, partner_unhcr):
        assert client_for(user).get(reverse(name)).status_code == 403


def test_approve_and_reject_are_for_managers_only(grant, client_for, caseworker, other_caseworker, manager2):
    from funding.services import disbursement_record

    entry, _ = disbursement_record(
        grant=grant,
        tranche=grant.tranches.first(),
        date=datetime.date(2025, 7, 1),
        amount=Decimal("100.00"),
        method="cash",
        by=caseworker,
        idempotency_key="x1",
    )
    for name in ("funding:disbursement_approve", "funding:disbursement_reject"):
        assert client_for(other_caseworker).post(reverse(name, args=[entry.pk])).status_code == 403
    response = client_for(manager2).post(reverse("funding:disbursement_approve", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "approved"


def test_the_approval_screen_refuses_the_recorders_own_entry(grant, client_for, manager):
    from funding.services import disbursement_record

    entry, _ = disbursement_record(
        grant=grant,
        tranche=grant.tranches.first(),
        date=datetime.date(2025, 7, 1),
        amount=Decimal("100.00"),
        method="cash",
        by=manager,
        idempotency_key="x2",
    )
    client = client_for(manager)
    page = client.get(reverse("funding:approval_queue")).content.decode()
    assert "Recorded by you" in page or "Saisie par vous" in page
    response = client.post(reverse("funding:disbursement_approve", args=[entry.pk]), follow=True)
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert response.status_code == 200


def test_receipts_and_photos_are_access_checked(paid_grant, client_for, other_caseworker, committee_member, caseworker):
    entry = paid_grant.disbursements.first()
    url = reverse("funding:disbursement_receipt", args=[entry.pk])
    assert client_for(committee_member).get(url).status_code == 403
    assert client_for(other_caseworker).get(url).status_code == 404
    assert client_for(caseworker).get(url).status_code == 404  # no receipt attached
