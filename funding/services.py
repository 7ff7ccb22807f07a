"""Writes to funding: grants and their split, tranches, the ledger, follow-up visits.

Every service that touches money locks the grant row first, then the agreement rows
ordered by pk (``_lock``), so concurrent writers queue in one consistent order and the
checks they make (grant never overspent, agreement never beyond its amount) see the
committed state of the others.

The approved net amounts are kept as running totals (``Grant.paid_mad``,
``Tranche.paid_mad``, ``GrantFunding.paid_mad``/``paid_currency``,
``FundingAgreement.spent_mad``/``spent_currency``/``committed_mad``), changed only here,
under those same locks, by ``_apply_totals``; CHECK constraints keep each total within
its amount, so the database refuses an overspend even if a check here were wrong.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.money import CENT, localize_money, money
from core.roles import is_manager, is_staff_member
from funding.models import (
    BusinessStatus,
    Disbursement,
    DisbursementAllocation,
    FollowUpVisit,
    FundingAgreement,
    Grant,
    GrantFunding,
    Tranche,
)
from funding.selectors import agreement_committed_currency, rate_in_force
from projects.models import BusinessProject, ProjectOutcome, ProjectStatus
from projects.services import project_close, project_mark_funded, project_mark_operating
from refugees.services import refugee_refresh_status


@dataclass(frozen=True)
class ShareSpec:
    agreement: FundingAgreement
    amount: Decimal


@dataclass(frozen=True)
class TrancheSpec:
    amount: Decimal
    planned_date: datetime.date
    condition: str = Tranche.Condition.NONE


def _d(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _check_amount(amount: Decimal, field: str = "amount") -> None:
    if amount is None or amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")}, code="amount_not_positive")
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("The amount can have at most two decimals.")}, code="amount_decimals")


def _lock(*, grant_id: int | None, agreement_ids: Iterable[int]) -> tuple[Grant | None, list[FundingAgreement]]:
    """Lock the grant, then its agreements ordered by pk: the one lock order of this app."""
    grant = Grant.objects.select_for_update().get(pk=grant_id) if grant_id else None
    agreements = list(FundingAgreement.objects.select_for_update().filter(pk__in=set(agreement_ids)).order_by("pk"))
    return grant, agreements


def _require_staff(user) -> None:
    if not is_staff_member(user):
        raise ValidationError(_("Only caseworkers and programme managers can do this."), code="role")


# --- Grants -----------------------------------------------------------------------


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
    if not is_manager(by):
        raise ValidationError(_("Only a programme manager can award a grant."), code="role")
    _check_amount(amount)
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
        _check_amount(share.amount)
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
        _check_amount(spec.amount)
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

    _grant, agreements = _lock(grant_id=None, agreement_ids=agreement_ids)
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


# --- Ledger -------------------------------------------------------------------------


def _tranche_gate(*, tranche: Tranche) -> None:
    """Raise if the tranche cannot be paid yet (previous tranche unpaid, or a missing visit)."""
    previous = Tranche.objects.filter(grant_id=tranche.grant_id, number__lt=tranche.number).order_by("-number").first()
    if previous is None:
        return
    last_paid = (
        Disbursement.objects.filter(
            tranche=previous, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        )
        .exclude(reversals__status__in=[Disbursement.Status.PENDING, Disbursement.Status.APPROVED])
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if last_paid is None:
        raise ValidationError(
            _("Tranche %(number)s cannot be paid before tranche %(previous)s."),
            code="previous_tranche_unpaid",
            params={"number": tranche.number, "previous": previous.number},
        )
    if tranche.condition != Tranche.Condition.SATISFACTORY_VISIT:
        return
    project_id = tranche.grant.project_id
    ok = FollowUpVisit.objects.filter(
        project_id=project_id,
        status=FollowUpVisit.Status.DONE,
        verdict=FollowUpVisit.Verdict.SATISFACTORY,
        done_on__gt=last_paid,
    ).exists()
    if ok:
        return
    expected = (
        FollowUpVisit.objects.filter(
            project_id=project_id, status=FollowUpVisit.Status.SCHEDULED, due_date__gt=last_paid
        )
        .order_by("due_date")
        .first()
    )
    if expected is not None and expected.months_after_funding:
        raise ValidationError(
            _(
                "Tranche %(number)s needs a satisfactory follow-up visit after %(paid)s: "
                "the %(months)s-month visit due on %(due)s has not been done satisfactorily."
            ),
            code="visit_missing",
            params={
                "number": tranche.number,
                "paid": _d(last_paid),
                "months": expected.months_after_funding,
                "due": _d(expected.due_date),
            },
        )
    raise ValidationError(
        _("Tranche %(number)s needs a satisfactory follow-up visit after %(paid)s, and there is none."),
        code="visit_missing",
        params={"number": tranche.number, "paid": _d(last_paid)},
    )


def _pending(grant: Grant, tranche: Tranche | None) -> tuple[Decimal, Decimal]:
    """Payments awaiting approval on the grant and on the tranche (few rows: index grant, status)."""
    zero = Decimal("0.00")
    sums = {"grant": Sum("amount")}
    if tranche is not None:
        sums["tranche"] = Sum("amount", filter=Q(tranche=tranche))
    row = Disbursement.objects.filter(
        grant=grant, status=Disbursement.Status.PENDING, kind=Disbursement.Kind.PAYMENT
    ).aggregate(**sums)
    return row["grant"] or zero, row.get("tranche") or zero


def _check_payment_fits(*, grant: Grant, tranche: Tranche | None, amount: Decimal, include_pending: bool) -> None:
    """``grant`` is locked (fresh running total); the tranche total is read under that lock."""
    pending_grant, pending_tranche = _pending(grant, tranche) if include_pending else (0, 0)
    paid = grant.paid_mad + pending_grant
    if paid + amount > grant.amount:
        raise ValidationError(
            {
                "amount": _(
                    "This would overspend the grant: %(paid)s of %(total)s MAD are already paid or awaiting "
                    "approval, %(left)s MAD are left."
                )
                % {
                    "paid": localize_money(paid),
                    "total": localize_money(grant.amount),
                    "left": localize_money(grant.amount - paid),
                }
            },
            code="grant_overspent",
        )
    if tranche is not None:
        tranche_paid = Tranche.objects.values_list("paid_mad", flat=True).get(pk=tranche.pk) + pending_tranche
        if tranche_paid + amount > tranche.amount:
            raise ValidationError(
                {
                    "amount": _("Tranche %(number)s has %(left)s MAD left to pay.")
                    % {"number": tranche.number, "left": localize_money(tranche.amount - tranche_paid)}
                },
                code="tranche_overspent",
            )


@transaction.atomic
def disbursement_record(
    *,
    grant: Grant,
    tranche: Tranche | None,
    date: datetime.date,
    amount: Decimal,
    method: str,
    by,
    idempotency_key: str,
    supplier: str = "",
    reference: str = "",
    receipt=None,
) -> tuple[Disbursement, bool]:
    """Record a payment awaiting approval. Returns (entry, created): posting the same
    form twice (same idempotency key) returns the entry recorded the first time."""
    _require_staff(by)
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    _check_amount(amount)
    grant, _agreements = _lock(grant_id=grant.pk, agreement_ids=grant.funding.values_list("agreement_id", flat=True))
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:  # the twin request committed while we waited for the lock
        return existing, False
    if date < grant.awarded_on:
        raise ValidationError({"date": _("A payment cannot be dated before the grant was awarded.")}, code="early")
    if date > timezone.localdate():
        raise ValidationError({"date": _("A payment cannot be dated in the future.")}, code="future")
    if method == Disbursement.Method.EQUIPMENT and not supplier.strip():
        raise ValidationError({"supplier": _("Name the supplier of the equipment.")}, code="supplier")
    if grant.tranches.exists() and tranche is None:
        raise ValidationError({"tranche": _("Choose the tranche this payment belongs to.")}, code="tranche")
    if tranche is not None:
        if tranche.grant_id != grant.pk:
            raise ValidationError({"tranche": _("This tranche belongs to another grant.")}, code="tranche")
        _tranche_gate(tranche=tranche)
    _check_payment_fits(grant=grant, tranche=tranche, amount=amount, include_pending=True)
    entry = Disbursement(
        grant=grant,
        tranche=tranche,
        kind=Disbursement.Kind.PAYMENT,
        date=date,
        amount=amount,
        method=method,
        supplier=supplier,
        reference=reference,
        recorded_by=by,
        idempotency_key=idempotency_key,
    )
    if receipt:
        entry.receipt = receipt
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return entry, True


@transaction.atomic
def disbursement_reverse(
    *, original: Disbursement, date: datetime.date, by, idempotency_key: str, reference: str = ""
) -> tuple[Disbursement, bool]:
    """Record a reversal of an approved payment (it too awaits a second person's approval)."""
    _require_staff(by)
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    _lock(grant_id=original.grant_id, agreement_ids=original.grant.funding.values_list("agreement_id", flat=True))
    original = Disbursement.objects.get(pk=original.pk)
    if original.kind != Disbursement.Kind.PAYMENT or original.status != Disbursement.Status.APPROVED:
        raise ValidationError(_("Only an approved payment can be reversed."), code="not_reversible")
    # A rejected reversal does not count: the payment can be reversed again. The partial
    # unique index ``disbursement_one_live_reversal`` holds the same rule in the database.
    if Disbursement.objects.filter(reverses=original).exclude(status=Disbursement.Status.REJECTED).exists():
        raise ValidationError(_("This payment has already been reversed."), code="already_reversed")
    if date < original.date:
        raise ValidationError({"date": _("A reversal cannot be dated before the payment it reverses.")}, code="early")
    if date > timezone.localdate():
        raise ValidationError({"date": _("A reversal cannot be dated in the future.")}, code="future")
    entry = Disbursement.objects.create(
        grant_id=original.grant_id,
        tranche_id=original.tranche_id,
        kind=Disbursement.Kind.REVERSAL,
        reverses=original,
        date=date,
        amount=original.amount,
        method=original.method,
        supplier=original.supplier,
        reference=reference,
        recorded_by=by,
        idempotency_key=idempotency_key,
    )
    return entry, True


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


def _apply_totals(*, entry: Disbursement, allocations: list[DisbursementAllocation]) -> None:
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


def _allocations_for(entry: Disbursement, shares: list[GrantFunding]) -> list[DisbursementAllocation]:
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


@transaction.atomic
def disbursement_approve(*, entry: Disbursement, by) -> Disbursement:
    """A second person (a programme manager, not the recorder) approves a ledger entry."""
    if not is_manager(by):
        raise ValidationError(_("Only a programme manager can approve a ledger entry."), code="role")
    grant_id = entry.grant_id
    shares_ids = list(GrantFunding.objects.filter(grant_id=grant_id).values_list("agreement_id", flat=True))
    grant, agreements = _lock(grant_id=grant_id, agreement_ids=shares_ids)
    entry = Disbursement.objects.select_for_update(of=("self",)).select_related("reverses", "tranche").get(pk=entry.pk)
    if entry.status != Disbursement.Status.PENDING:
        raise ValidationError(_("This entry has already been decided."), code="decided")
    if entry.recorded_by_id == by.pk:
        raise ValidationError(
            _("You recorded this entry: another programme manager must approve it."), code="four_eyes"
        )
    shares = list(GrantFunding.objects.filter(grant_id=grant_id).select_related("agreement"))
    if entry.kind == Disbursement.Kind.PAYMENT:
        if entry.tranche_id:
            _tranche_gate(tranche=entry.tranche)
        _check_payment_fits(grant=grant, tranche=entry.tranche, amount=entry.amount, include_pending=False)
    allocations = _allocations_for(entry, shares)
    if entry.kind == Disbursement.Kind.PAYMENT:
        by_id = {a.pk: a for a in agreements}
        for row in allocations:
            agreement = by_id[row.agreement_id]
            spent = agreement.spent_currency  # running total, read under the agreement's lock
            if spent + row.amount_currency > agreement.amount:
                raise ValidationError(
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
                        "needed": localize_money(row.amount_currency),
                    },
                )
    first_payment = (
        entry.kind == Disbursement.Kind.PAYMENT
        and grant.kind == Grant.Kind.STARTUP
        and not Disbursement.objects.filter(
            grant=grant, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        ).exists()
    )
    entry.status = Disbursement.Status.APPROVED
    entry.approved_by = by
    entry.approved_at = timezone.now()
    entry.save(update_fields=["status", "approved_by", "approved_at"])
    for row in allocations:  # one or two; saved one by one so post_save listeners see each
        row.save()
    _apply_totals(entry=entry, allocations=allocations)
    if first_payment:
        _on_first_payment(grant=grant, payment=entry, by=by)
    member_ids = list(grant.project.members.values_list("refugee_id", flat=True))
    transaction.on_commit(lambda: refugee_refresh_status(refugee_ids=member_ids))
    return entry


@transaction.atomic
def disbursement_reject(*, entry: Disbursement, by, reason: str = "") -> Disbursement:
    if not is_manager(by):
        raise ValidationError(_("Only a programme manager can reject a ledger entry."), code="role")
    _lock(grant_id=entry.grant_id, agreement_ids=[])
    entry = Disbursement.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Disbursement.Status.PENDING:
        raise ValidationError(_("This entry has already been decided."), code="decided")
    if entry.recorded_by_id == by.pk:
        raise ValidationError(_("You recorded this entry: another programme manager must decide."), code="four_eyes")
    entry.status = Disbursement.Status.REJECTED
    entry.approved_by = by
    entry.approved_at = timezone.now()
    if reason:
        entry.reference = (f"{entry.reference} · " if entry.reference else "") + reason[:60]
        entry.save(update_fields=["status", "approved_by", "approved_at", "reference"])
    else:
        entry.save(update_fields=["status", "approved_by", "approved_at"])
    return entry


# --- Follow-up visits ---------------------------------------------------------------


def _on_first_payment(*, grant: Grant, payment: Disbursement, by) -> None:
    project = grant.project
    if project.status == ProjectStatus.APPROVED:
        when = timezone.make_aware(datetime.datetime.combine(payment.date, datetime.time(12, 0)))
        project_mark_funded(project=project, by=by, when=when)
    visits_schedule(project=project, funded_on=payment.date)


def visits_schedule(*, project: BusinessProject, funded_on: datetime.date) -> list[FollowUpVisit]:
    """Plan the follow-up visits at the configured months after funding (once per project)."""
    already = set(
        FollowUpVisit.objects.filter(project=project, months_after_funding__isnull=False).values_list(
            "months_after_funding", flat=True
        )
    )
    visits = [
        FollowUpVisit(project=project, months_after_funding=m, due_date=funded_on + relativedelta(months=m))
        for m in settings.SANAD_VISIT_SCHEDULE_MONTHS
        if m not in already
    ]
    return FollowUpVisit.objects.bulk_create(visits)


@dataclass(frozen=True)
class ActionPointSpec:
    description: str
    owner: str
    due_date: datetime.date
    done: bool = False


@transaction.atomic
def visit_record(
    *, visit: FollowUpVisit, by, data: dict, checklist: Iterable = (), photos: Iterable = ()
) -> FollowUpVisit:
    """Record (or correct) a follow-up visit. ``data`` holds the form's cleaned fields.

    A visit that finds the business operating moves a funded project to operating; one
    that finds it closed cancels the remaining visits and closes the project.
    """
    from funding.models import VisitPhoto

    _require_staff(by)
    # The project first, then the visit: visits of one project are recorded one at a time.
    # (Locking both in one statement let a visit that closes the business, cancelling the
    # project's other scheduled visits, deadlock with another visit of it being recorded.)
    BusinessProject.objects.select_for_update().values_list("pk", flat=True).get(pk=visit.project_id)
    visit = FollowUpVisit.objects.select_for_update(of=("self",)).select_related("project").get(pk=visit.pk)
    if visit.status == FollowUpVisit.Status.CANCELLED:
        raise ValidationError(_("This visit was cancelled."), code="cancelled")
    done_on = data["done_on"]
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A visit cannot be dated in the future.")}, code="future")
    first_paid = (
        Disbursement.objects.filter(
            grant__project_id=visit.project_id, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if first_paid is None or done_on < first_paid:
        raise ValidationError(
            {"done_on": _("A follow-up visit cannot be dated before the first payment to the project.")},
            code="before_funding",
        )
    for field in ("monthly_revenue", "monthly_costs"):
        if data.get(field) is not None and data[field] < 0:
            raise ValidationError({field: _("This amount cannot be negative.")}, code="negative")
    for field, value in data.items():
        setattr(visit, field, value)
    visit.status = FollowUpVisit.Status.DONE
    visit.visitor = visit.visitor or by
    visit.save()
    visit.checklist.set(list(checklist))
    for upload in photos:
        VisitPhoto.objects.create(visit=visit, file=upload, uploaded_by=by)

    project = visit.project
    if visit.business_status == BusinessStatus.OPERATING and project.status == ProjectStatus.FUNDED:
        project_mark_operating(project=project, by=by, comment=_("Operating at the follow-up visit."))
    elif visit.business_status == BusinessStatus.CLOSED:
        FollowUpVisit.objects.filter(project=project, status=FollowUpVisit.Status.SCHEDULED).update(
            status=FollowUpVisit.Status.CANCELLED, updated_at=timezone.now()
        )
        if project.status in (ProjectStatus.FUNDED, ProjectStatus.OPERATING):
            project_close(
                project=project,
                by=by,
                outcome=ProjectOutcome.CLOSED_BUSINESS,
                comment=_("Business found closed at the follow-up visit."),
            )
    return visit


@transaction.atomic
def visit_record_extra(
    *, project: BusinessProject, by, data: dict, checklist: Iterable = (), photos: Iterable = ()
) -> FollowUpVisit:
    """Record an extra (unscheduled) follow-up visit: a visit like any other (it can
    satisfy a tranche gate, move the project to operating or close it), without a month
    in the schedule. Nothing is saved if the visit is refused."""
    _require_staff(by)
    visit = FollowUpVisit.objects.create(project=project, months_after_funding=None, due_date=data["done_on"])
    return visit_record(visit=visit, by=by, data=data, checklist=checklist, photos=photos)


def visits_open_q() -> Q:
    return Q(status=FollowUpVisit.Status.SCHEDULED)
