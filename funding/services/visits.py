"""Follow-up visits: the schedule after the first payment, recording a visit (with its
checklist, photos and action points), and extra (unscheduled) visits.

Recording locks the project row, then the visit: visits of one project are recorded one
at a time.
"""

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.webhooks.events import already_emitted, event_emit, subscribed
from funding import access
from funding.models import ActionPoint, BusinessStatus, Disbursement, FollowUpVisit, VisitPhoto
from projects.models import BusinessProject, ProjectOutcome, ProjectStatus
from projects.services import project_close, project_mark_operating


def visits_schedule(*, project: BusinessProject, funded_on: datetime.date) -> list[FollowUpVisit]:
    """Plan the follow-up visits at the configured months after funding (once per project)."""
    already = set(
        FollowUpVisit.objects.filter(project=project, months_after_funding__isnull=False).values_list(
            "months_after_funding", flat=True
        )
    )
    visits = [
        FollowUpVisit(project=project, months_after_funding=m, due_date=funded_on + relativedelta(months=m))
        for m in settings.SANAD_VISIT_SCHEDULE_MONTHS
        if m not in already
    ]
    return FollowUpVisit.objects.bulk_create(visits)


def _save_action_points(visit: FollowUpVisit, saved: Iterable[ActionPoint], deleted: Iterable[ActionPoint]) -> None:
    """The visit's action points as the form left them: new or changed ones saved, the
    ticked ones deleted. A point of another visit is a caller's mistake (the form only
    offers the visit's own): refused."""
    saved, deleted = list(saved), list(deleted)
    if any(p.pk is not None and p.visit_id != visit.pk for p in saved + deleted):
        raise ValueError("an action point of another visit")
    ActionPoint.objects.filter(visit=visit, pk__in=[p.pk for p in deleted]).delete()
    for point in saved:
        point.visit = visit
        point.save()


@transaction.atomic
def visit_record(
    *,
    visit: FollowUpVisit,
    by,
    data: dict,
    checklist: Iterable = (),
    photos: Iterable = (),
    action_points: Iterable[ActionPoint] = (),
    deleted_action_points: Iterable[ActionPoint] = (),
) -> FollowUpVisit:
    """Record (or correct) a follow-up visit. ``data`` holds the form's cleaned fields;
    ``action_points`` the new or changed points (unsaved), ``deleted_action_points`` the
    points to remove. All of it in one transaction: a refused visit saves nothing.

    A visit that finds the business operating moves a funded project to operating; one
    that finds it closed cancels the remaining visits and closes the project.
    """
    access.require_record_visit(by, visit)
    # The project first, then the visit: visits of one project are recorded one at a time.
    # (Locking both in one statement let a visit that closes the business, cancelling the
    # project's other scheduled visits, deadlock with another visit of it being recorded.)
    BusinessProject.objects.select_for_update().values_list("pk", flat=True).get(pk=visit.project_id)
    visit = FollowUpVisit.objects.select_for_update(of=("self",)).select_related("project").get(pk=visit.pk)
    if visit.status == FollowUpVisit.Status.CANCELLED:
        raise ValidationError(_("This visit was cancelled."), code="cancelled")
    done_on = data["done_on"]
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A visit cannot be dated in the future.")}, code="future")
    first_paid = (
        Disbursement.objects.filter(
            grant__project_id=visit.project_id, kind=Disbursement.Kind.PAYMENT, status=Disbursement.Status.APPROVED
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if first_paid is None or done_on < first_paid:
        raise ValidationError(
            {"done_on": _("A follow-up visit cannot be dated before the first payment to the project.")},
            code="before_funding",
        )
    for field in ("monthly_revenue", "monthly_costs"):
        if data.get(field) is not None and data[field] < 0:
            raise ValidationError({field: _("This amount cannot be negative.")}, code="negative")
    for field, value in data.items():
        setattr(visit, field, value)
    visit.status = FollowUpVisit.Status.DONE
    visit.visitor = visit.visitor or by
    visit.save()
    visit.checklist.set(list(checklist))
    for upload in photos:
        VisitPhoto.objects.create(visit=visit, file=upload, uploaded_by=by)
    _save_action_points(visit, action_points, deleted_action_points)

    project = visit.project
    if visit.business_status == BusinessStatus.OPERATING and project.status == ProjectStatus.FUNDED:
        project_mark_operating(project=project, by=by, comment=_("Operating at the follow-up visit."))
    elif visit.business_status == BusinessStatus.CLOSED:
        FollowUpVisit.objects.filter(project=project, status=FollowUpVisit.Status.SCHEDULED).update(
            status=FollowUpVisit.Status.CANCELLED, updated_at=timezone.now()
        )
        if project.status in (ProjectStatus.FUNDED, ProjectStatus.OPERATING):
            project_close(
                project=project,
                by=by,
                outcome=ProjectOutcome.CLOSED_BUSINESS,
                comment=_("Business found closed at the follow-up visit."),
            )
    return visit


@transaction.atomic
def visit_record_extra(
    *,
    project: BusinessProject,
    by,
    data: dict,
    checklist: Iterable = (),
    photos: Iterable = (),
    action_points: Iterable[ActionPoint] = (),
) -> FollowUpVisit:
    """Record an extra (unscheduled) follow-up visit: a visit like any other (it can
    satisfy a tranche gate, move the project to operating or close it), without a month
    in the schedule. Nothing is saved if the visit is refused."""
    access.require_record_extra_visit(by, project)
    visit = FollowUpVisit.objects.create(project=project, months_after_funding=None, due_date=data["done_on"])
    return visit_record(visit=visit, by=by, data=data, checklist=checklist, photos=photos, action_points=action_points)


OVERDUE_LOOKBACK_DAYS = 7  # a daily scan missed for up to a week is made up


def visits_emit_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the programme's webhooks (``visit.overdue``) about each scheduled visit that
    became overdue (due before today, within the last ``OVERDUE_LOOKBACK_DAYS``), once per
    visit: beat runs it daily, and a second run sends nothing again. Ids and dates only
    (no name). Returns how many events were recorded."""
    if not subscribed("visit.overdue"):
        return 0
    today = today or timezone.localdate()
    overdue = (
        FollowUpVisit.objects.filter(
            status=FollowUpVisit.Status.SCHEDULED,
            due_date__lt=today,
            due_date__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
        )
        .select_related("project__office")
        .prefetch_related("project__grants")
        .order_by("due_date", "pk")
    )
    site = settings.SITE_URL.rstrip("/")
    emitted = 0
    for chunk_start in range(0, overdue.count(), 500):
        visits = list(overdue[chunk_start : chunk_start + 500])
        done = already_emitted([f"visit.overdue:{v.pk}" for v in visits])
        for visit in visits:
            key = f"visit.overdue:{visit.pk}"
            if key in done:
                continue
            data = {
                "visit_id": visit.pk,
                "project_id": visit.project_id,
                "grant_ids": sorted(g.pk for g in visit.project.grants.all()),
                "office": visit.project.office.code if visit.project.office_id else None,
                "months_after_funding": visit.months_after_funding,
                "due_date": visit.due_date.isoformat(),
                "url": site + reverse("funding:visit_edit", args=[visit.pk]),
            }
            with transaction.atomic():
                emitted += event_emit(kind="visit.overdue", key=key, data=data) is not None
    return emitted
