"""The refugee registry: profiles, consent, private documents, notes, view log, erasure log.

Every change to a profile, a consent or a document is kept by django-simple-history
(``history``); every view of a profile is a ``ProfileView`` row.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.models import ChoiceLabels, City, Office, PartnerOrganisation, Region, TimeStampedModel
from core.storage import private_storage
from refugees.names import name_key, search_key
from refugees.validators import validate_case_number, validate_phone, validate_unhcr_number


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class LegalStatus(models.TextChoices):
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No formal education")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    VOCATIONAL = "vocational", _("Vocational training")
    UNIVERSITY = "university", _("University")


class ReferralSource(models.TextChoices):
    UNHCR = "unhcr", _("UNHCR")
    PARTNER_NGO = "partner_ngo", _("Partner NGO")
    ANAPEC = "anapec", _("ANAPEC")
    SELF = "self", _("Came on their own")
    COMMUNITY = "community", _("Community / word of mouth")
    OTHER = "other", _("Other")


class SpecificNeed(models.TextChoices):
    DISABILITY = "disability", _("Disability")
    SINGLE_PARENT = "single_parent", _("Single parent")
    SERIOUS_MEDICAL = "serious_medical", _("Serious medical condition")
    OLDER_PERSON_AT_RISK = "older_at_risk", _("Older person at risk")
    WOMAN_AT_RISK = "woman_at_risk", _("Woman at risk")
    SURVIVOR_OF_VIOLENCE = "survivor_violence", _("Survivor of violence")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    SANGO = "sg", _("Sango")
    KURDISH = "ku", _("Kurdish")
    OTHER = "other", _("Other")


class RefugeeStatus(models.TextChoices):
    """Derived from what happened to the person; never typed by a user."""

    REGISTERED = "registered", _("Registered")
    SENSITISED = "sensitised", _("Sensitised")
    TRAINED = "trained", _("Trained")
    APPLICANT = "applicant", _("Applicant")
    FINANCED = "financed", _("Financed")
    EXITED = "exited", _("Exited")


class Refugee(TimeStampedModel):
    unhcr_individual_number = models.CharField(
        _("UNHCR individual number"), max_length=20, unique=True, validators=[validate_unhcr_number]
    )
    unhcr_case_number = models.CharField(
        _("UNHCR case number"), max_length=20, blank=True, validators=[validate_case_number]
    )
    first_name_latin = models.CharField(_("first name (Latin script)"), max_length=100)
    last_name_latin = models.CharField(_("last name (Latin script)"), max_length=100)
    first_name_ar = models.CharField(_("first name (Arabic script)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic script)"), max_length=100, blank=True)
    # Normalised name (see refugees.names), maintained by the services for search and
    # duplicate detection. Not shown to users.
    # A trigram index (migration 0002) for the probable duplicates (similarity); no b-tree:
    # nothing looks a name key up by equality or prefix (migration 0012).
    name_key = models.CharField(max_length=250, blank=True, editable=False)
    # Every word of the names in Latin, Arabic and skeleton forms (refugees.names.search_key),
    # what the name search reads (trigram index on PostgreSQL, migration 0008). Not shown.
    search_key = models.CharField(max_length=502, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Small integers whose lower bounds are the Meta check constraints (a "positive" field
    # would add a second, weaker check in the database).
    birth_year = models.SmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    date_of_birth_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    nationality = CountryField(_("nationality"))
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    arrival_date = models.DateField(_("arrival in Morocco"), null=True, blank=True)
    # The list filters by region (its index finds a rare or empty region at once). No index
    # on the city: only deleting a city looks its people up (PROTECT), and that reads its
    # thousands of rows either way.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, db_index=False, verbose_name=_("city")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    languages = models.JSONField(_("languages"), default=list, blank=True)
    education_level = models.CharField(_("education level"), max_length=20, choices=EducationLevel.choices, blank=True)
    previous_occupation = models.CharField(_("previous occupation"), max_length=200, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    household_size = models.SmallIntegerField(_("household size"), default=1, validators=[MinValueValidator(1)])
    specific_needs = models.JSONField(_("specific needs"), default=list, blank=True)
    referral_source = models.CharField(_("referral source"), max_length=20, choices=ReferralSource.choices)
    intake_date = models.DateField(_("intake date"))
    # The office's look-ups use the indexes that start with it (Meta), not one of its own.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="refugees", db_index=False, verbose_name=_("office")
    )
    # Indexed only where set (Meta: deleting a user finds their people; an import sets none).
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="assigned_refugees",
        verbose_name=_("assigned caseworker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RefugeeStatus.choices, default=RefugeeStatus.REGISTERED, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    # The history is read by person (``id``) and date only: no indexes on the number, the name
    # key or the copied foreign keys there (the import writes a history row per person).
    history = HistoricalRecords(
        no_db_index=["unhcr_individual_number", "name_key", "office", "city", "region", "caseworker"]
    )

    class Meta:
        ordering = ["last_name_latin", "first_name_latin", "pk"]
        verbose_name = _("refugee")
        verbose_name_plural = _("refugees")
        constraints = [
            models.CheckConstraint(condition=Q(household_size__gte=1), name="refugee_household_size_positive"),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900), name="refugee_birth_year_sane"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "intake_date"]),
            # Refugees received in a period, by region (the dashboard, the reports): an
            # index-only scan; "id" lets the other region counts scan it instead of the table.
            models.Index(fields=["intake_date"], include=["region", "id"], name="refugee_intake_region"),
            # The list's default order, whole registry and per office (index scan + LIMIT).
            models.Index(fields=["last_name_latin", "first_name_latin", "id"], name="refugee_name_order"),
            models.Index(
                fields=["office", "last_name_latin", "first_name_latin", "id"], name="refugee_office_name_order"
            ),
            # The list's filters: a rare nationality (with sex and age bracket), a rare status.
            models.Index(fields=["nationality", "sex", "date_of_birth"], name="refugee_nationality_sex_birth"),
            models.Index(fields=["status", "office"], name="refugee_status_office"),
            models.Index(fields=["caseworker"], condition=Q(caseworker__isnull=False), name="refugee_caseworker_set"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name_latin} ({self.unhcr_individual_number})"

    def set_name_keys(self) -> None:
        """Derive ``name_key`` (duplicates) and ``search_key`` (search) from the names."""
        self.name_key = name_key(self.first_name_latin, self.last_name_latin)
        self.search_key = search_key(self.first_name_latin, self.last_name_latin, self.first_name_ar, self.last_name_ar)

    @property
    def full_name_latin(self) -> str:
        return f"{self.first_name_latin} {self.last_name_latin}".strip()

    @property
    def full_name_ar(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}".strip()


class Consent(TimeStampedModel):
    class Purpose(models.TextChoices):
        PARTICIPATION = "participation", _("Programme participation")
        SHARE_IDENTIFIABLE = "share_identifiable", _("Sharing identifiable data with a named partner")

    refugee = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="consents", verbose_name=_("refugee"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("partner")
    )
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="participation") | Q(partner__isnull=False),
                name="consent_sharing_names_partner",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]


def _document_path(instance: "RefugeeDocument", filename: str) -> str:
    import uuid

    return f"refugees/{instance.refugee_id}/{uuid.uuid4().hex}"


class RefugeeDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        ID_CARD = "id_card", _("ID card")
        REFUGEE_CERTIFICATE = "refugee_certificate", _("Refugee certificate")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    refugee = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="documents", verbose_name=_("refugee"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class RefugeeNote(TimeStampedModel):
    refugee = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="notes", verbose_name=_("refugee"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("author"))
    text = models.TextField(_("note"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class ProfileView(ChoiceLabels, models.Model):
    """The view log: who was shown which person's identifying data, when, and what
    (``what``: the profile, a form, a list of named people, a file, an admin page; ``page``:
    the URL name that showed it). Written by ``refugees.viewlog`` only (docs/refugees.md)."""

    class What(models.TextChoices):
        PROFILE = "profile", _("profile")
        FORM = "form", _("form about the person")
        LIST = "list", _("list of named people")
        EXPORT = "export", _("export file")
        DOCUMENT = "document", _("document")
        ADMIN = "admin", _("administration page")

    refugee = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="views", verbose_name=_("refugee"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"))
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)
    what = models.CharField(_("what was shown"), max_length=10, choices=What.choices, default=What.PROFILE)
    page = models.CharField(_("page"), max_length=100, blank=True)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("profile view")
        verbose_name_plural = _("profile views")


class DuplicateConfirmation(models.Model):
    """A user's recorded confirmation that a probable duplicate is a different person."""

    refugee = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="+", verbose_name=_("refugee"))
    other = models.ForeignKey(Refugee, on_delete=models.CASCADE, related_name="+", verbose_name=_("other profile"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate confirmation")
        verbose_name_plural = _("duplicate confirmations")
        constraints = [models.UniqueConstraint(fields=["refugee", "other"], name="duplicate_confirmation_unique")]


class ErasureLog(models.Model):
    """One anonymisation: who, when, and what was removed (kinds of data with the number
    of rows and files), never the removed values. ``removals`` is a list of
    ``{"kind": ..., "rows": n, "files": n}`` (kinds: ``refugees.erasure.KINDS``)."""

    refugee = models.ForeignKey(Refugee, on_delete=models.PROTECT, related_name="erasures", verbose_name=_("refugee"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("anonymised by")
    )
    at = models.DateTimeField(_("anonymised at"))
    removals = models.JSONField(_("removed (kinds of data and counts)"), default=list)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("erasure log record")
        verbose_name_plural = _("erasure log")
