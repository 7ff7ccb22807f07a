"""The login lockout with two limits (``AXES_LOCKOUT_PARAMETERS`` holds both keys):

* a username from one address: ``AXES_FAILURE_LIMIT`` failures (5);
* a username from every address together: ``AXES_USERNAME_FAILURE_LIMIT`` (20), so a
  password guessed from many addresses (credential stuffing) is limited too.

django-axes compares one count with one limit; this handler scales the username-wide
count to that limit, so either one reaching its own limit locks. A username that does not
exist is counted and locked like one that does: the lockout tells nothing about accounts.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


class SanadAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_address, per_username = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = get_failure_limit(request, credentials)
        username_limit = max(1, settings.AXES_USERNAME_FAILURE_LIMIT)
        return max(per_address, per_username * limit // username_limit)
