from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefugeesConfig(AppConfig):
    name = "refugees"
    verbose_name = _("Refugee registry")
    # Model permissions per role (see core.roles); the Django admin uses them.
    # The Django admin of the registry, for a user who is also admin (IT): what their case
    # role may see there (the office scope applies, refugees.viewlog.PersonalDataAdmin).
    role_permissions: dict[str, list[str]] = {
        "programme_manager": [
            "refugees.view_*",
            "refugees.change_refugee",
            "refugees.change_consent",
            "refugees.change_refugeenote",
        ],
        "caseworker": ["refugees.view_*"],
    }

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
