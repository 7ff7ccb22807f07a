"""Business projects: sessions and attendance, applications with members, budget and
feasibility study, the status workflow, the validation committee and cooperatives.

Status changes only through ``projects.services`` transition services (one per
transition, see ``projects.workflow``); each writes a ``ProjectTransition`` row.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import ChoiceLabels, City, Office, PartnerOrganisation, Region, TimeStampedModel
from core.money import MoneyField
from core.storage import private_storage
from refugees.models import Refugee


class Session(TimeStampedModel):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Awareness campaign on self-employment")
        TRAINING = "training", _("Training")

    class TrainingTopic(models.TextChoices):
        ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
        MANAGEMENT = "management", _("Business management")
        TRADE = "trade", _("A trade")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    training_topic = models.CharField(_("training topic"), max_length=20, choices=TrainingTopic.choices, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    date = models.DateField(_("date"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, verbose_name=_("city"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("office"))
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("run by")
    )
    facilitator = models.CharField(_("facilitator"), max_length=150, blank=True)
    unregistered_attendees = models.PositiveIntegerField(_("unregistered attendees"), default=0)
    attendees = models.ManyToManyField(
        Refugee, through="Attendance", related_name="sessions", blank=True, verbose_name=_("attendees")
    )

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.topic} ({self.date:%Y-%m-%d})"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    refugee = models.ForeignKey(Refugee, on_delete=models.PROTECT, related_name="attendance")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    # Who marked whom present or absent, when (the register ticked in bulk writes these rows
    # itself: projects.services.sessions.attendance_set).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "refugee"], name="attendance_once_per_session")]


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture and livestock")
    FOOD = "food", _("Food and catering")
    RETAIL = "retail", _("Retail trade")
    CRAFTS = "crafts", _("Crafts")
    TEXTILE = "textile", _("Tailoring and textile")
    BEAUTY = "beauty", _("Hairdressing and beauty")
    SERVICES = "services", _("Services")
    CONSTRUCTION = "construction", _("Construction and repairs")
    TRANSPORT = "transport", _("Transport and delivery")
    ICT = "ict", _("Phones, computers and IT")
    OTHER = "other", _("Other")


class LegalForm(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual activity")
    AUTO_ENTREPRENEUR = "auto_entrepreneur", _("Auto-entrepreneur")
    COOPERATIVE = "cooperative", _("Cooperative")
    COMPANY = "company", _("Company")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FUNDED = "funded", _("Funded")
    OPERATING = "operating", _("Operating")
    CLOSED = "closed", _("Closed")


class ProjectOutcome(models.TextChoices):
    SUSTAINED = "sustained", _("Business sustained, support completed")
    CLOSED_BUSINESS = "closed_business", _("Business closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    RESETTLED = "resettled", _("Member resettled or left Morocco")
    OTHER = "other", _("Other")


# Statuses in which a membership is "active" (a refugee may be in one such project only).
ACTIVE_STATUSES = (
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.UNDER_REVIEW,
    ProjectStatus.APPROVED,
    ProjectStatus.FUNDED,
    ProjectStatus.OPERATING,
)


class BusinessProject(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    activity = models.CharField(_("activity"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, verbose_name=_("city"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="projects", verbose_name=_("office"))
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caseworker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT, editable=False
    )
    own_contribution = MoneyField(_("own contribution (MAD)"), default=0)
    approved_amount = MoneyField(_("approved amount (MAD)"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ProjectOutcome.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("business project")
        verbose_name_plural = _("business projects")
        constraints = [
            models.CheckConstraint(condition=Q(own_contribution__gte=0), name="project_own_contribution_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="project_approved_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["-created_at", "-id"], name="project_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == ProjectStatus.DRAFT


class ProjectMember(models.Model):
    project = models.ForeignKey(BusinessProject, on_delete=models.CASCADE, related_name="members")
    refugee = models.ForeignKey(Refugee, on_delete=models.PROTECT, related_name="project_memberships")
    is_lead = models.BooleanField(_("lead"), default=False)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, default=100)
    # Kept in step with the project's status by the services: True while the project is
    # in ACTIVE_STATUSES. The partial unique constraint below makes "one active project
    # per refugee" a database rule.
    is_active = models.BooleanField(default=True, editable=False)
    joined_on = models.DateField(_("joined on"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "refugee"], name="member_once_per_project"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_lead=True), name="one_lead_per_project"),
            models.UniqueConstraint(
                fields=["refugee"], condition=Q(is_active=True), name="one_active_project_per_refugee"
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100), name="member_share_in_range"
            ),
        ]


class BudgetLine(ChoiceLabels, models.Model):
    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        STOCK = "stock", _("Stock")
        PREMISES = "premises", _("Premises / rent")
        WORKING_CAPITAL = "working_capital", _("Working capital")
        OTHER = "other", _("Other")

    project = models.ForeignKey(BusinessProject, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_cost = MoneyField(_("unit cost (MAD)"))
    total = models.GeneratedField(
        expression=F("quantity") * F("unit_cost"),
        output_field=models.DecimalField(max_digits=24, decimal_places=4),
        db_persist=True,
        verbose_name=_("total (MAD)"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="budget_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gt=0), name="budget_unit_cost_positive"),
        ]


def _study_path(instance: "FeasibilityStudy", filename: str) -> str:
    import uuid

    return f"projects/{instance.project_id}/study-{uuid.uuid4().hex}"


class FeasibilityStudy(TimeStampedModel):
    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        RESERVED = "reserved", _("Favourable with reservations")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

    project = models.OneToOneField(BusinessProject, on_delete=models.CASCADE, related_name="feasibility_study")
    market = models.TextField(_("market"))
    competition = models.TextField(_("competition"))
    expected_monthly_revenue = MoneyField(_("expected monthly revenue (MAD)"))
    expected_monthly_costs = MoneyField(_("expected monthly costs (MAD)"))
    opinion = models.CharField(_("caseworker's opinion"), max_length=20, choices=Opinion.choices)
    opinion_text = models.TextField(_("caseworker's comments"), blank=True)
    document = models.FileField(
        _("attached document"), storage=private_storage, upload_to=_study_path, blank=True, max_length=255
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feasibility study")
        verbose_name_plural = _("feasibility studies")
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_monthly_revenue__gte=0) & Q(expected_monthly_costs__gte=0),
                name="study_amounts_not_negative",
            ),
        ]


class ProjectTransition(ChoiceLabels, models.Model):
    """One status change of a project: who, when, from, to, why."""

    project = models.ForeignKey(BusinessProject, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ProjectStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("by"))
    at = models.DateTimeField(_("at"), db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        indexes = [models.Index(fields=["to_status", "at"])]


class ScoringCriterion(models.Model):
    """A criterion of the committee's weighted grid (configured in the admin)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"name_{lang}", None) or self.name_fr


class CommitteeSitting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")

    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=150, blank=True)
    quorum = models.PositiveSmallIntegerField(_("quorum"), default=3)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    # Records the decision on an item the chair declared a conflict on (a member of the
    # sitting, not the chair); without one, or conflicted too, that decision waits.
    deputy_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("deputy chair"),
        help_text=_("A member of the sitting who records the decision on a project the chair declared a conflict on."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="committee_sittings", verbose_name=_("members")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    # What the minutes record of the sitting itself: when it opened and closed, and which of
    # its members were present (``projects.services.committee.sitting_attendance``).
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sittings_attended", blank=True, verbose_name=_("members present")
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("committee sitting")
        verbose_name_plural = _("committee sittings")
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="sitting_quorum_positive"),
            models.CheckConstraint(condition=~Q(deputy_chair=F("chair")), name="sitting_deputy_not_chair"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.location}".strip()

    def clean(self) -> None:
        if self.deputy_chair_id is not None and self.deputy_chair_id == self.chair_id:
            raise ValidationError(
                {"deputy_chair": _("The deputy chair is another member than the chair.")}, code="deputy_is_chair"
            )


class AgendaItem(models.Model):
    sitting = models.ForeignKey(CommitteeSitting, on_delete=models.CASCADE, related_name="agenda")
    project = models.ForeignKey(BusinessProject, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["sitting", "project"], name="agenda_project_once")]


class Score(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.PROTECT)
    value = models.PositiveSmallIntegerField(_("score (0-10)"))
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["item", "member", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__lte=10), name="score_value_0_10"),
        ]


class ConflictOfInterest(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="conflict_once_per_member")]


class CommitteeDecision(ChoiceLabels, models.Model):
    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for revision")

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    approved_amount = MoneyField(_("approved amount (MAD)"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason or requests"), blank=True)
    weighted_score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="approved") | Q(approved_amount__gt=0),
                name="decision_approval_has_amount",
            ),
        ]


class Cooperative(TimeStampedModel):
    """ODCO steps of a project whose legal form is a cooperative."""

    project = models.OneToOneField(BusinessProject, on_delete=models.CASCADE, related_name="cooperative")
    proposed_name = models.CharField(_("proposed name"), max_length=200)
    name_approval_date = models.DateField(_("ODCO name approval date"), null=True, blank=True)
    name_approval_reference = models.CharField(_("ODCO name approval reference"), max_length=60, blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_date__isnull=True) | Q(name_approval_date__isnull=False),
                name="cooperative_registered_after_name_approval",
            ),
        ]
