"""The split of a ledger entry across the grant's agreements, and the running totals.

A payment is split automatically, pro rata to the grant's shares (:func:`_split`), unless
a programme manager chose the one agreement it is paid from (``Disbursement.paid_from``,
checked by :func:`check_paid_from` when it is recorded and again when it is approved).

The approved net amounts are kept as running totals (``Grant.paid_mad``,
``Tranche.paid_mad``, ``GrantFunding.paid_mad``/``paid_currency``,
``FundingAgreement.spent_mad``/``spent_currency``; ``committed_mad`` is kept by
``grant_award``), changed only by :func:`apply_totals`, under the locks the approving
service holds (``funding.services.common.lock``); CHECK constraints keep each total
within its amount, so the database refuses an overspend even if a check were wrong.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from core.money import localize_money, money
from funding.models import Disbursement, DisbursementAllocation, FundingAgreement, Grant, GrantFunding, Tranche
from funding.selectors import rate_in_force


def _split(amount: Decimal, shares: list[GrantFunding]) -> dict[int, Decimal]:
    """Split ``amount`` pro rata to the shares, the rounding remainder on the largest share,
    never beyond what a share has left (its ``paid_mad`` running total, read under the
    grant's lock): an excess goes to the shares with the most room. The caller has checked
    that the grant has room, and the shares add up to the grant, so the rooms suffice."""
    total = sum((s.amount for s in shares), Decimal(0))
    room = {s.pk: s.amount - s.paid_mad for s in shares}
    parts = {s.pk: money(amount * s.amount / total) for s in shares}
    largest = max(shares, key=lambda s: (s.amount, -s.pk))
    parts[largest.pk] += amount - sum(parts.values(), Decimal(0))
    for share in shares:  # negative after rounding, or beyond the share's room
        parts[share.pk] = max(Decimal(0), min(parts[share.pk], room[share.pk]))
    left = amount - sum(parts.values(), Decimal(0))
    for share in sorted(shares, key=lambda s: (-(room[s.pk] - parts[s.pk]), s.pk)):
        if left <= 0:
            break
        extra = min(left, room[share.pk] - parts[share.pk])
        parts[share.pk] += extra
        left -= extra
    if left != 0:  # only if the grant's own check was skipped
        raise ValidationError(_("The grant's shares have no room left for this amount."), code="shares_full")
    return parts


def _short(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def agreement_overspent(agreement: FundingAgreement, *, spent: Decimal, needed: Decimal) -> ValidationError:
    return ValidationError(
        _(
            "Agreement %(reference)s would be overspent: %(spent)s of %(amount)s %(currency)s are "
            "already paid, this payment needs %(needed)s %(currency)s."
        ),
        code="agreement_overspent",
        params={
            "reference": agreement.reference,
            "spent": localize_money(spent),
            "amount": localize_money(agreement.amount),
            "currency": agreement.currency,
            "needed": localize_money(needed),
        },
    )


def check_paid_from(
    *, grant: Grant, agreement: FundingAgreement, date: datetime.date, amount: Decimal, include_pending: bool
) -> None:
    """A payment of ``amount`` MAD on ``date`` may be charged whole to ``agreement``: one
    of the grant's agreements, in force on that date (its period and an exchange rate),
    whose share of the grant and whose own amount (in its currency, at the rate in force)
    have room for it. Payments awaiting approval that chose the same agreement count when
    recording (``include_pending``). The caller holds the grant's and agreement's locks
    (``funding.services.common.lock``). Refusals are errors of the ``paid_from`` field."""
    share = GrantFunding.objects.filter(grant=grant, agreement=agreement).first()
    if share is None:
        raise ValidationError(
            {
                "paid_from": _("Agreement %(reference)s does not finance this grant.")
                % {"reference": agreement.reference}
            },
            code="paid_from_not_a_share",
        )
    if not (agreement.start_date <= date <= agreement.end_date):
        raise ValidationError(
            {
                "paid_from": _(
                    "Agreement %(reference)s runs from %(start)s to %(end)s: a payment dated %(date)s cannot be "
                    "paid from it."
                )
                % {
                    "reference": agreement.reference,
                    "start": _short(agreement.start_date),
                    "end": _short(agreement.end_date),
                    "date": _short(date),
                }
            },
            code="paid_from_outside_period",
        )
    try:
        rate = rate_in_force(agreement, date)
    except ValidationError as exc:
        raise ValidationError({"paid_from": exc.messages}, code="no_rate") from exc
    pending_mad = pending_currency = Decimal(0)
    if include_pending:
        pending = Disbursement.objects.filter(
            paid_from=agreement, status=Disbursement.Status.PENDING, kind=Disbursement.Kind.PAYMENT
        )
        pending_mad = pending.filter(grant=grant).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        pending_currency = money((pending.aggregate(s=Sum("amount"))["s"] or Decimal(0)) / rate.mad_per_unit)
    share_left = share.amount - share.paid_mad - pending_mad
    if amount > share_left:
        raise ValidationError(
            {
                "paid_from": _(
                    "Agreement %(reference)s has %(left)s MAD left of its share of this grant "
                    "(%(share)s MAD): it cannot pay %(amount)s MAD alone. Leave the automatic split, or "
                    "choose another agreement."
                )
                % {
                    "reference": agreement.reference,
                    "left": localize_money(max(share_left, Decimal(0))),
                    "share": localize_money(share.amount),
                    "amount": localize_money(amount),
                }
            },
            code="paid_from_share_full",
        )
    needed = money(amount / rate.mad_per_unit)
    spent = agreement.spent_currency + pending_currency  # running total, read under the agreement's lock
    if spent + needed > agreement.amount:
        raise ValidationError({"paid_from": agreement_overspent(agreement, spent=spent, needed=needed).messages})


def apply_totals(*, entry: Disbursement, allocations: list[DisbursementAllocation]) -> None:
    """Add an approved entry (a reversal subtracts) to the running totals, under the locks
    the caller holds: grant, then agreements by pk; tranche and shares belong to the grant."""
    sign = -1 if entry.kind == Disbursement.Kind.REVERSAL else 1
    Grant.objects.filter(pk=entry.grant_id).update(paid_mad=F("paid_mad") + sign * entry.amount)
    if entry.tranche_id:
        Tranche.objects.filter(pk=entry.tranche_id).update(paid_mad=F("paid_mad") + sign * entry.amount)
    for row in sorted(allocations, key=lambda r: r.agreement_id):
        GrantFunding.objects.filter(grant_id=entry.grant_id, agreement_id=row.agreement_id).update(
            paid_mad=F("paid_mad") + sign * row.amount_mad,
            paid_currency=F("paid_currency") + sign * row.amount_currency,
        )
        FundingAgreement.objects.filter(pk=row.agreement_id).update(
            spent_mad=F("spent_mad") + sign * row.amount_mad,
            spent_currency=F("spent_currency") + sign * row.amount_currency,
        )


def allocations_for(entry: Disbursement, shares: list[GrantFunding]) -> list[DisbursementAllocation]:
    """Split an entry pro rata to the grant's shares, the rounding remainder on the largest
    share; a payment with a chosen agreement (``paid_from``) goes whole to that agreement."""
    if entry.kind == Disbursement.Kind.REVERSAL:
        # A reversal takes back exactly what the payment charged, at the same rates.
        return [
            DisbursementAllocation(
                disbursement=entry,
                agreement_id=a.agreement_id,
                amount_mad=a.amount_mad,
                amount_currency=a.amount_currency,
                rate=a.rate,
            )
            for a in entry.reverses.allocations.all()
        ]
    if entry.paid_from_id is not None:  # a manager's choice: the whole payment on one agreement
        agreement = next(s.agreement for s in shares if s.agreement_id == entry.paid_from_id)
        rate = rate_in_force(agreement, entry.date)
        return [
            DisbursementAllocation(
                disbursement=entry,
                agreement=agreement,
                amount_mad=entry.amount,
                amount_currency=money(entry.amount / rate.mad_per_unit),
                rate=rate.mad_per_unit,
            )
        ]
    parts = _split(entry.amount, shares)
    rows = []
    for share in shares:
        if parts[share.pk] <= 0:
            continue
        rate = rate_in_force(share.agreement, entry.date)
        rows.append(
            DisbursementAllocation(
                disbursement=entry,
                agreement=share.agreement,
                amount_mad=parts[share.pk],
                amount_currency=money(parts[share.pk] / rate.mad_per_unit),
                rate=rate.mad_per_unit,
            )
        )
    return rows
