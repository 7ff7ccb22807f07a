"""Home page panels (core.registry.home_panels): the pipeline and the committee's work."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from core.registry import TodoLine
from projects.access import projects_visible_to, sittings_visible_to
from projects.models import AgendaItem, CommitteeSitting, ConflictOfInterest, ProjectStatus, Score


def pipeline_context(request) -> dict:
    """Projects of the user's scope by status (one grouped query). ``COUNT(*)``, not of the
    key: the status indexes alone answer it (an index-only scan), not the table's rows."""
    counts = dict(
        projects_visible_to(request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return {"rows": [(value, label, counts.get(value, 0)) for value, label in ProjectStatus.choices]}


def _waiting_items(user):
    """Items without a decision that ``user`` has neither scored nor declared a conflict on."""
    done = Score.objects.filter(item=OuterRef("pk"), member=user)
    conflicted = ConflictOfInterest.objects.filter(item=OuterRef("pk"), member=user)
    return (
        AgendaItem.objects.filter(decision__isnull=True)
        .annotate(done=Exists(done), conflicted=Exists(conflicted))
        .filter(done=False, conflicted=False)
    )


def scores_todo(user) -> list[TodoLine]:
    """The to-do's committee line: agenda items of this member's open sittings to score."""
    n = (
        _waiting_items(user)
        .filter(sitting__members=user)
        .exclude(sitting__status=CommitteeSitting.Status.CLOSED)
        .count()
    )
    label = ngettext("%(n)s project awaits your score", "%(n)s projects await your score", n) % {"n": n}
    return [TodoLine("scores_to_enter", label, n, reverse("projects:sitting_list"))]


def committee_context(request) -> dict:
    """Open sittings the member sits on, with how many projects still await their score."""
    user = request.user
    waiting = _waiting_items(user)
    sittings = (
        sittings_visible_to(user)
        .filter(members=user)
        .exclude(status=CommitteeSitting.Status.CLOSED)
        .annotate(to_score=Count("agenda", filter=Q(agenda__in=waiting.values("pk")), distinct=True))
        .order_by("date")[:5]
    )
    return {"sittings": list(sittings)}
