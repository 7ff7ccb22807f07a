from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {"programme_manager": ["reports.view_reportrun"]}

    def ready(self) -> None:
        from core.registry import HomePanel, NavItem, home_panels, nav, todo
        from core.roles import Role
        from reports import caching, facts
        from reports.panels import partner_headline
        from reports.todo import sign_off_todo

        todo.register("reports_sign_off", sign_off_todo, roles=(Role.PROGRAMME_MANAGER,), order=40)
        caching.connect_signals()
        facts.connect_signals()

        roles = (Role.PROGRAMME_MANAGER, Role.PARTNER_OFFICER)
        nav.register(NavItem("reports-dashboard", _("Dashboard"), "reports:dashboard", roles=roles, order=80))
        nav.register(NavItem("reports", _("Reports"), "reports:run_list", roles=roles, order=90))
        home_panels.register(
            HomePanel(
                "reports-headline",
                "reports/_home_panel.html",
                roles=(Role.PARTNER_OFFICER,),
                context=partner_headline,
                order=10,
            )
        )
