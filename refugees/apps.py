from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefugeesConfig(AppConfig):
    name = "refugees"
    verbose_name = _("Refugee registry")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from core.registry import NavItem, nav, timeline
        from core.roles import Role
        from refugees.timeline import refugee_events

        nav.register(
            NavItem(
                "refugees", _("Refugees"), "refugees:list", roles=(Role.CASEWORKER, Role.PROGRAMME_MANAGER), order=10
            )
        )
        timeline.register("refugees", refugee_events)
