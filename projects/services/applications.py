"""The application: the project record, its members, budget, feasibility study and ODCO steps.

Every write here needs ``access.can_edit_project`` (a staff role whose office scope covers
the project) and, except the ODCO steps, a draft.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.access import require
from core.roles import is_caseworker
from projects import access
from projects.models import (
    BudgetLine,
    BusinessProject,
    Cooperative,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    ProjectStatus,
    ProjectTransition,
)
from projects.services.common import lock, refresh_on_commit
from refugees.models import Refugee

PROJECT_FIELDS = ("title", "activity", "sector", "legal_form", "city", "office", "own_contribution")


def _require_draft(project: BusinessProject) -> None:
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; this project is %(status)s."),
            code="not_draft",
            params={"status": project.get_status_display()},
        )


@transaction.atomic
def project_create(*, by, **fields) -> BusinessProject:
    require(access.can_edit_projects(by))
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    project = BusinessProject(created_by=by, caseworker=by if is_caseworker(by) else None, **fields)
    require(access.can_edit_project(by, project))
    project.region = project.city.region
    project.reference = f"TMP-{timezone.now():%H%M%S%f}"
    project.full_clean(exclude=["reference"])
    project.save()
    project.reference = f"PRJ-{project.created_at:%y}-{project.pk:05d}"
    project.save(update_fields=["reference"])
    return project


@transaction.atomic
def project_update(*, project: BusinessProject, by, **fields) -> BusinessProject:
    require(access.can_edit_project(by, project))
    project = lock(project)
    _require_draft(project)
    old_form = project.legal_form
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise TypeError(f"Unknown project field: {name}")
        setattr(project, name, value)
    require(access.can_edit_project(by, project))  # nor moved to an office out of scope
    project.region = project.city.region
    project.full_clean()
    project.save()
    if project.legal_form != old_form:
        ProjectTransition.objects.create(
            project=project,
            action="change_legal_form",
            from_status=project.status,
            to_status=project.status,
            by=by,
            at=timezone.now(),
            comment=_("Legal form changed from %(old)s to %(new)s.")
            % {"old": LegalForm(old_form).label, "new": LegalForm(project.legal_form).label},
        )
    return project


def active_project_of(refugee: Refugee, *, exclude_project=None) -> BusinessProject | None:
    qs = ProjectMember.objects.filter(refugee=refugee, is_active=True).select_related("project")
    if exclude_project is not None:
        qs = qs.exclude(project=exclude_project)
    membership = qs.first()
    return membership.project if membership else None


def _already_active_error(refugee: Refugee, other: BusinessProject | None) -> ValidationError:
    if other is None:
        return ValidationError(_("This person is already a member of another active project."), code="one_active")
    return ValidationError(
        _("%(person)s is already a member of the active project %(reference)s “%(title)s”."),
        code="one_active",
        params={"person": refugee.full_name_latin, "reference": other.reference, "title": other.title},
    )


@transaction.atomic
def member_add(
    *, project: BusinessProject, refugee: Refugee, by, is_lead: bool = False, share_percent: Decimal = Decimal(100)
) -> ProjectMember:
    require(access.can_edit_project(by, project))
    project = lock(project)
    _require_draft(project)
    if project.members.filter(refugee=refugee).exists():
        raise ValidationError(_("This person is already a member of this project."), code="duplicate_member")
    other = active_project_of(refugee, exclude_project=project)
    if other is not None:
        raise _already_active_error(refugee, other)
    _require_shares_within_100(project.members.aggregate(total=Sum("share_percent"))["total"], share_percent)
    if is_lead:
        project.members.filter(is_lead=True).update(is_lead=False)
    member = ProjectMember(project=project, refugee=refugee, is_lead=is_lead, share_percent=share_percent)
    member.full_clean(exclude=["project", "refugee"], validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent add won the race
        raise _already_active_error(refugee, active_project_of(refugee, exclude_project=project)) from exc
    refresh_on_commit([refugee.pk])
    return member


SHARES_LIMIT = Decimal(100)


def _require_shares_within_100(*amounts) -> None:
    total = sum((a for a in amounts if a is not None), Decimal(0))
    if total > SHARES_LIMIT:
        raise ValidationError(
            _("The members' shares would add up to %(total)s %%: together they can have at most 100 %%."),
            code="shares_over_100",
            params={"total": formats.number_format(total, 2)},
        )


@transaction.atomic
def member_shares_set(*, project: BusinessProject, by, shares: dict[int, Decimal]) -> list[ProjectMember]:
    """Set the members' shares (``{member pk: share %}``) of a draft in one go: refused when
    they would add up to more than 100 % (the members not listed keep theirs). The
    project's row is locked first, as by ``member_add``: two people editing the shares at
    once are served one after the other, each checking the total the other left. Only the
    shares that change are saved (each with its history row)."""
    require(access.can_edit_project(by, project))
    project = lock(project)
    _require_draft(project)
    members = {m.pk: m for m in ProjectMember.objects.select_for_update().filter(project=project).order_by("pk")}
    unknown = set(shares) - set(members)
    if unknown:
        raise ValidationError(_("This person is not a member of this project."), code="not_a_member")
    for pk, share in shares.items():
        if share is None or not (Decimal(0) < share <= SHARES_LIMIT) or share != share.quantize(Decimal("0.01")):
            raise ValidationError(
                {f"share_{pk}": _("A share is more than 0 and at most 100 %, with at most two decimals.")},
                code="share_out_of_range",
            )
    _require_shares_within_100(*(shares.get(pk, m.share_percent) for pk, m in members.items()))
    changed = []
    for pk, share in shares.items():
        member = members[pk]
        if member.share_percent != share:
            member.share_percent = share
            member._history_user = by
            member.save(update_fields=["share_percent"])
            changed.append(member)
    return changed


@transaction.atomic
def member_remove(*, member: ProjectMember, by) -> None:
    require(access.can_edit_project(by, member.project))
    _require_draft(lock(member.project))
    refugee_id = member.refugee_id
    member.delete()
    refresh_on_commit([refugee_id])


@transaction.atomic
def budget_line_add(
    *, project: BusinessProject, by, category: str, description: str, quantity, unit_cost
) -> BudgetLine:
    require(access.can_edit_project(by, project))
    project = lock(project)
    _require_draft(project)
    line = BudgetLine(
        project=project, category=category, description=description, quantity=quantity, unit_cost=unit_cost
    )
    line.full_clean(exclude=["project", "total"])
    line.save()
    line.refresh_from_db(fields=["total"])
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, by) -> None:
    require(access.can_edit_project(by, line.project))
    _require_draft(lock(line.project))
    line.delete()


@transaction.atomic
def study_save(*, project: BusinessProject, by, **fields) -> FeasibilityStudy:
    require(access.can_edit_project(by, project))
    project = lock(project)
    _require_draft(project)
    study = FeasibilityStudy.objects.filter(project=project).first() or FeasibilityStudy(project=project)
    for name, value in fields.items():
        if name == "document" and not value:
            continue
        setattr(study, name, value)
    study.full_clean(exclude=["project"])
    study.save()
    return study


@transaction.atomic
def cooperative_save(*, project: BusinessProject, by, **fields) -> Cooperative:
    require(access.can_edit_project(by, project))
    project = lock(project)
    if project.legal_form != LegalForm.COOPERATIVE:
        raise ValidationError(_("Only a cooperative project has ODCO steps."), code="not_cooperative")
    coop = Cooperative.objects.filter(project=project).first() or Cooperative(project=project)
    for name, value in fields.items():
        setattr(coop, name, value)
    coop.full_clean(exclude=["project"])
    coop.save()
    return coop
