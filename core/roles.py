"""The five roles of the programme and the permission matrix.

A role is a Django group (created by migration ``core.0002``). Each app declares which
model permissions each role gets in its AppConfig's ``role_permissions`` (a dict of role
to ``"app_label.codename"`` patterns, ``*`` allowed); ``sync_role_permissions`` applies
the matrix after every migrate, so a new model's permissions reach the right groups.

Model permissions drive the Django admin. Views decide with the role helpers below and
the per-object access helpers of each app (``refugees.access`` ...), which also scope by
office and partner organisation.
"""

from collections.abc import Iterable
from fnmatch import fnmatch

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    PARTNER_OFFICER = "partner_officer", _("Partner officer")
    ADMIN = "admin", _("Administrator")


# When a user holds several roles, the first one here is the "primary" role that
# picks the home page.
ROLE_PRECEDENCE = [
    Role.ADMIN,
    Role.PROGRAMME_MANAGER,
    Role.CASEWORKER,
    Role.COMMITTEE_MEMBER,
    Role.PARTNER_OFFICER,
]

STAFF_ROLES = (Role.CASEWORKER, Role.PROGRAMME_MANAGER)

# The admin role is IT: users, roles, offices, partner organisations and the Morocco reference
# data (core), login lock-outs (axes), the Celery schedule and results. The apps add their
# own reference data under "admin" in their role_permissions (scoring criteria, the visit
# checklist). No model holding a person's data is here: their ModelAdmins also refuse a
# user without a case role, superusers included (refugees.viewlog.PersonalDataAdmin).
IT_PERMISSIONS = frozenset({"auth.*", "core.*", "axes.*", "django_celery_beat.*", "django_celery_results.*"})


def roles_of(user) -> frozenset[str]:
    """The set of role names a user holds (cached on the user object; read with the user
    when it was fetched by the per-request read, ``core.auth.read_user``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_sanad_roles", None)
    if cached is None:
        held = getattr(user, "_sanad_group_roles", None)  # read with the user (core.auth)
        if held is None:
            held = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        names = set(held)
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(names)
        user._sanad_roles = cached
    return cached


def role_of(user) -> str | None:
    held = roles_of(user)
    for role in ROLE_PRECEDENCE:
        if role in held:
            return role
    return None


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_caseworker(user) -> bool:
    return has_role(user, Role.CASEWORKER)


def is_manager(user) -> bool:
    return has_role(user, Role.PROGRAMME_MANAGER)


def is_committee_member(user) -> bool:
    return has_role(user, Role.COMMITTEE_MEMBER)


def is_partner_officer(user) -> bool:
    return has_role(user, Role.PARTNER_OFFICER)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def is_staff_member(user) -> bool:
    """Caseworker or programme manager: the people who handle personal data."""
    return has_role(user, *STAFF_ROLES)


def _matrix() -> dict[str, set[str]]:
    matrix: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        for role, patterns in getattr(config, "role_permissions", {}).items():
            matrix.setdefault(role, set()).update(patterns)
    matrix[Role.ADMIN] |= IT_PERMISSIONS
    return matrix


def _matching(perms: Iterable, patterns: set[str]) -> list:
    return [p for p in perms if any(fnmatch(f"{p.content_type.app_label}.{p.codename}", pat) for pat in patterns)]


def sync_role_permissions(sender=None, using: str = "default", **kwargs) -> None:
    """Create the role groups if missing and give each exactly its matrix's permissions.

    Connected to ``post_migrate``, which fires once per app: it runs for the last
    installed app only, when every app's permissions exist.
    """
    if sender is not None and sender.label != list(apps.get_app_configs())[-1].label:
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.using(using).select_related("content_type"))
    for role, patterns in _matrix().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(_matching(perms, patterns))
