from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Business projects")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {
        "programme_manager": ["projects.*"],
        "caseworker": [
            "projects.view_*",
            "projects.add_session",
            "projects.change_session",
            "projects.add_attendance",
            "projects.delete_attendance",
        ],
        "committee_member": ["projects.view_committeesitting", "projects.view_agendaitem"],
        "admin": ["projects.*_scoringcriterion"],  # reference data (IT)
    }

    def ready(self) -> None:
        from core.security.mfa import register_role_test
        from projects.models import CommitteeSitting

        # SANAD_MFA_REQUIRED_ROLES may name "committee_chair": a member who chairs a sitting.
        register_role_test("committee_chair", lambda user: CommitteeSitting.objects.filter(chair=user).exists())
        from core.registry import HomePanel, NavItem, erasure, home_panels, nav, status_rules, timeline, todo
        from core.roles import Role
        from projects.erasure import erase_from_projects
        from projects.panels import committee_context, pipeline_context, scores_todo
        from projects.status import register_status_rules
        from projects.timeline import project_timeline

        nav.register(
            NavItem("sessions", _("Sessions"), "projects:session_list", (Role.CASEWORKER, Role.PROGRAMME_MANAGER), 20)
        )
        nav.register(NavItem("projects", _("Projects"), "projects:list", (Role.CASEWORKER, Role.PROGRAMME_MANAGER), 30))
        nav.register(
            NavItem(
                "committee",
                _("Committee"),
                "projects:sitting_list",
                (Role.COMMITTEE_MEMBER, Role.PROGRAMME_MANAGER),
                40,
            )
        )
        home_panels.register(
            HomePanel(
                "projects.pipeline",
                "projects/panel_pipeline.html",
                (Role.CASEWORKER, Role.PROGRAMME_MANAGER),
                pipeline_context,
                order=30,
            )
        )
        home_panels.register(
            HomePanel(
                "projects.committee", "projects/panel_committee.html", (Role.COMMITTEE_MEMBER,), committee_context, 40
            )
        )
        register_status_rules(status_rules)
        todo.register("projects_scores", scores_todo, roles=(Role.COMMITTEE_MEMBER,), order=30)
        timeline.register("projects", project_timeline)
        erasure.register("projects", erase_from_projects)
