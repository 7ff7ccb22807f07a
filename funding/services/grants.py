"""Grants: the award, split across agreements, with its tranche plan."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import localize_money, money
from funding import access
from funding.models import FundingAgreement, Grant, GrantFunding, Tranche
from funding.selectors import agreement_committed_currency, rate_in_force
from funding.services.common import check_amount, lock
from projects.models import BusinessProject, ProjectStatus


@dataclass(frozen=True)
class ShareSpec:
    agreement: FundingAgreement
    amount: Decimal


@dataclass(frozen=True)
class TrancheSpec:
    amount: Decimal
    planned_date: datetime.date
    condition: str = Tranche.Condition.NONE


@transaction.atomic
def grant_award(
    *,
    project: BusinessProject,
    kind: str,
    amount: Decimal,
    awarded_on: datetime.date,
    shares: Sequence[ShareSpec],
    tranches: Sequence[TrancheSpec],
    by,
    notes: str = "",
) -> Grant:
    """Award a grant to a project, split across agreements, with its tranche plan."""
    access.require_award_grant(by)
    check_amount(amount)
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": _("The award date cannot be in the future.")}, code="future")
    project = BusinessProject.objects.select_for_update().get(pk=project.pk)
    if kind == Grant.Kind.STARTUP:
        if project.status != ProjectStatus.APPROVED:
            raise ValidationError(_("A start-up grant is only for a project approved by the committee."), code="status")
        if project.grants.filter(kind=Grant.Kind.STARTUP).exists():
            raise ValidationError(_("This project already has a start-up grant."), code="duplicate")
        if project.approved_amount is None or amount > project.approved_amount:
            raise ValidationError(
                {
                    "amount": _("The grant cannot exceed the amount approved by the committee (%(approved)s MAD).")
                    % {"approved": localize_money(project.approved_amount)}
                },
                code="above_approved",
            )
    elif kind == Grant.Kind.REINFORCEMENT:
        if project.status != ProjectStatus.OPERATING:
            raise ValidationError(
                _("A reinforcement grant is only for a business that is already operating."), code="status"
            )
    else:
        raise ValidationError(_("Unknown kind of grant."), code="kind")

    if not shares:
        raise ValidationError(_("Give at least one funding agreement."), code="no_share")
    agreement_ids = [s.agreement.pk for s in shares]
    if len(set(agreement_ids)) != len(agreement_ids):
        raise ValidationError(_("Each agreement can appear only once in the split."), code="duplicate_share")
    for share in shares:
        check_amount(share.amount)
    if sum((s.amount for s in shares), Decimal(0)) != amount:
        raise ValidationError(
            _("The shares add up to %(total)s MAD, not to the grant's %(amount)s MAD."),
            code="shares_total",
            params={
                "total": localize_money(sum((s.amount for s in shares), Decimal(0))),
                "amount": localize_money(amount),
            },
        )
    if not tranches:
        raise ValidationError(_("Plan at least one tranche."), code="no_tranche")
    for spec in tranches:
        check_amount(spec.amount)
    if sum((t.amount for t in tranches), Decimal(0)) != amount:
        raise ValidationError(
            _("The tranches add up to %(total)s MAD, not to the grant's %(amount)s MAD."),
            code="tranches_total",
            params={
                "total": localize_money(sum((t.amount for t in tranches), Decimal(0))),
                "amount": localize_money(amount),
            },
        )
    if tranches[0].condition != Tranche.Condition.NONE:
        raise ValidationError(_("The first tranche cannot wait for a follow-up visit."), code="first_tranche")

    _grant, agreements = lock(grant_id=None, agreement_ids=agreement_ids)
    by_id = {a.pk: a for a in agreements}
    for share in shares:
        agreement = by_id[share.agreement.pk]
        rate = rate_in_force(agreement, awarded_on)
        share_currency = money(share.amount / rate.mad_per_unit)
        committed = agreement_committed_currency(agreement)
        if committed + share_currency > agreement.amount:
            raise ValidationError(
                _(
                    "Agreement %(reference)s cannot take %(share)s %(currency)s more: %(committed)s of its "
                    "%(amount)s %(currency)s are already committed."
                ),
                code="agreement_overcommitted",
                params={
                    "reference": agreement.reference,
                    "share": localize_money(share_currency),
                    "currency": agreement.currency,
                    "committed": localize_money(committed),
                    "amount": localize_money(agreement.amount),
                },
            )

    grant = Grant.objects.create(
        project=project, kind=kind, amount=amount, awarded_on=awarded_on, awarded_by=by, notes=notes
    )
    for share in shares:
        FundingAgreement.objects.filter(pk=share.agreement.pk).update(committed_mad=F("committed_mad") + share.amount)
    GrantFunding.objects.bulk_create(
        [GrantFunding(grant=grant, agreement=by_id[s.agreement.pk], amount=s.amount) for s in shares]
    )
    Tranche.objects.bulk_create(
        [
            Tranche(grant=grant, number=n, amount=t.amount, planned_date=t.planned_date, condition=t.condition)
            for n, t in enumerate(tranches, start=1)
        ]
    )
    return grant
