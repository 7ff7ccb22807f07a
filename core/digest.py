"""Reminders: the daily e-mail digest of each user's to-do (``core.registry.todo``).

What a reminder is here: the to-do itself is in-app (the home page's panel and the
"To do" badge of the navigation, always current); the digest is one e-mail a day, sent
by beat (``core.tasks.send_daily_digests``, 07:00) to every active user with a role, an
e-mail address, ``daily_digest`` on and something to do. It holds the same lines as the
home page, counts and links only: no names, no numbers of a person, nothing the user
could not see by signing in. It is written in the user's ``language`` (blank: the site's).

Idempotent: a ``DigestSent`` row per user and day is written in the same transaction as
the sending; a second run that day (beat twice, a retry after a crash) sends nothing.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import DigestSent
from core.registry import todo
from core.roles import roles_of

log = logging.getLogger(__name__)


@transaction.atomic
def reminder_settings_update(*, user, by, daily_digest: bool, language: str) -> None:
    """A user's own reminder settings (nobody else's: PermissionDenied)."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Only the user themselves may change their reminder settings."))
    user.daily_digest = daily_digest
    user.language = language
    user.save(update_fields=["daily_digest", "language"])


def digest_recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, daily_digest=True)
        .exclude(email="")
        .filter(groups__isnull=False)
        .distinct()
        .order_by("pk")
    )


def digest_send(*, user, day: datetime.date) -> bool:
    """Send ``user`` their digest for ``day`` unless already sent or empty; True if sent."""
    if not user.daily_digest or not user.email or not roles_of(user):
        return False
    if DigestSent.objects.filter(user=user, day=day).exists():
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        lines = todo.for_user(user)
        if not lines:
            return False
        context = {"user": user, "lines": lines, "site_url": settings.SITE_URL.rstrip("/"), "day": day}
        subject = _("Sanad: what awaits you today")
        body = render_to_string("core/email/digest.txt", context)
        html = render_to_string("core/email/digest.html", context)
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day, lines=len(lines))
            send_mail(subject, body, None, [user.email], html_message=html)
    except IntegrityError:  # another run sent it meanwhile
        return False
    return True


def send_daily_digests(*, day: datetime.date | None = None) -> int:
    """Every recipient's digest for ``day`` (today); returns how many were sent."""
    day = day or timezone.localdate()
    sent = 0
    for user in digest_recipients():
        try:
            sent += digest_send(user=user, day=day)
        except Exception:  # one bad address must not stop the others
            log.exception("daily digest to user %s failed", user.pk)
    log.info("daily digests sent: %s", sent)
    return sent
