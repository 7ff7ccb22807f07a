"""The refugee timeline provider: sessions, project membership and moves, decisions."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import TimelineEvent
from core.roles import Role, has_role
from projects.models import Attendance, CommitteeDecision, ProjectMember, ProjectTransition
from projects.selectors import refugee_funnel

FUNNEL_LABELS = {
    "awareness": gettext_lazy("Attended an awareness session"),
    "applied": gettext_lazy("Applied"),
    "decision": gettext_lazy("Committee decision"),
    "funded": gettext_lazy("Financed"),
}


def _can_open(user) -> bool:
    return has_role(user, Role.CASEWORKER, Role.PROGRAMME_MANAGER, Role.ADMIN)


def project_timeline(refugee, user) -> Iterable[TimelineEvent]:
    link = _can_open(user)
    for att in Attendance.objects.filter(refugee=refugee).select_related("session"):
        s = att.session
        yield TimelineEvent(
            when=s.date,
            kind="session",
            title=_("Attended: %(kind)s") % {"kind": s.get_kind_display()},
            detail=s.topic,
            url=reverse("projects:session_detail", args=[s.pk]) if link else "",
        )
    for m in ProjectMember.objects.filter(refugee=refugee).select_related("project"):
        p = m.project
        yield TimelineEvent(
            when=p.created_at,
            kind="project",
            title=_("Member of project %(reference)s") % {"reference": p.reference},
            detail=p.title + (" · " + _("lead") if m.is_lead else ""),
            url=reverse("projects:detail", args=[p.pk]) if link else "",
        )
    for t in ProjectTransition.objects.filter(project__members__refugee=refugee).select_related("project"):
        yield TimelineEvent(
            when=t.at,
            kind="project",
            title=_("Project %(reference)s: %(status)s")
            % {"reference": t.project.reference, "status": t.get_to_status_display()},
            detail=t.comment,
            url=reverse("projects:detail", args=[t.project_id]) if link else "",
        )
    for d in CommitteeDecision.objects.filter(item__project__members__refugee=refugee).select_related("item__project"):
        yield TimelineEvent(
            when=d.decided_at,
            kind="committee",
            title=_("Committee decision: %(decision)s") % {"decision": d.get_decision_display()},
            detail=d.item.project.reference,
            url=reverse("projects:detail", args=[d.item.project_id]) if link else "",
        )
    steps = refugee_funnel(refugee)
    reached = [s for s in steps if s.reached]
    if reached:
        yield TimelineEvent(
            when=reached[-1].when,
            kind="funnel",
            title=_("Programme path"),
            detail=" → ".join(str(FUNNEL_LABELS[s.key]) for s in reached),
            extra={"steps": steps},
        )
