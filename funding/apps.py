from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")
    # Model permissions per role (see core.roles); the Django admin uses them.
    role_permissions: dict[str, list[str]] = {
        "programme_manager": [
            "funding.view_*",
            "funding.add_fundingagreement",
            "funding.change_fundingagreement",
            "funding.add_exchangerate",
            "funding.change_exchangerate",
            "funding.add_checklistitem",
            "funding.change_checklistitem",
        ],
        "caseworker": ["funding.view_grant", "funding.view_followupvisit"],
        "admin": ["funding.*_checklistitem"],  # reference data (IT)
    }

    def ready(self) -> None:
        from core.registry import NavItem, StatusRule, erasure, nav, status_rules, timeline, todo
        from core.roles import Role
        from funding.erasure import erase_from_funding
        from funding.timeline import funding_timeline
        from funding.todo import payments_todo, visits_todo

        staff = (Role.CASEWORKER, Role.PROGRAMME_MANAGER)
        nav.register(NavItem("funding_grants", _("Grants"), "funding:grant_list", roles=staff, order=40))
        nav.register(NavItem("funding_visits", _("Visits due"), "funding:visits_due", roles=staff, order=45))
        nav.register(
            NavItem(
                "funding_approvals", _("Approvals"), "funding:approval_queue", roles=(Role.PROGRAMME_MANAGER,), order=50
            )
        )
        nav.register(
            NavItem(
                "funding_agreements",
                _("Agreements"),
                "funding:agreement_list",
                roles=(Role.PROGRAMME_MANAGER,),
                order=55,
            )
        )
        status_rules.register(
            "financed",
            StatusRule(
                status="financed",
                rank=40,
                having=lambda qs: qs.filter(
                    project_memberships__project__grants__disbursements__kind="payment",
                    project_memberships__project__grants__disbursements__status="approved",
                ).distinct(),
            ),
        )
        timeline.register("funding", funding_timeline)
        erasure.register("funding", erase_from_funding)
        todo.register("funding_payments", payments_todo, roles=(Role.PROGRAMME_MANAGER,), order=10)
        todo.register("funding_visits", visits_todo, roles=(Role.CASEWORKER,), order=20)
