"""The person's timeline: grants, approved payments and follow-up visits of their projects."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import localize_money
from core.registry import TimelineEvent
from core.roles import is_staff_member
from funding.models import Disbursement, FollowUpVisit, Grant
from projects.timeline import memberships


def funding_timeline(refugee, user) -> Iterable[TimelineEvent]:
    if not is_staff_member(user):
        return []
    events: list[TimelineEvent] = []
    # On the profile page, the person's projects as the projects provider fetched them.
    project_ids = [m.project_id for m in memberships(refugee)]
    if not project_ids:
        return events
    for grant in Grant.objects.filter(project_id__in=project_ids).select_related("project"):
        url = reverse("funding:grant_detail", args=[grant.pk])
        events.append(
            TimelineEvent(
                when=grant.awarded_on,
                kind="grant",
                title=_("%(kind)s of %(amount)s MAD awarded")
                % {"kind": grant.get_kind_display(), "amount": localize_money(grant.amount)},
                detail=grant.project.reference,
                url=url,
            )
        )
    entries = Disbursement.objects.filter(
        grant__project_id__in=project_ids, status__in=[Disbursement.Status.APPROVED, Disbursement.Status.REJECTED]
    ).only("pk", "grant_id", "kind", "amount", "date", "status", "rejection_reason")
    for entry in entries:
        title = (
            _("Payment of %(amount)s MAD")
            if entry.kind == Disbursement.Kind.PAYMENT
            else _("Reversal of %(amount)s MAD")
        ) % {"amount": localize_money(entry.amount)}
        rejected = entry.status == Disbursement.Status.REJECTED
        events.append(
            TimelineEvent(
                when=entry.date,
                kind="disbursement",
                title=_("%(entry)s rejected") % {"entry": title} if rejected else title,
                detail=_("Reason: %(reason)s") % {"reason": entry.rejection_reason} if rejected else "",
                url=reverse("funding:grant_detail", args=[entry.grant_id]) + f"#entry-{entry.pk}",
            )
        )
    visits = FollowUpVisit.objects.filter(project_id__in=project_ids, status=FollowUpVisit.Status.DONE)
    for visit in visits:
        events.append(
            TimelineEvent(
                when=visit.done_on,
                kind="visit",
                title=_("Follow-up visit: %(status)s") % {"status": visit.get_business_status_display()},
                detail=visit.get_verdict_display(),
                url=reverse("funding:visit_edit", args=[visit.pk]),
            )
        )
    return events
