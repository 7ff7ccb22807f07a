"""Caseworkers (and managers) add an extra, unscheduled follow-up visit to a financed
project of their office: the normal visit form; the visit counts like any other (it can
release a tranche waiting for a satisfactory visit). Other roles 403, other office 404."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Disbursement, FollowUpVisit
from funding.services import disbursement_record
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_grant(grant, caseworker, manager2):
    paid(grant, amount="20000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    return grant


def _data(**kw):
    data = {
        "done_on": "2025-07-20",
        "mode": "phone",
        "business_status": "operating",
        "monthly_revenue": "3900.00",
        "monthly_costs": "2100.00",
        "jobs_refugee_women": "1",
        "jobs_refugee_men": "0",
        "jobs_moroccan_women": "0",
        "jobs_moroccan_men": "0",
        "observations": "Called after the market moved.",
        "recommendations": "",
        "verdict": "satisfactory",
        "ap-TOTAL_FORMS": "1",
        "ap-INITIAL_FORMS": "0",
        "ap-MIN_NUM_FORMS": "0",
        "ap-MAX_NUM_FORMS": "1000",
        "ap-0-description": "Send the new lease",
        "ap-0-owner": "Lead member",
        "ap-0-due_date": "2025-08-01",
    }
    data.update(kw)
    return data


def _url(grant):
    return reverse("funding:visit_add_extra", args=[grant.project_id])


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_staff_of_the_office_add_an_extra_visit_that_releases_the_gated_tranche(
    paid_grant, client_for, request, who, caseworker
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(_url(paid_grant)).status_code == 200
    response = client.post(_url(paid_grant), _data())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("funding:grant_detail", args=[paid_grant.pk])
    extra = FollowUpVisit.objects.get(project=paid_grant.project, months_after_funding=None)
    assert (extra.status, extra.verdict, extra.visitor, extra.done_on) == (
        "done",
        "satisfactory",
        user,
        datetime.date(2025, 7, 20),
    )
    assert extra.action_points.get().description == "Send the new lease"
    # Five scheduled visits stay as planned; the extra one counts for the tranche gate.
    assert FollowUpVisit.objects.filter(project=paid_grant.project, status="scheduled").count() == 5
    entry, created = disbursement_record(
        grant=paid_grant,
        tranche=paid_grant.tranches.get(number=2),
        date=datetime.date(2025, 7, 21),
        amount=Decimal("10000.00"),
        method="cash",
        by=caseworker,
        idempotency_key=uuid.uuid4().hex,
    )
    assert created and entry.status == Disbursement.Status.PENDING


@pytest.mark.parametrize("who", ["committee_member", "partner_unhcr", "partner_anapec"])
def test_other_roles_are_refused(paid_grant, client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url(paid_grant)).status_code == 403
    assert client.post(_url(paid_grant), _data()).status_code == 403
    assert not FollowUpVisit.objects.filter(months_after_funding=None).exists()


def test_a_caseworker_of_another_office_gets_404(paid_grant, client_for, other_caseworker):
    client = client_for(other_caseworker)
    assert client.get(_url(paid_grant)).status_code == 404
    assert client.post(_url(paid_grant), _data()).status_code == 404
    assert not FollowUpVisit.objects.filter(months_after_funding=None).exists()


def test_a_project_without_a_grant_gets_404(client_for, caseworker, rabat_project):
    assert client_for(caseworker).get(reverse("funding:visit_add_extra", args=[rabat_project.pk])).status_code == 404


def test_bad_input_saves_nothing(paid_grant, client_for, caseworker):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(_url(paid_grant), _data(done_on="2025-06-20"))  # before the first payment
    assert response.status_code == 200
    assert "before the first payment" in response.content.decode()
    response = client.post(_url(paid_grant), _data(monthly_revenue="-5"))
    assert "cannot be negative" in response.content.decode()
    assert not FollowUpVisit.objects.filter(months_after_funding=None).exists()


def test_the_grant_page_and_the_due_list_offer_the_extra_visit(paid_grant, client_for, caseworker):
    FollowUpVisit.objects.filter(project=paid_grant.project, months_after_funding=1).update(
        due_date=timezone.localdate()
    )
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    for url in (reverse("funding:grant_detail", args=[paid_grant.pk]), reverse("funding:visits_due")):
        body = client.get(url).content.decode()
        assert _url(paid_grant) in body and "Add an extra visit" in body


def test_the_extra_visit_form_has_a_constant_query_count(
    paid_grant, client_for, caseworker, django_assert_max_num_queries
):
    client = client_for(caseworker)
    with django_assert_max_num_queries(12):
        assert client.get(_url(paid_grant)).status_code == 200
