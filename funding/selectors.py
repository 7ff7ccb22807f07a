"""Reads of funding data.

Screens read the running totals that ``funding.services`` keeps (``Grant.paid_mad``,
``Tranche.paid_mad``, ``GrantFunding.paid_*``, ``FundingAgreement.spent_*``): no sum over
the ledger on a page. The ledger sums below (``grant_net_paid``, ...) stay as the source
of truth the tests compare those totals with.
"""

import base64
import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image

from core.access import restrict
from core.money import money
from funding.models import (
    BusinessStatus,
    Disbursement,
    DisbursementAllocation,
    ExchangeRate,
    FollowUpVisit,
    FundingAgreement,
    Grant,
    GrantFunding,
    Tranche,
    VisitDraft,
)
from projects.models import BusinessProject, ProjectMember

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))
APPROVED = Disbursement.Status.APPROVED
PENDING = Disbursement.Status.PENDING
# The visits-due list counts at most this many (core.pagination.CappedPaginator).
WORKLIST_COUNT_CAP = 1_000


def rate_in_force(agreement: FundingAgreement, on: datetime.date) -> ExchangeRate:
    """The agreement's rate with the latest ``valid_from`` on or before ``on``."""
    rate = ExchangeRate.objects.filter(agreement=agreement, valid_from__lte=on).order_by("-valid_from").first()
    if rate is None:
        raise ValidationError(
            _("No exchange rate of agreement %(reference)s (%(currency)s) is in force on %(date)s."),
            code="no_rate",
            params={
                "reference": agreement.reference,
                "currency": agreement.currency,
                "date": formats.date_format(on, "SHORT_DATE_FORMAT"),
            },
        )
    return rate


def _net(amount_field: str, kind_field: str, statuses: Sequence[str], status_field: str):
    """Signed sum: payments (in ``statuses``) minus approved reversals."""
    return Coalesce(
        Sum(
            Case(
                When(Q(**{kind_field: "payment", f"{status_field}__in": list(statuses)}), then=F(amount_field)),
                When(Q(**{kind_field: "reversal", status_field: APPROVED}), then=-F(amount_field)),
                default=ZERO,
            )
        ),
        ZERO,
    )


def grant_net_paid(grant: Grant, *, statuses: Sequence[str] = (APPROVED,)) -> Decimal:
    return Disbursement.objects.filter(grant=grant).aggregate(v=_net("amount", "kind", statuses, "status"))["v"]


def tranche_net_paid(tranche: Tranche, *, statuses: Sequence[str] = (APPROVED,)) -> Decimal:
    return Disbursement.objects.filter(tranche=tranche).aggregate(v=_net("amount", "kind", statuses, "status"))["v"]


def agreement_spent_currency(agreement: FundingAgreement) -> Decimal:
    """Approved payments minus approved reversals charged to the agreement, in its currency."""
    return DisbursementAllocation.objects.filter(agreement=agreement).aggregate(
        v=_net("amount_currency", "disbursement__kind", (APPROVED,), "disbursement__status")
    )["v"]


def _rate_on_award():
    return Subquery(
        ExchangeRate.objects.filter(agreement=OuterRef("agreement"), valid_from__lte=OuterRef("grant__awarded_on"))
        .order_by("-valid_from")
        .values("mad_per_unit")[:1]
    )


def agreement_committed_currency(agreement: FundingAgreement) -> Decimal:
    """The agreement's grant shares, each converted at the rate in force on its award date."""
    shares = GrantFunding.objects.filter(agreement=agreement).annotate(rate=_rate_on_award())
    total = Decimal(0)
    for amount, rate in shares.values_list("amount", "rate"):
        total += money(amount / rate) if rate else Decimal(0)
    return total


def agreements_with_spend() -> list[FundingAgreement]:
    """Agreements with ``spent_mad``, ``spent_currency``, ``committed_mad`` (running totals)
    and ``left_currency``: two queries (agreements with donors, their rates)."""
    agreements = list(
        FundingAgreement.objects.select_related("donor").prefetch_related("rates").order_by("start_date", "reference")
    )
    for agreement in agreements:
        agreement.left_currency = agreement.amount - agreement.spent_currency
    return agreements


def grants_with_paid(qs: QuerySet[Grant]) -> QuerySet[Grant]:
    return qs.annotate(paid=F("paid_mad"))


class GrantFilter(django_filters.FilterSet):
    """The grant list's filters: ``q`` (project reference or title) and ``kind`` (an
    unknown kind is ignored)."""

    q = django_filters.CharFilter(method="filter_q")
    kind = django_filters.ChoiceFilter(choices=Grant.Kind.choices)

    class Meta:
        model = Grant
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(project__reference__icontains=value) | Q(project__title__icontains=value))


def grant_list(grants: QuerySet[Grant], params) -> QuerySet[Grant]:
    """``grants`` (already scoped to the user) filtered by ``params`` (the query string),
    newest award first, with ``paid``."""
    filtered = GrantFilter(params, queryset=grants.select_related("project__office")).qs
    return grants_with_paid(filtered).order_by("-awarded_on", "-pk")


def projects_to_fund(user) -> QuerySet:
    """The projects a grant can be awarded to, in the user's scope (the award form's choices)."""
    return restrict(BusinessProject.objects.select_related("office"), user).order_by("reference")


def entry_sent_before(*, key: str, grant: Grant | None = None, reverses: Disbursement | None = None):
    """The ledger entry already recorded under this form's idempotency key (a double submit), if any."""
    if not key:
        return None
    lookup = {"grant": grant} if grant is not None else {"reverses": reverses}
    return Disbursement.objects.filter(idempotency_key=key, **lookup).first()


def grant_visits(grant: Grant) -> list[FollowUpVisit]:
    """The follow-up visits of the grant's project, by due date."""
    return list(
        FollowUpVisit.objects.filter(project_id=grant.project_id).select_related("visitor").order_by("due_date")
    )


def visits_due(visits: QuerySet[FollowUpVisit], *, until: datetime.date) -> QuerySet[FollowUpVisit]:
    """The scheduled visits of ``visits`` (already scoped) due on or before ``until``."""
    return (
        visits.filter(status=FollowUpVisit.Status.SCHEDULED, due_date__lte=until)
        .select_related("project__office", "project__caseworker")
        .order_by("due_date", "pk")
    )


def grant_ledger(grant: Grant) -> list[Disbursement]:
    """The grant's entries in date order, each approved one with the running balance left,
    and ``is_reversible`` (an approved payment without a reversal that is not rejected)."""
    entries = list(
        Disbursement.objects.filter(grant=grant)
        .select_related("tranche", "recorded_by", "approved_by", "paid_from")
        .order_by("date", "pk")
    )
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id and e.status != Disbursement.Status.REJECTED}
    left = grant.amount
    for entry in entries:
        if entry.status == APPROVED:
            left -= entry.signed_amount
        entry.balance = left if entry.status == APPROVED else None
        entry.is_reversible = (
            entry.kind == Disbursement.Kind.PAYMENT and entry.status == APPROVED and entry.pk not in reversed_ids
        )
    return entries


def grant_split(grant: Grant) -> list[GrantFunding]:
    """Each agreement's share with what it paid so far (``paid_mad``, ``paid_currency``)."""
    return list(
        GrantFunding.objects.filter(grant=grant).select_related("agreement__donor").order_by("agreement__reference")
    )


def tranches_with_paid(grant: Grant) -> list[Tranche]:
    """The grant's tranches with ``paid`` (the running total ``paid_mad``)."""
    return list(grant.tranches.annotate(paid=F("paid_mad")).order_by("number"))


def grant_shares_ledger_sums(grant: Grant) -> dict[int, tuple[Decimal, Decimal]]:
    """Per agreement: approved net (MAD, currency) charged by the grant's ledger (for tests)."""
    signed = {
        field: Coalesce(Sum(Case(When(disbursement__kind="reversal", then=-F(field)), default=F(field))), ZERO)
        for field in ("amount_mad", "amount_currency")
    }
    rows = (
        DisbursementAllocation.objects.filter(disbursement__grant=grant, disbursement__status=APPROVED)
        .values("agreement")
        .annotate(mad=signed["amount_mad"], cur=signed["amount_currency"])
        .order_by()
    )
    return {r["agreement"]: (r["mad"], r["cur"]) for r in rows}


def survival_rows() -> QuerySet:
    """For each financed project: first approved payment, last visit that saw it operating,
    and the visit that found it closed. ``months_survived`` is computed by reports from
    (closed_on or last_operating_on) - first_paid_on."""
    first_paid = (
        Disbursement.objects.filter(grant__project=OuterRef("pk"), kind="payment", status=APPROVED)
        .values("grant__project")
        .annotate(v=Min("date"))
        .values("v")[:1]
    )
    return (
        BusinessProject.objects.annotate(first_paid_on=Subquery(first_paid))
        .filter(first_paid_on__isnull=False)
        .annotate(
            last_operating_on=Max(
                "visits__done_on",
                filter=Q(visits__status=FollowUpVisit.Status.DONE, visits__business_status=BusinessStatus.OPERATING),
            ),
            closed_on=Min(
                "visits__done_on",
                filter=Q(visits__status=FollowUpVisit.Status.DONE, visits__business_status=BusinessStatus.CLOSED),
            ),
        )
    )


def months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def members_of(project_id: int) -> QuerySet:
    """The ids of a project's members (the people a receipt or a visit photo concerns, for the view log)."""
    return ProjectMember.objects.filter(project_id=project_id).values_list("refugee_id", flat=True)


def visit_draft(user, key: str):
    """This user's draft of the visit form named ``key`` (with its pending photos), or None."""
    return VisitDraft.objects.filter(user=user, key=key).prefetch_related("photos").first()


def pending_photo_thumbnails(draft) -> list[str]:
    """The draft's pending photos as small inline images (``data:`` URIs): shown only to
    the draft's author on the form, so no file URL to open to anyone else."""
    thumbs = []
    for photo in draft.photos.all() if draft else ():
        try:
            with photo.file.open("rb") as fh, Image.open(fh) as img:
                img.thumbnail((160, 160))
                out = io.BytesIO()
                img.convert("RGB").save(out, "JPEG", quality=70)
        except (OSError, ValueError):
            continue
        thumbs.append("data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode())
    return thumbs
