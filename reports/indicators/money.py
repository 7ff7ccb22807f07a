"""Indicators of money: the amount disbursed (approved payments minus approved reversals,
from their allocations to agreements) and the spend per agreement."""

from __future__ import annotations

from django.db.models import Case, DecimalField, F, Sum, When

from funding.models import Disbursement, DisbursementAllocation
from reports.indicators.framework import ZERO
from reports.indicators.queries import apply_filters, grouped, project_dims


def _allocations(start, end, filters):
    prefix = "disbursement__grant__project__"
    dims = project_dims(end, prefix)
    qs = DisbursementAllocation.objects.filter(
        disbursement__status=Disbursement.Status.APPROVED, disbursement__date__range=(start, end)
    )
    return apply_filters(qs, dims, filters, donor_prefix=None, needs_lead_dob=prefix), dims, prefix


def _signed(field_name: str):
    return Sum(
        Case(
            When(disbursement__kind=Disbursement.Kind.REVERSAL, then=-F(field_name)),
            default=F(field_name),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    )


def _amount_disbursed_mad(start, end, by, filters):
    # Money is charged to an agreement: "donor" is the allocation's own donor.
    filters = dict(filters)
    donor = filters.pop("donor", None)
    qs, dims, prefix = _allocations(start, end, filters)
    if donor:
        qs = qs.filter(agreement__donor__code=donor)
    value = grouped(qs, dims, by, _signed("amount_mad"), lead_prefix=prefix)
    return value if value is not None else ZERO


def amount_by_agreement(start, end, filters: dict | None = None) -> list[dict]:
    """Approved payments minus approved reversals per agreement, in its currency and MAD."""
    filters = dict(filters or {})
    donor = filters.pop("donor", None)
    qs, _dims, _prefix = _allocations(start, end, filters)
    if donor:
        qs = qs.filter(agreement__donor__code=donor)
    rows = (
        qs.values("agreement__reference", "agreement__currency", "agreement__amount", "agreement__donor__code")
        .annotate(amount_currency=_signed("amount_currency"), amount_mad=_signed("amount_mad"))
        .order_by("agreement__reference")
    )
    return [
        {
            "agreement": r["agreement__reference"],
            "donor": r["agreement__donor__code"],
            "currency": r["agreement__currency"],
            "agreement_amount": r["agreement__amount"],
            "amount_currency": r["amount_currency"],
            "amount_mad": r["amount_mad"],
        }
        for r in rows
    ]


COMPUTE = {"amount_disbursed_mad": _amount_disbursed_mad}
