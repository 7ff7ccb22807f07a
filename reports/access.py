"""Who may see which report runs and dashboards.

Programme managers: every run and the whole programme. Partner officers: the runs made
for their own organisation, and the dashboard of their remit (aggregates only, small
cells suppressed). Everyone else: refused.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from core.roles import is_manager, is_partner_officer
from reports.models import ReportRun


def may_use_reports(user) -> bool:
    return is_manager(user) or (is_partner_officer(user) and user.partner_organisation_id is not None)


def report_runs_visible_to(user) -> QuerySet[ReportRun]:
    if is_manager(user):
        return ReportRun.objects.all()
    if is_partner_officer(user) and user.partner_organisation_id:
        return ReportRun.objects.filter(partner_id=user.partner_organisation_id)
    raise PermissionDenied


def report_run_for_user(user, pk: int, *, write: bool = False) -> ReportRun:
    """A run the user may see (404 if out of scope); ``write`` (sign-off) needs a manager."""
    runs = report_runs_visible_to(user)
    if write and not is_manager(user):
        raise PermissionDenied
    run = runs.select_related("partner", "requested_by", "signed_off_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def dashboard_scope(user) -> dict:
    """The dashboard's fixed filters and whether counts are suppressed, for this user."""
    if is_manager(user):
        return {"filters": {}, "suppressed": False, "donor": None}
    if is_partner_officer(user) and user.partner_organisation_id:
        partner = user.partner_organisation
        donor = partner.code if partner.kind == partner.Kind.DONOR else None
        return {"filters": {"donor": donor} if donor else {}, "suppressed": True, "donor": donor}
    raise PermissionDenied
