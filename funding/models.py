"""Funding: donors' agreements and their exchange rates, grants split across
agreements, tranches, the disbursement ledger, and follow-up visits.

The ledger is append-only: a ``Disbursement`` is never edited or deleted once approved;
a mistake is corrected by a reversal entry pointing at the original. Writes go through
``funding.services``, which lock the grant and agreement rows (in that order).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ChoiceLabels, PartnerOrganisation, TimeStampedModel
from core.money import Currency, MoneyField
from core.storage import private_storage
from projects.models import BusinessProject

ZERO = Decimal("0.00")


class FundingAgreement(TimeStampedModel):
    donor = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": PartnerOrganisation.Kind.DONOR},
        verbose_name=_("donor"),
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(_("amount (agreement currency)"), max_digits=16, decimal_places=2)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Running totals kept by funding.services under the agreement's row lock: approved
    # payments minus approved reversals charged to the agreement, and the grant shares.
    spent_mad = MoneyField(_("spent (MAD)"), default=ZERO, db_default=ZERO, editable=False)
    spent_currency = models.DecimalField(
        _("spent (agreement currency)"),
        max_digits=16,
        decimal_places=2,
        default=ZERO,
        db_default=ZERO,
        editable=False,
    )
    committed_mad = MoneyField(_("committed to grants (MAD)"), default=ZERO, db_default=ZERO, editable=False)

    history = HistoricalRecords(excluded_fields=["spent_mad", "spent_currency", "committed_mad"])

    class Meta:
        ordering = ["donor__acronym", "reference"]
        verbose_name = _("funding agreement")
        verbose_name_plural = _("funding agreements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="agreement_period_ordered"),
            models.CheckConstraint(
                condition=Q(
                    spent_currency__gte=0, spent_currency__lte=F("amount"), spent_mad__gte=0, committed_mad__gte=0
                ),
                name="agreement_spent_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.donor})"


class ExchangeRate(models.Model):
    """The agreement currency's rate to MAD used for accounting from ``valid_from``."""

    agreement = models.ForeignKey(FundingAgreement, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("valid from"))
    mad_per_unit = models.DecimalField(_("MAD per unit of the agreement currency"), max_digits=14, decimal_places=6)

    class Meta:
        ordering = ["agreement", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "valid_from"], name="rate_once_per_date"),
            models.CheckConstraint(condition=Q(mad_per_unit__gt=0), name="rate_positive"),
        ]


class Grant(TimeStampedModel):
    class Kind(models.TextChoices):
        STARTUP = "startup", _("Start-up grant")
        REINFORCEMENT = "reinforcement", _("Reinforcement grant")

    project = models.ForeignKey(BusinessProject, on_delete=models.PROTECT, related_name="grants")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = MoneyField(_("amount (MAD)"))
    awarded_on = models.DateField(_("awarded on"))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # Running total kept by funding.services under the grant's row lock.
    paid_mad = MoneyField(_("paid, net of reversals (MAD)"), default=ZERO, db_default=ZERO, editable=False)

    history = HistoricalRecords(excluded_fields=["paid_mad"])

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        # The grant list's order: a page is read from the index, not by sorting every grant.
        indexes = [models.Index(F("awarded_on").desc(), F("id").desc(), name="grant_list_order")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_mad__gte=0, paid_mad__lte=F("amount")), name="grant_paid_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} MAD · {self.project.reference}"


class GrantFunding(models.Model):
    """The share of a grant financed by one agreement (shares add up to the grant)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="funding")
    agreement = models.ForeignKey(FundingAgreement, on_delete=models.PROTECT, related_name="commitments")
    amount = MoneyField(_("share (MAD)"))
    # Running totals kept by funding.services under the grant's and agreement's row locks.
    paid_mad = MoneyField(_("paid (MAD)"), default=ZERO, db_default=ZERO, editable=False)
    paid_currency = models.DecimalField(
        _("paid (agreement currency)"), max_digits=16, decimal_places=2, default=ZERO, db_default=ZERO, editable=False
    )

    class Meta:
        verbose_name = _("grant funding share")
        verbose_name_plural = _("grant funding shares")
        constraints = [
            models.UniqueConstraint(fields=["grant", "agreement"], name="grant_agreement_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_share_positive"),
            models.CheckConstraint(
                condition=Q(paid_mad__gte=0, paid_mad__lte=F("amount"), paid_currency__gte=0),
                name="grant_share_paid_within_amount",
            ),
        ]


class Tranche(ChoiceLabels, models.Model):
    class Condition(models.TextChoices):
        NONE = "none", _("None")
        SATISFACTORY_VISIT = "satisfactory_visit", _("A satisfactory follow-up visit since the previous tranche")

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = MoneyField(_("amount (MAD)"))
    planned_date = models.DateField(_("planned date"))
    condition = models.CharField(_("release condition"), max_length=30, choices=Condition.choices, default="none")
    # Running total kept by funding.services under the grant's row lock.
    paid_mad = MoneyField(_("paid, net of reversals (MAD)"), default=ZERO, db_default=ZERO, editable=False)

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="tranche_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_mad__gte=0, paid_mad__lte=F("amount")), name="tranche_paid_within_amount"
            ),
        ]


def _receipt_path(instance: "Disbursement", filename: str) -> str:
    import uuid

    return f"funding/receipts/{instance.grant_id}/{uuid.uuid4().hex}"


class Disbursement(ChoiceLabels, models.Model):
    """A ledger entry: a payment, or a reversal of an earlier payment. Never edited."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        EQUIPMENT = "equipment", _("Equipment purchased on the project's behalf")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="disbursements")
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    # A foreign key, not one-to-one: a rejected reversal does not count, so the payment can
    # be reversed again; at most one reversal that is not rejected (partial unique index).
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount (MAD)"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    receipt = models.FileField(
        _("receipt"), storage=private_storage, upload_to=_receipt_path, blank=True, max_length=255
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Why a rejected entry was rejected (required: the ``disbursement_rejected_with_reason`` check).
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    # A token from the form: the same form posted twice records one entry.
    idempotency_key = models.CharField(max_length=64, unique=True)
    # The one agreement a programme manager chose to pay from; empty: the automatic split
    # across the grant's agreements, pro rata to their shares (funding.services.allocations).
    paid_from = models.ForeignKey(
        FundingAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid from (agreement chosen by a manager)"),
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("recorded_by")),
                name="disbursement_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(kind="payment", reverses__isnull=True) | Q(kind="reversal", reverses__isnull=False),
                name="disbursement_reversal_points_at_original",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="disbursement_decision_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="disbursement_rejected_with_reason"
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False) & ~Q(status="rejected"),
                name="disbursement_one_live_reversal",
            ),
            # A reversal takes back what its payment charged: it chooses no agreement.
            models.CheckConstraint(
                condition=Q(kind="payment") | Q(paid_from__isnull=True), name="disbursement_only_a_payment_chooses"
            ),
        ]
        indexes = [
            models.Index(fields=["grant", "status"]),
            models.Index(fields=["status", "date"]),
            # The default order, the Django admin's list of 1M entries.
            models.Index(fields=["date", "id"], name="disbursement_ledger_order"),
            # A grant's approved payments by date, with what tells whether a reversal takes
            # one back in full: each grant's first standing payment is one probe, read from
            # the index alone (reports.indicators.sources, the reports' financed projects).
            models.Index(
                fields=["grant", "date"],
                include=["id", "amount"],
                condition=Q(kind="payment", status="approved"),
                name="disbursement_standing_payment",
            ),
        ]

    # Once approved, these fields are the accounting record: never changed.
    FROZEN_WHEN_APPROVED = (
        "grant_id",
        "tranche_id",
        "kind",
        "reverses_id",
        "date",
        "amount",
        "method",
        "paid_from_id",
    )

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount} MAD ({self.date})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            before = type(self).objects.filter(pk=self.pk).values("status", *self.FROZEN_WHEN_APPROVED).first()
            if before and before["status"] != self.Status.PENDING:
                changed = [f for f in self.FROZEN_WHEN_APPROVED if before[f] != getattr(self, f)]
                if changed or before["status"] != self.status:
                    raise ValidationError(
                        _("A ledger entry that has been decided cannot be changed; record a reversal instead."),
                        code="ledger_entry_frozen",
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            _("Ledger entries are never deleted; record a reversal instead."), code="ledger_entry_not_deletable"
        )

    @property
    def signed_amount(self):
        return -self.amount if self.kind == self.Kind.REVERSAL else self.amount


class DisbursementAllocation(models.Model):
    """The part of a disbursement charged to one agreement, in MAD and in the
    agreement's currency at the rate in force on the disbursement's date."""

    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="allocations")
    agreement = models.ForeignKey(FundingAgreement, on_delete=models.PROTECT, related_name="allocations")
    amount_mad = MoneyField(_("amount (MAD)"))
    amount_currency = models.DecimalField(_("amount (agreement currency)"), max_digits=16, decimal_places=2)
    rate = models.DecimalField(_("rate used"), max_digits=14, decimal_places=6)

    class Meta:
        verbose_name = _("disbursement allocation")
        verbose_name_plural = _("disbursement allocations")
        constraints = [
            models.UniqueConstraint(fields=["disbursement", "agreement"], name="allocation_once"),
            models.CheckConstraint(condition=Q(amount_mad__gt=0), name="allocation_amount_positive"),
        ]


class ChecklistItem(models.Model):
    """A configurable item of the follow-up visit checklist."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "fr")[:2]
        return getattr(self, f"label_{lang}", None) or self.label_fr


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    CLOSED = "closed", _("Closed")
    MOVED = "moved", _("Moved")
    NOT_FOUND = "not_found", _("Not found")


class FollowUpVisit(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        PHONE = "phone", _("By phone")

    class Verdict(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        UNSATISFACTORY = "unsatisfactory", _("Not satisfactory")

    project = models.ForeignKey(BusinessProject, on_delete=models.PROTECT, related_name="visits")
    months_after_funding = models.PositiveSmallIntegerField(_("months after funding"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    done_on = models.DateField(_("visit date"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, blank=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    business_status = models.CharField(_("business status"), max_length=20, choices=BusinessStatus.choices, blank=True)
    monthly_revenue = MoneyField(_("monthly revenue (MAD)"), null=True, blank=True)
    monthly_costs = MoneyField(_("monthly costs (MAD)"), null=True, blank=True)
    jobs_refugee_women = models.PositiveSmallIntegerField(_("refugee women employed"), default=0)
    jobs_refugee_men = models.PositiveSmallIntegerField(_("refugee men employed"), default=0)
    jobs_moroccan_women = models.PositiveSmallIntegerField(_("Moroccan women employed"), default=0)
    jobs_moroccan_men = models.PositiveSmallIntegerField(_("Moroccan men employed"), default=0)
    observations = models.TextField(_("observations"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    checklist = models.ManyToManyField(ChecklistItem, blank=True, verbose_name=_("checklist items met"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["project", "status"]),
            # The default order, the Django admin's list.
            models.Index(fields=["due_date", "id"], name="visit_due_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False, verdict__gt="", business_status__gt="")
                | ~Q(status="done"),
                name="visit_done_is_complete",
            ),
            models.CheckConstraint(
                condition=(Q(monthly_revenue__isnull=True) | Q(monthly_revenue__gte=0))
                & (Q(monthly_costs__isnull=True) | Q(monthly_costs__gte=0)),
                name="visit_amounts_not_negative",
            ),
        ]


class ActionPoint(models.Model):
    visit = models.ForeignKey(FollowUpVisit, on_delete=models.CASCADE, related_name="action_points")
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")


def _photo_path(instance: "VisitPhoto", filename: str) -> str:
    import uuid

    return f"funding/visits/{instance.visit_id}/{uuid.uuid4().hex}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(FollowUpVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), storage=private_storage, upload_to=_photo_path, max_length=255)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class VisitDraft(models.Model):
    """A visit form being filled in, kept server-side for its author: the fields as typed
    (saved while typing and on a refused submission) and the photos already uploaded, so
    a dropped connection or a refused form loses nothing. ``key`` names the form: ``v<pk>``
    for a scheduled visit, ``x<project pk>`` for an extra visit. Gone once the visit is saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=30)
    project = models.ForeignKey(BusinessProject, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit draft")
        verbose_name_plural = _("visit drafts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="visit_draft_one_per_form")]


def _pending_photo_path(instance: "PendingVisitPhoto", filename: str) -> str:
    import uuid

    return f"funding/pending/{instance.draft_id}/{uuid.uuid4().hex}"


class PendingVisitPhoto(models.Model):
    """A photo uploaded with a visit form that was refused: kept (private storage) until
    the visit is saved, when it becomes a ``VisitPhoto``."""

    draft = models.ForeignKey(VisitDraft, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), storage=private_storage, upload_to=_pending_photo_path, max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending visit photo")
        verbose_name_plural = _("pending visit photos")
