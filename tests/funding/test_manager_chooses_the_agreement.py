"""A payment is split across the grant's agreements automatically (the default, explained
on the form); a programme manager may instead charge it whole to one agreement, which
needs room in its share and its amount and the payment date within its period. The
choice is kept on the entry and its allocation; the four eyes are unchanged."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from funding.models import Disbursement, FundingAgreement
from funding.services import disbursement_approve, disbursement_record
from tests.factories.funding import agreement_with_rates, awarded_grant

pytestmark = pytest.mark.django_db
PAY_DAY = datetime.date(2025, 7, 1)
PERIOD = {"start_date": datetime.date(2024, 1, 1), "end_date": datetime.date(2027, 12, 31)}


@pytest.fixture
def swiss(db):
    return agreement_with_rates(
        code="switzerland",
        reference="CH-T-01",
        currency="CHF",
        amount=Decimal("50000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("11.200000"))],
        **PERIOD,
    )


@pytest.fixture
def japan(db):
    return agreement_with_rates(
        code="japan",
        reference="JP-T-01",
        currency="JPY",
        amount=Decimal("9000000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("0.066000"))],
        **PERIOD,
    )


@pytest.fixture
def two_share_grant(rabat_project, swiss, japan, manager):
    """30,000 MAD: 20,000 on the Swiss agreement, 10,000 on the Japanese one."""
    return awarded_grant(
        project=rabat_project,
        by=manager,
        amount=Decimal("30000.00"),
        shares=[(swiss, "20000.00"), (japan, "10000.00")],
    )


def _form(client, grant):
    page = client.get(reverse("funding:disbursement_create", args=[grant.pk]))
    return page, {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "tranche": grant.tranches.get().pk,
        "date": PAY_DAY.isoformat(),
        "amount": "6000.00",
        "method": "bank_transfer",
    }


def _record(grant, by, *, amount="6000.00", paid_from=None, date=PAY_DAY):
    entry, _created = disbursement_record(
        grant=grant,
        tranche=grant.tranches.get(),
        date=date,
        amount=Decimal(amount),
        method="cash",
        by=by,
        idempotency_key=uuid.uuid4().hex,
        paid_from=paid_from,
    )
    return entry


def test_the_form_explains_the_automatic_split_and_offers_the_choice_to_a_manager(two_share_grant, client_for, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    page, _data = _form(client, two_share_grant)
    body = page.content.decode()
    assert "split across the grant's agreements in proportion to their shares" in body
    assert "CH-T-01" in body and "JP-T-01" in body
    field = page.context["form"].fields["paid_from"]
    assert set(field.queryset.values_list("reference", flat=True)) == {"CH-T-01", "JP-T-01"}
    assert 'name="paid_from"' in body


def test_a_caseworker_sees_the_explanation_but_not_the_choice(two_share_grant, client_for, caseworker):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    page, data = _form(client, two_share_grant)
    assert "paid_from" not in page.context["form"].fields
    assert "A programme manager may instead charge a payment to one of them." in page.content.decode()
    swiss = FundingAgreement.objects.get(reference="CH-T-01")
    client.post(reverse("funding:disbursement_create", args=[two_share_grant.pk]), {**data, "paid_from": swiss.pk})
    assert Disbursement.objects.get().paid_from is None  # the field is not theirs: ignored


def test_the_automatic_split_stays_the_default(two_share_grant, client_for, manager, manager2):
    client = client_for(manager)
    _page, data = _form(client, two_share_grant)
    response = client.post(reverse("funding:disbursement_create", args=[two_share_grant.pk]), data)
    assert response.status_code == 302
    entry = Disbursement.objects.get()
    assert entry.paid_from is None
    disbursement_approve(entry=entry, by=manager2)
    split = {a.agreement.reference: a.amount_mad for a in entry.allocations.select_related("agreement")}
    assert split == {"CH-T-01": Decimal("4000.00"), "JP-T-01": Decimal("2000.00")}


def test_a_manager_pays_a_tranche_from_one_agreement(two_share_grant, client_for, manager, manager2, japan):
    client = client_for(manager)
    _page, data = _form(client, two_share_grant)
    response = client.post(
        reverse("funding:disbursement_create", args=[two_share_grant.pk]), {**data, "paid_from": japan.pk}
    )
    assert response.status_code == 302
    entry = Disbursement.objects.get()
    assert entry.paid_from == japan
    with pytest.raises(PermissionDenied):  # four eyes, unchanged
        disbursement_approve(entry=entry, by=manager)
    disbursement_approve(entry=entry, by=manager2)
    (allocation,) = entry.allocations.all()
    assert (allocation.agreement, allocation.amount_mad) == (japan, Decimal("6000.00"))
    assert allocation.amount_currency == Decimal("90909.09")  # 6000 / 0.066 JPY
    japan.refresh_from_db()
    assert japan.spent_mad == Decimal("6000.00")
    share = two_share_grant.funding.get(agreement=japan)
    assert share.paid_mad == Decimal("6000.00")


def test_the_ledger_and_the_queue_say_where_the_payment_is_charged(two_share_grant, client_for, manager, japan):
    _record(two_share_grant, manager, paid_from=japan)
    _record(two_share_grant, manager)
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    for url in (reverse("funding:grant_detail", args=[two_share_grant.pk]), reverse("funding:approval_queue")):
        body = client.get(url).content.decode()
        assert "Paid from agreement JP-T-01 (chosen by a manager)" in body
        assert "Split automatically across the grant" in body


def test_an_agreement_without_room_in_its_share_is_refused(two_share_grant, manager, japan):
    with pytest.raises(ValidationError) as exc:
        _record(two_share_grant, manager, amount="12000.00", paid_from=japan)
    assert exc.value.error_dict["paid_from"][0].messages == [
        "Agreement JP-T-01 has 10,000.00 MAD left of its share of this grant (10,000.00 MAD): it cannot pay "
        "12,000.00 MAD alone. Leave the automatic split, or choose another agreement."
    ]
    assert not Disbursement.objects.exists()


def test_pending_payments_from_the_same_agreement_count(two_share_grant, manager, japan):
    _record(two_share_grant, manager, amount="7000.00", paid_from=japan)
    with pytest.raises(ValidationError, match=r"3,000\.00 MAD left"):
        _record(two_share_grant, manager, amount="4000.00", paid_from=japan)


def test_an_agreement_short_of_its_own_amount_is_refused(rabat_project, manager, db):
    tight = agreement_with_rates(
        code="monaco",
        reference="MC-TIGHT",
        amount=Decimal("3000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("10.000000"))],
        **PERIOD,
    )
    grant = awarded_grant(project=rabat_project, by=manager, amount=Decimal("30000.00"), shares=[(tight, "30000.00")])
    FundingAgreement.objects.filter(pk=tight.pk).update(spent_currency=Decimal("2500.00"))  # paid to other grants
    with pytest.raises(ValidationError, match="Agreement MC-TIGHT would be overspent"):
        _record(grant, manager, amount="6000.00", paid_from=tight)  # 600 EUR, 500 left
    _record(grant, manager, amount="5000.00", paid_from=tight)  # 500 EUR: fits


def test_a_payment_dated_outside_the_agreements_period_is_refused(rabat_project, manager, eu):
    # eu (the shared fixture) runs from 2018-02-01 to 2020-01-31
    grant = awarded_grant(project=rabat_project, by=manager, amount=Decimal("30000.00"), shares=[(eu, "30000.00")])
    with pytest.raises(ValidationError, match="runs from 01/02/2018 to 31/01/2020"):
        _record(grant, manager, paid_from=eu)
    _record(grant, manager)  # the automatic split does not look at the period


def test_an_agreement_of_another_grant_is_refused(two_share_grant, manager, eu):
    with pytest.raises(ValidationError, match="does not finance this grant"):
        _record(two_share_grant, manager, paid_from=eu)


def test_a_caseworker_cannot_choose_through_the_service(two_share_grant, caseworker, japan):
    with pytest.raises(PermissionDenied):
        _record(two_share_grant, caseworker, paid_from=japan)
    assert not Disbursement.objects.exists()


def test_the_form_shows_the_refusal_next_to_the_choice(two_share_grant, client_for, manager, japan):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    _page, data = _form(client, two_share_grant)
    response = client.post(
        reverse("funding:disbursement_create", args=[two_share_grant.pk]),
        {**data, "amount": "12000.00", "paid_from": japan.pk},
    )
    assert response.status_code == 200
    assert "cannot pay 12,000.00 MAD alone" in str(response.context["form"].errors["paid_from"])
    assert not Disbursement.objects.exists()


def test_the_choice_is_checked_again_at_approval(two_share_grant, manager, manager2, japan):
    entry = _record(two_share_grant, manager, amount="6000.00", paid_from=japan)
    FundingAgreement.objects.filter(pk=japan.pk).update(end_date=datetime.date(2025, 6, 30))
    with pytest.raises(ValidationError, match="runs from"):
        disbursement_approve(entry=entry, by=manager2)
    entry.refresh_from_db()
    assert entry.status == Disbursement.Status.PENDING and not entry.allocations.exists()
