from django.conf import settings

from core.registry import nav
from core.roles import Role, role_of, roles_of


def sanad(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None, "user_roles": frozenset(), "Role": Role}
    return {
        "nav_items": nav.for_user(user),
        "user_role": role_of(user),
        "user_role_label": Role(role_of(user)).label if role_of(user) else "",
        "user_roles": roles_of(user),
        "Role": Role,
        "SANAD_ENV": settings.SANAD_ENV,
    }
