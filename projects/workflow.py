"""The project status workflow: the table of allowed transitions.

Each action has its source statuses, its target, the roles that may perform it and a
short label. The services in ``projects.services`` perform them (one service per
action) and check the guards; ``_transition`` refuses anything this table does not allow.

    draft -> submitted -> under_review -> approved / rejected / draft (returned)
    approved -> funded -> operating -> closed (with an outcome); funded -> closed

``fund``, ``start_operating`` and ``close`` are driven by the funding app (a paid
tranche, a follow-up visit): ``roles`` is empty for the first two because the calling
service has already decided who may act. A manager may also close a project by hand.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.roles import Role
from projects.models import ProjectStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: object


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", (S.DRAFT,), S.SUBMITTED, (Role.CASEWORKER, Role.PROGRAMME_MANAGER), _("Submit")),
        Transition(
            "start_review", (S.SUBMITTED,), S.UNDER_REVIEW, (Role.PROGRAMME_MANAGER,), _("Put on a committee agenda")
        ),
        Transition("approve", (S.UNDER_REVIEW,), S.APPROVED, (Role.COMMITTEE_MEMBER,), _("Approve")),
        Transition("reject", (S.UNDER_REVIEW,), S.REJECTED, (Role.COMMITTEE_MEMBER,), _("Reject")),
        Transition("return", (S.UNDER_REVIEW,), S.DRAFT, (Role.COMMITTEE_MEMBER,), _("Return for revision")),
        Transition("fund", (S.APPROVED,), S.FUNDED, (), _("Mark funded")),
        Transition("start_operating", (S.FUNDED,), S.OPERATING, (), _("Mark operating")),
        Transition("close", (S.FUNDED, S.OPERATING), S.CLOSED, (), _("Close")),
    ]
}

# Actions a user triggers from the project page (the others come from the committee
# page or from the funding app).
PAGE_ACTIONS = ("submit",)


def allowed_actions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
