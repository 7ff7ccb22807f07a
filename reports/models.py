"""Report runs: one partner report for one period, built in the background and stored.

A run is requested (``queued``), built by a Celery task (``running`` then ``done`` or
``failed`` with a readable error) and stored privately with its SHA-256. A running run is
owned by a lease (the worker, and until when; the worker renews it while it builds), not
by a message in Redis: ``services.report_runs_reconcile`` (beat, every minute) sends again
a queued run whose message is gone and takes back a run whose lease expired. A programme
manager signs a done run off: from then on it cannot change. Asking again for the same
report, partner and period makes the next version; ``figures`` keeps the numbers so two
versions can be compared.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels, PartnerOrganisation
from core.storage import private_storage


class ReportRun(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        PDF = "pdf", _("PDF")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    class Language(models.TextChoices):
        FR = "fr", _("French")
        AR = "ar", _("Arabic")
        EN = "en", _("English")

    code = models.CharField(_("report"), max_length=30)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("partner"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    format = models.CharField(_("format"), max_length=5, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(_("scheduled"), default=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    lease_owner = models.CharField(_("built by"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), storage=private_storage, blank=True, max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    notified_at = models.DateTimeField(_("partners notified at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "partner", "period_start", "period_end", "version"],
                name="report_run_version_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_run_period_ordered"),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(status="done", signed_off_by__isnull=False),
                name="report_run_signed_off_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["status", "lease_expires_at"], name="report_run_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period_start}..{self.period_end} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk:
            signed = ReportRun.objects.filter(pk=self.pk, signed_off_at__isnull=False).exists()
            if signed:
                raise ValidationError(_("A signed-off report cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed_off:
            raise ValidationError(_("A signed-off report cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def download_name(self) -> str:
        partner = f"-{self.partner.code}" if self.partner_id else ""
        period = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
        return f"sanad-{self.code}{partner}-{period}-v{self.version}.{self.format}"


class ProjectFacts(models.Model):
    """Per project, the dates the dashboard keeps asking the 1,000,000-row ledger for (its
    first approved start-up and reinforcement payments) and its survival time from the
    300,000 visits. Derived data owned by reports (``reports.facts``): recomputed for a
    project after each write to its payments or visits, and rebuilt whole every night."""

    project = models.OneToOneField(
        "projects.BusinessProject", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # The first approved payment not taken back whole by an approved reversal (the date the
    # project is financed: ``reports.indicators.sources.first_paid_between``), and the date
    # of the latest such reversal: from that day on the first date is exact for any
    # period's end; for an earlier end the project's payments are read (null: no reversal).
    first_startup_payment = models.DateField(null=True, db_index=True)
    first_reinforcement_payment = models.DateField(null=True, db_index=True)
    startup_exact_from = models.DateField(null=True)
    reinforcement_exact_from = models.DateField(null=True)
    # Kaplan-Meier over all its done visits: the month of the first one finding the
    # business not operating, of the last one, and the date of the latest (the pair is
    # the project's survival time for any period ending on or after that date).
    km_failed_at = models.PositiveSmallIntegerField(null=True)
    km_seen_at = models.PositiveSmallIntegerField(null=True)
    km_complete_from = models.DateField(null=True)
    # The first done N-month visit, and the first finding the business operating (the
    # survival indicators at N = 6, 12, 24 months, exact for any period's end).
    visit_6m_done_on = models.DateField(null=True)
    visit_6m_operating_on = models.DateField(null=True)
    visit_12m_done_on = models.DateField(null=True)
    visit_12m_operating_on = models.DateField(null=True)
    visit_24m_done_on = models.DateField(null=True)
    visit_24m_operating_on = models.DateField(null=True)


class _LedgerPlace(models.Model):
    """The dimensions the dashboard filters the money series by, as they were when an
    amount was filed (``reports.ledger_facts``): the project's office, region and city and
    its lead member's sex, nationality and legal status (null: the project has no lead)."""

    office = models.ForeignKey("core.Office", on_delete=models.CASCADE, null=True, related_name="+")
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, null=True, related_name="+")
    city = models.ForeignKey("core.City", on_delete=models.CASCADE, null=True, related_name="+")
    lead_sex = models.CharField(max_length=1, null=True)
    lead_nationality = models.CharField(max_length=2, null=True)
    lead_legal_status = models.CharField(max_length=20, null=True)

    class Meta:
        abstract = True


class LedgerQuarter(_LedgerPlace):
    """Approved payments and reversals in MAD per quarter, agreement and the project's
    place (``_LedgerPlace``): the dashboard's "disbursed per donor and quarter" without
    reading every allocation. Derived data: the rows of a key add up (each approved
    allocation adds one in the transaction that writes it; a rebuild leaves one per key)."""

    quarter = models.DateField()  # the quarter's first day
    agreement = models.ForeignKey("funding.FundingAgreement", on_delete=models.CASCADE, related_name="+")
    payments_mad = models.DecimalField(max_digits=18, decimal_places=2)
    reversals_mad = models.DecimalField(max_digits=18, decimal_places=2)


class LedgerUnits(_LedgerPlace):
    """Per quarter, donor and place, how many projects make the amount: those whose
    approved allocations to that donor's agreements in the quarter do not net to zero.
    Rows of a key add up (+1 when an approval makes a project's net non-zero, -1 when a
    reversal brings it back to zero; a rebuild leaves one per key)."""

    quarter = models.DateField()
    donor = models.ForeignKey("core.PartnerOrganisation", on_delete=models.CASCADE, related_name="+")
    units = models.IntegerField()


class DataVersion(models.Model):
    """The data version where there are no sequences (SQLite); on PostgreSQL it is the
    sequence ``reports_data_version`` (see ``reports.caching``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)


class FactsState(models.Model):
    """One row: when the facts were last rebuilt whole. Until then (``refreshed_at`` is
    null) the dashboard computes from the records; afterwards the facts are kept up to date
    write by write (``reports.facts``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)


class FactsPending(models.Model):
    """A project whose ``ProjectFacts`` row must be recomputed: written in the same
    transaction as the visit or payment that changed it, so it is committed (or rolled
    back) with it, and consumed by ``reports.facts.facts_sync``. A plain id, not a foreign
    key: the project may be being deleted in the same transaction."""

    project_id = models.BigIntegerField()


class DisclosureMemory(models.Model):
    """The cells a partner's publication for one period has hidden so far. Every later build
    of that publication (a new report version, the dashboard after a correction) hides them
    again, so comparing two versions never uncovers a cell that one of them hid
    (``reports.disclosure``). Cell keys are stored as JSON text, never values."""

    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, verbose_name=_("partner"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    hidden = models.JSONField(_("hidden cells"), default=list)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("disclosure memory")
        verbose_name_plural = _("disclosure memories")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_start", "period_end"], name="disclosure_memory_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.period_start}..{self.period_end}"
