"""The split of a ledger entry across the grant's agreements, and the running totals.

The approved net amounts are kept as running totals (``Grant.paid_mad``,
``Tranche.paid_mad``, ``GrantFunding.paid_mad``/``paid_currency``,
``FundingAgreement.spent_mad``/``spent_currency``; ``committed_mad`` is kept by
``grant_award``), changed only by :func:`apply_totals`, under the locks the approving
service holds (``funding.services.common.lock``); CHECK constraints keep each total
within its amount, so the database refuses an overspend even if a check were wrong.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from core.money import money
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
    """Split an entry pro rata to the grant's shares, the rounding remainder on the largest share."""
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
