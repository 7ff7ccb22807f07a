from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefugeesConfig(AppConfig):
    name = "refugees"
    verbose_name = _("Refugee registry")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from core.registry import NavItem, nav, timeline, todo
        from core.roles import Role
        from refugees.timeline import refugee_events
        from refugees.todo import imports_todo

        nav.register(
            NavItem(
                "refugees", _("Refugees"), "refugees:list", roles=(Role.CASEWORKER, Role.PROGRAMME_MANAGER), order=10
            )
        )
        timeline.register("refugees", refugee_events)
        todo.register("refugees_imports", imports_todo, roles=(Role.CASEWORKER, Role.PROGRAMME_MANAGER), order=50)
