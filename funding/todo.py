"""The funding lines of the to-do (core.registry.todo): payments awaiting this manager's
approval (never their own: four eyes), and the visits due within the week or overdue."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.registry import TodoLine
from funding.access import can_decide_disbursements, disbursements_visible_to, visits_visible_to
from funding.models import Disbursement, FollowUpVisit

# The same horizon as the "visits due" page.
VISITS_HORIZON_DAYS = 7


def payments_todo(user) -> list[TodoLine]:
    if not can_decide_disbursements(user):
        return []
    n = disbursements_visible_to(user).filter(status=Disbursement.Status.PENDING).exclude(recorded_by=user).count()
    label = ngettext("%(n)s payment awaits your approval", "%(n)s payments await your approval", n) % {"n": n}
    return [TodoLine("payments_to_approve", label, n, reverse("funding:approval_queue"))]


def visits_todo(user) -> list[TodoLine]:
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=VISITS_HORIZON_DAYS)
    counts = (
        visits_visible_to(user)
        .filter(status=FollowUpVisit.Status.SCHEDULED, due_date__lte=horizon)
        .aggregate(overdue=Count("pk", filter=Q(due_date__lt=today)), due=Count("pk", filter=Q(due_date__gte=today)))
    )
    url = reverse("funding:visits_due")
    overdue, due = counts["overdue"], counts["due"]
    return [
        TodoLine(
            "visits_overdue",
            ngettext("%(n)s follow-up visit is overdue", "%(n)s follow-up visits are overdue", overdue)
            % {"n": overdue},
            overdue,
            url,
        ),
        TodoLine(
            "visits_due",
            ngettext("%(n)s follow-up visit is due this week", "%(n)s follow-up visits are due this week", due)
            % {"n": due},
            due,
            url,
        ),
    ]
