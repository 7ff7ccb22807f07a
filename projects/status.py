"""The facts this app contributes to a refugee's derived status (see core.registry).

* sensitised (10): attended an awareness session;
* trained (20): attended a training;
* applicant (30): member of a project that was submitted at least once (its status is
  no longer draft, or it has a transition to submitted: a returned project stays so);
* exited (50): no active project, and a closed project whose outcome means the person
  left the programme: withdrawn, resettled or business closed. A project closed as
  "sustained" (support completed) keeps the person's financed status.
"""

from django.db.models import Q

from core.registry import StatusRule
from projects.models import ProjectOutcome, ProjectStatus, Session

SUBMITTED_ONCE = [s for s in ProjectStatus.values if s != ProjectStatus.DRAFT]
EXIT_OUTCOMES = (ProjectOutcome.WITHDRAWN, ProjectOutcome.RESETTLED, ProjectOutcome.CLOSED_BUSINESS)


def register_status_rules(registry) -> None:
    registry.register(
        "projects.sensitised",
        StatusRule("sensitised", 10, lambda qs: qs.filter(attendance__session__kind=Session.Kind.AWARENESS)),
    )
    registry.register(
        "projects.trained",
        StatusRule("trained", 20, lambda qs: qs.filter(attendance__session__kind=Session.Kind.TRAINING)),
    )
    registry.register(
        "projects.applicant",
        StatusRule(
            "applicant",
            30,
            lambda qs: qs.filter(
                Q(project_memberships__project__status__in=SUBMITTED_ONCE)
                | Q(project_memberships__project__transitions__to_status=ProjectStatus.SUBMITTED)
            ),
        ),
    )
    registry.register(
        "projects.exited",
        StatusRule(
            "exited",
            50,
            lambda qs: qs.filter(
                project_memberships__project__status=ProjectStatus.CLOSED,
                project_memberships__project__outcome__in=EXIT_OUTCOMES,
            ).exclude(project_memberships__is_active=True),
        ),
    )
