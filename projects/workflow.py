"""The project status workflow: the table of allowed transitions.

Each action has its source statuses, its target, the predicate of ``projects.access``
that says who may perform it, and a short label. The services in
``projects.services.workflow`` perform them (one service per action) and check the
guards; ``_transition`` refuses anything this table does not allow.

    draft -> submitted -> under_review -> approved / rejected / draft (returned)
    approved -> funded -> operating -> closed (with an outcome); funded -> closed

``fund``, ``start_operating`` and ``close`` are driven by the funding app (a paid
tranche, a follow-up visit) for a staff user of the project's scope. A manager may also
close a project by hand (``project_close_by_hand``, ``access.can_close_project``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from projects import access
from projects.models import ProjectStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    may: Callable[..., bool]  # (user, project) -> bool, from projects.access
    label: object


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", (S.DRAFT,), S.SUBMITTED, access.can_edit_project, _("Submit")),
        Transition(
            "start_review", (S.SUBMITTED,), S.UNDER_REVIEW, access.can_put_on_agenda, _("Put on a committee agenda")
        ),
        Transition("approve", (S.UNDER_REVIEW,), S.APPROVED, access.can_decide_on_project, _("Approve")),
        Transition("reject", (S.UNDER_REVIEW,), S.REJECTED, access.can_decide_on_project, _("Reject")),
        Transition("return", (S.UNDER_REVIEW,), S.DRAFT, access.can_decide_on_project, _("Return for revision")),
        Transition("fund", (S.APPROVED,), S.FUNDED, access.can_record_funding_progress, _("Mark funded")),
        Transition(
            "start_operating", (S.FUNDED,), S.OPERATING, access.can_record_funding_progress, _("Mark operating")
        ),
        Transition("close", (S.FUNDED, S.OPERATING), S.CLOSED, access.can_record_funding_progress, _("Close")),
    ]
}
