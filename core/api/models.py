"""API tokens: each belongs to a user or to a partner organisation, carries scopes, an
expiry and an optional address allow-list, and is stored as the SHA-256 of its secret
(the secret is shown once, at creation; its first characters, the prefix, find the row)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    AGGREGATES_READ = "aggregates:read", _("Read the protected indicators")
    REPORTS_READ = "reports:read", _("Read the report runs and their files")
    CASES_READ = "cases:read", _("Read case records")
    CASES_WRITE = "cases:write", _("Write case records")


# What a partner organisation's token may carry: aggregates only, never a case.
PARTNER_SCOPES = (Scope.AGGREGATES_READ, Scope.REPORTS_READ)


class ApiToken(models.Model):
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    partner_organisation = models.ForeignKey(
        "core.PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("partner organisation"),
    )
    # Lists in JSON (SQLite, the `make run` default, has no array type): scope values, and
    # addresses or networks.
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    allowed_ips = models.JSONField(_("allowed addresses"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last address"), null=True, blank=True)
    use_count = models.PositiveBigIntegerField(_("uses"), default=0)

    class Meta:
        app_label = "core"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, partner_organisation__isnull=True)
                | models.Q(user__isnull=True, partner_organisation__isnull=False),
                name="api_token_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def owner(self):
        return self.user or self.partner_organisation

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def allows_address(self, address: str | None) -> bool:
        if not self.allowed_ips:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        for entry in self.allowed_ips:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False
