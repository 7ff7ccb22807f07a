"""The authentication backend: Django's ``ModelBackend`` whose per-request user fetch
brings what every page needs in the same query.

``AuthenticationMiddleware`` calls ``get_user`` once per request (lazily, on the first use
of ``request.user``). Here that one query also reads the user's office, partner
organisation and roles (``core.roles.with_roles``), so the navigation, ``base.html`` and
the access helpers (``roles_of``, ``user.office``) make no query of their own. Signing in
(``authenticate``) and the Django admin's permissions are ModelBackend's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.roles import with_roles


class SanadBackend(ModelBackend):
    def get_user(self, user_id):
        users = with_roles(get_user_model()._default_manager.select_related("office", "partner_organisation"))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
