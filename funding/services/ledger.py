"""The ledger: payments and reversals recorded, then approved or rejected by a second
person (the four-eyes rule: ``funding.access.can_approve_disbursement``).

Each service locks the grant, then its agreements (``funding.services.common.lock``),
and checks under those locks that the grant, the tranche and each agreement keep room.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import localize_money
from funding import access
from funding.models import Disbursement, FollowUpVisit, FundingAgreement, Grant, GrantFunding, Tranche
from funding.services.allocations import agreement_overspent, allocations_for, apply_totals, check_paid_from
from funding.services.common import check_amount, lock, short_date
from funding.services.visits import visits_schedule
from projects.models import ProjectStatus
from projects.services import project_mark_funded
from refugees.services import refugee_refresh_status


def tranche_gate(*, tranche: Tranche) -> None:
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
                "paid": short_date(last_paid),
                "months": expected.months_after_funding,
                "due": short_date(expected.due_date),
            },
        )
    raise ValidationError(
        _("Tranche %(number)s needs a satisfactory follow-up visit after %(paid)s, and there is none."),
        code="visit_missing",
        params={"number": tranche.number, "paid": short_date(last_paid)},
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
    paid_from: FundingAgreement | None = None,
) -> tuple[Disbursement, bool]:
    """Record a payment awaiting approval. Returns (entry, created): posting the same
    form twice (same idempotency key) returns the entry recorded the first time.

    ``paid_from``: the one agreement a programme manager charges it to, instead of the
    automatic split across the grant's agreements (``allocations.check_paid_from``)."""
    access.require_record_disbursement(by, grant)
    if paid_from is not None:
        access.require_choose_agreement(by)
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    check_amount(amount)
    grant, agreements = lock(grant_id=grant.pk, agreement_ids=grant.funding.values_list("agreement_id", flat=True))
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
        tranche_gate(tranche=tranche)
    _check_payment_fits(grant=grant, tranche=tranche, amount=amount, include_pending=True)
    if paid_from is not None:  # read again under its lock (its running total)
        paid_from = next((a for a in agreements if a.pk == paid_from.pk), paid_from)
        check_paid_from(grant=grant, agreement=paid_from, date=date, amount=amount, include_pending=True)
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
        paid_from=paid_from,
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
    access.require_reverse_disbursement(by, original)
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    lock(grant_id=original.grant_id, agreement_ids=original.grant.funding.values_list("agreement_id", flat=True))
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


@transaction.atomic
def disbursement_approve(*, entry: Disbursement, by) -> Disbursement:
    """A second person approves a ledger entry (the four-eyes rule:
    ``funding.access.can_approve_disbursement``)."""
    access.require_approve_disbursement(by, entry)
    grant_id = entry.grant_id
    shares_ids = list(GrantFunding.objects.filter(grant_id=grant_id).values_list("agreement_id", flat=True))
    grant, agreements = lock(grant_id=grant_id, agreement_ids=shares_ids)
    entry = Disbursement.objects.select_for_update(of=("self",)).select_related("reverses", "tranche").get(pk=entry.pk)
    if entry.status != Disbursement.Status.PENDING:
        raise ValidationError(_("This entry has already been decided."), code="decided")
    shares = list(GrantFunding.objects.filter(grant_id=grant_id).select_related("agreement"))
    if entry.kind == Disbursement.Kind.PAYMENT:
        if entry.tranche_id:
            tranche_gate(tranche=entry.tranche)
        _check_payment_fits(grant=grant, tranche=entry.tranche, amount=entry.amount, include_pending=False)
        if entry.paid_from_id is not None:  # the choice holds still, under the locks
            chosen = next((a for a in agreements if a.pk == entry.paid_from_id), None) or entry.paid_from
            check_paid_from(grant=grant, agreement=chosen, date=entry.date, amount=entry.amount, include_pending=False)
    allocations = allocations_for(entry, shares)
    if entry.kind == Disbursement.Kind.PAYMENT:
        by_id = {a.pk: a for a in agreements}
        for row in allocations:
            agreement = by_id[row.agreement_id]
            spent = agreement.spent_currency  # running total, read under the agreement's lock
            if spent + row.amount_currency > agreement.amount:
                raise agreement_overspent(agreement, spent=spent, needed=row.amount_currency)
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
    apply_totals(entry=entry, allocations=allocations)
    if first_payment:
        _on_first_payment(grant=grant, payment=entry, by=by)
    member_ids = list(grant.project.members.values_list("refugee_id", flat=True))
    transaction.on_commit(lambda: refugee_refresh_status(refugee_ids=member_ids))
    return entry


@transaction.atomic
def disbursement_reject(*, entry: Disbursement, by, reason: str = "") -> Disbursement:
    """A second person rejects a ledger entry (the same four eyes as an approval), saying
    why: the reason is required (and kept on the entry: the ledger and the timeline show it)."""
    access.require_reject_disbursement(by, entry)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."), code="reason_required")
    if len(reason) > 500:
        raise ValidationError(_("The reason is too long (500 characters at most)."), code="reason_too_long")
    lock(grant_id=entry.grant_id, agreement_ids=[])
    entry = Disbursement.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Disbursement.Status.PENDING:
        raise ValidationError(_("This entry has already been decided."), code="decided")
    entry.status = Disbursement.Status.REJECTED
    entry.approved_by = by
    entry.approved_at = timezone.now()
    entry.rejection_reason = reason
    entry.save(update_fields=["status", "approved_by", "approved_at", "rejection_reason"])
    return entry


def _on_first_payment(*, grant: Grant, payment: Disbursement, by) -> None:
    project = grant.project
    if project.status == ProjectStatus.APPROVED:
        when = timezone.make_aware(datetime.datetime.combine(payment.date, datetime.time(12, 0)))
        project_mark_funded(project=project, by=by, when=when)
    visits_schedule(project=project, funded_on=payment.date)
