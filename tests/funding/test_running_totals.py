"""The running totals (grant, tranche, grant share, agreement) always equal the ledger's
sums, whatever sequence of recordings, approvals, rejections and reversals happened; the
database refuses a total beyond its amount; ``rebuild_totals`` recomputes them from the ledger."""

import datetime
import random
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum

from core.money import Currency
from funding.models import Disbursement, DisbursementAllocation, FundingAgreement, Grant, GrantFunding, Tranche
from funding.selectors import agreement_spent_currency, grant_net_paid, grant_shares_ledger_sums, tranche_net_paid
from funding.services import disbursement_approve, disbursement_record, disbursement_reject, disbursement_reverse
from funding.totals import rebuild_totals
from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant

pytestmark = pytest.mark.django_db


def assert_totals_match_ledger(grants, agreements):
    for grant in grants:
        grant.refresh_from_db()
        assert grant.paid_mad == grant_net_paid(grant)
        for tranche in grant.tranches.all():
            assert tranche.paid_mad == tranche_net_paid(tranche), tranche.number
        sums = grant_shares_ledger_sums(grant)
        for share in grant.funding.all():
            zero = Decimal("0.00")
            assert (share.paid_mad, share.paid_currency) == sums.get(share.agreement_id, (zero, zero))
            assert share.paid_mad <= share.amount
    for agreement in agreements:
        agreement.refresh_from_db()
        assert agreement.spent_currency == agreement_spent_currency(agreement)
        mad = sum(
            (a.amount_mad if a.disbursement.kind == "payment" else -a.amount_mad)
            for a in DisbursementAllocation.objects.filter(agreement=agreement, disbursement__status="approved")
        )
        assert agreement.spent_mad == mad
        committed = GrantFunding.objects.filter(agreement=agreement).aggregate(v=Sum("amount"))["v"]
        assert agreement.committed_mad == committed


@pytest.fixture
def swiss(db):
    return agreement_with_rates(
        code="switzerland",
        reference="CH-T-01",
        currency=Currency.CHF,
        amount=Decimal("2000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("11.230000")), (datetime.date(2025, 8, 1), Decimal("11.410000"))],
    )


@pytest.fixture
def three_way_grant(office_rabat, eu, monaco, swiss, manager):
    """10,000.01 MAD split in three (rounding remainders), two ungated tranches."""
    project = approved_project(office=office_rabat, approved_amount=Decimal("10000.01"))
    return awarded_grant(
        project=project,
        by=manager,
        amount=Decimal("10000.01"),
        shares=[(eu, "3333.33"), (monaco, "3333.33"), (swiss, "3333.35")],
        tranches=[("6000.00", "none"), ("4000.01", "none")],
    )


@pytest.mark.parametrize("seed", range(8))
def test_running_totals_equal_the_ledger_after_a_random_sequence(
    seed, grant, three_way_grant, eu, monaco, swiss, caseworker, manager, manager2
):
    rng = random.Random(seed)
    grants, agreements = [grant, three_way_grant], [eu, monaco, swiss]
    recorders = {caseworker.pk: caseworker, manager.pk: manager}
    day0 = datetime.date(2025, 7, 1)
    for _step in range(45):
        op = rng.choice(["record", "record", "approve", "approve", "reject", "reverse"])
        try:
            if op == "record":
                g = rng.choice(grants)
                tranche = rng.choice(list(Tranche.objects.filter(grant=g)))
                amount = Decimal(rng.choice([rng.randint(1, 99), rng.randint(100, 900000)])) / 100
                disbursement_record(
                    grant=g,
                    tranche=tranche,
                    date=day0 + datetime.timedelta(days=rng.randint(0, 90)),
                    amount=amount,
                    method="cash",
                    by=rng.choice(list(recorders.values())),
                    idempotency_key=uuid.uuid4().hex,
                )
            else:
                if op == "reverse":
                    pool = Disbursement.objects.filter(kind="payment", status="approved").exclude(
                        reversals__status__in=["pending", "approved"]
                    )
                else:
                    pool = Disbursement.objects.filter(status="pending")
                entries = list(pool.order_by("pk"))
                if not entries:
                    continue
                entry = rng.choice(entries)
                if op == "reverse":
                    disbursement_reverse(
                        original=entry,
                        date=entry.date + datetime.timedelta(days=1),
                        by=caseworker,
                        idempotency_key=uuid.uuid4().hex,
                    )
                else:
                    decider = manager2 if entry.recorded_by_id != manager2.pk else manager
                    (disbursement_approve if op == "approve" else disbursement_reject)(
                        entry=entry, by=decider, **({} if op == "approve" else {"reason": "missing receipt"})
                    )
        except ValidationError:
            pass  # refusals (overspend, gate, ...) must leave the totals untouched too
        assert_totals_match_ledger(grants, agreements)
    assert Disbursement.objects.filter(kind="reversal", status="approved").exists()  # the sequence reversed money

    # Rebuilding from the ledger gives the same totals, from any start.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funding_grant SET paid_mad = 0")
        cursor.execute("UPDATE funding_tranche SET paid_mad = 0")
        cursor.execute("UPDATE funding_grantfunding SET paid_mad = 0, paid_currency = 0")
        cursor.execute("UPDATE funding_fundingagreement SET spent_mad = 0, spent_currency = 0, committed_mad = 0")
    rebuild_totals()
    assert_totals_match_ledger(grants, agreements)


def test_a_reversal_takes_back_exactly_what_its_payment_added(three_way_grant, swiss, caseworker, manager, manager2):
    entry, _ = disbursement_record(
        grant=three_way_grant,
        tranche=three_way_grant.tranches.get(number=1),
        date=datetime.date(2025, 7, 15),
        amount=Decimal("1000.01"),
        method="cash",
        by=caseworker,
        idempotency_key="t1",
    )
    disbursement_approve(entry=entry, by=manager)
    reversal, _ = disbursement_reverse(
        original=entry, date=datetime.date(2025, 8, 15), by=caseworker, idempotency_key="t2"
    )
    disbursement_approve(entry=reversal, by=manager2)  # at a later rate: the payment's rates are used
    three_way_grant.refresh_from_db()
    swiss.refresh_from_db()
    assert three_way_grant.paid_mad == Decimal("0.00")
    assert swiss.spent_currency == Decimal("0.00")
    assert set(GrantFunding.objects.filter(grant=three_way_grant).values_list("paid_mad", "paid_currency")) == {
        (Decimal("0.00"), Decimal("0.00"))
    }


@pytest.mark.parametrize(
    ("model", "update"),
    [
        (Grant, {"paid_mad": F("amount") + Decimal("0.01")}),
        (Grant, {"paid_mad": Decimal("-0.01")}),
        (Tranche, {"paid_mad": F("amount") + Decimal("0.01")}),
        (GrantFunding, {"paid_mad": F("amount") + Decimal("0.01")}),
        (GrantFunding, {"paid_currency": Decimal("-0.01")}),
        (FundingAgreement, {"spent_currency": F("amount") + Decimal("0.01")}),
        (FundingAgreement, {"spent_mad": Decimal("-0.01")}),
    ],
)
def test_the_database_refuses_a_total_beyond_its_amount(grant, model, update):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**update)
