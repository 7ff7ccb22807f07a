from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        import core.security.log  # noqa: F401  (connects the security log's receivers)
        from core import modelchoices

        modelchoices.install()  # a form's model choices in one query (core/modelchoices.py)
        from core.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")

        from django.contrib.auth.signals import user_logged_in

        from core.middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="core.stamp_session_on_login")

        from core.registry import HomePanel, NavItem, home_panels, nav, todo
        from core.roles import Role

        nav.register(
            NavItem(
                "webhooks",
                _("Webhooks"),
                "webhooks:endpoint_list",
                roles=(Role.PROGRAMME_MANAGER, Role.PARTNER_OFFICER, Role.ADMIN),
                order=90,
            )
        )

        working = (Role.CASEWORKER, Role.PROGRAMME_MANAGER, Role.COMMITTEE_MEMBER)
        home_panels.register(
            HomePanel(
                "core.todo",
                "core/_todo_panel.html",
                working,
                lambda request: {"lines": todo.cached_for_user(request.user)},
                0,
            )
        )
