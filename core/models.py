"""Shared models: users and their scope (office, partner organisation) and reference data."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ChoiceLabels


class TimeStampedModel(ChoiceLabels, models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TranslatedNameModel(ChoiceLabels, models.Model):
    """A name stored in the three UI languages; ``.name`` gives the active one."""

    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"name_{lang}", None) or self.name_fr


class Region(TranslatedNameModel):
    """One of Morocco's 12 regions (2015 division), ISO 3166-2:MA code."""

    code = models.CharField(_("code"), max_length=5, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class City(TranslatedNameModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities", verbose_name=_("region"))
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")


class Office(TranslatedNameModel):
    """An AMAPPE office. Caseworkers see the cases of their own office only."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="offices", verbose_name=_("city"))
    is_head_office = models.BooleanField(_("head office"), default=False)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")


class PartnerOrganisation(TranslatedNameModel):
    """A programme partner (UNHCR, the Ministry, ANAPEC, ODCO, AMAPPE) or a donor.

    Partner officers belong to one; it decides which reports and figures they see.
    """

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        GOVERNMENT = "government", _("Government")
        PUBLIC_AGENCY = "public_agency", _("Public agency")
        NGO = "ngo", _("NGO")
        DONOR = "donor", _("Donor")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    acronym = models.CharField(_("acronym"), max_length=30)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.acronym


class User(ChoiceLabels, AbstractUser):
    """A Sanad user. The role is the user's group (see core.roles); the scope is the
    office (caseworkers) or the partner organisation (partner officers)."""

    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("office")
    )
    partner_organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("partner organisation"),
    )
    # The daily e-mail digest of the user's to-do (core.digest): on unless turned off, in
    # ``language`` (blank: the site's default language).
    daily_digest = models.BooleanField(
        _("daily e-mail digest"),
        default=True,
        help_text=_("Each morning, an e-mail with what awaits you (counts and links, no personal data)."),
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, blank=True, choices=settings.LANGUAGES, default=""
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role(self) -> str | None:
        from core.roles import role_of

        return role_of(self)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class DigestSent(models.Model):
    """One daily digest sent to one user on one day: a second run that day is a no-op."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    lines = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_per_day")]


class SecurityEvent(ChoiceLabels, models.Model):
    """The security log: sign-ins and their failures, lockouts, second-factor events and
    password changes (core.security.log writes it; a programme manager reads it)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Locked out")
        MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
        MFA_VERIFIED = "mfa_verified", _("Second factor given")
        MFA_FAILED = "mfa_failed", _("Wrong second-factor code")
        MFA_RECOVERY_USED = "mfa_recovery_used", _("Recovery code used")
        MFA_RECOVERY_NEW = "mfa_recovery_new", _("New recovery codes")
        MFA_RESET = "mfa_reset", _("Second factor reset by an administrator")
        PASSKEY_ADDED = "passkey_added", _("Passkey added")
        PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")
        PASSKEY_USED = "passkey_used", _("Second factor given with a passkey")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset by email")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username given"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


# The webhooks' models belong to this app (migration core.0005); they live in their package.
from core.api.models import ApiToken  # noqa: E402, F401  (an API token is a core model)
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent  # noqa: E402, F401
