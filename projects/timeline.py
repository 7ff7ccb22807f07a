"""The refugee timeline provider: sessions, project membership and moves, decisions."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import TimelineEvent
from core.roles import is_staff_member
from projects.models import Attendance, CommitteeDecision, ProjectStatus, ProjectTransition, Session
from projects.selectors import FunnelStep, funnel_steps
from refugees.timeline import shared

FUNNEL_LABELS = {
    "awareness": gettext_lazy("Attended an awareness session"),
    "applied": gettext_lazy("Applied"),
    "decision": gettext_lazy("Committee decision"),
    "funded": gettext_lazy("Financed"),
}


def memberships(refugee) -> list:
    """The person's project memberships with their projects, fetched once per profile page
    (``refugees.timeline.shared``) for every timeline provider that needs them."""
    return shared(refugee, "project_memberships", lambda: list(refugee.project_memberships.select_related("project")))


def project_timeline(refugee, user) -> Iterable[TimelineEvent]:
    """Four queries at most, two for a person without a project; the path (funnel) is read
    from the same rows as ``selectors.refugee_funnel`` reads in the database."""
    link = is_staff_member(user)  # the project pages are the staff's
    attendance = list(Attendance.objects.filter(refugee=refugee).select_related("session"))
    for att in attendance:
        s = att.session
        yield TimelineEvent(
            when=s.date,
            kind="session",
            title=_("Attended: %(kind)s") % {"kind": s.get_kind_display()},
            detail=s.topic,
            url=reverse("projects:session_detail", args=[s.pk]) if link else "",
        )
    members = memberships(refugee)
    for m in members:
        p = m.project
        yield TimelineEvent(
            when=p.created_at,
            kind="project",
            title=_("Member of project %(reference)s") % {"reference": p.reference},
            detail=p.title + (" · " + _("lead") if m.is_lead else ""),
            url=reverse("projects:detail", args=[p.pk]) if link else "",
        )
    project_ids = [m.project_id for m in members]
    transitions, decisions = [], []
    if project_ids:
        transitions = list(ProjectTransition.objects.filter(project_id__in=project_ids).select_related("project"))
        decisions = list(
            CommitteeDecision.objects.filter(item__project_id__in=project_ids).select_related("item__project")
        )
    for t in transitions:
        yield TimelineEvent(
            when=t.at,
            kind="project",
            title=_("Project %(reference)s: %(status)s")
            % {"reference": t.project.reference, "status": t.get_to_status_display()},
            detail=t.comment,
            url=reverse("projects:detail", args=[t.project_id]) if link else "",
        )
    for d in decisions:
        yield TimelineEvent(
            when=d.decided_at,
            kind="committee",
            title=_("Committee decision: %(decision)s") % {"decision": d.get_decision_display()},
            detail=d.item.project.reference,
            url=reverse("projects:detail", args=[d.item.project_id]) if link else "",
        )
    steps = _funnel(attendance, transitions, decisions)
    reached = [s for s in steps if s.reached]
    if reached:
        yield TimelineEvent(
            when=reached[-1].when,
            kind="funnel",
            title=_("Programme path"),
            detail=" → ".join(str(FUNNEL_LABELS[s.key]) for s in reached),
            extra={"steps": steps},
        )


def _funnel(attendance, transitions, decisions) -> list[FunnelStep]:
    """``selectors.refugee_funnel`` from the rows the timeline has already fetched."""
    awareness = min((a.session.date for a in attendance if a.session.kind == Session.Kind.AWARENESS), default=None)

    def first_move(status):
        return min((t.at for t in transitions if t.to_status == status), default=None)

    decision = max(decisions, key=lambda d: d.decided_at, default=None)
    return funnel_steps(
        awareness=awareness,
        applied=first_move(ProjectStatus.SUBMITTED),
        decided_at=decision.decided_at if decision else None,
        decision_label=decision.get_decision_display() if decision else "",
        funded=first_move(ProjectStatus.FUNDED),
    )
