"""Who may see which report runs and dashboards, and who may request or sign off a run.

Programme managers: every run and the whole programme; they alone sign runs off.
Partner officers: the runs made for their own organisation (and request the reports
meant for it), and the dashboard of their remit (aggregates only, small cells
suppressed). Everyone else, the admin included (IT, not the programme): refused.

The predicates (``may_use_reports``, ``can_request_report``, ``can_sign_off``) are the
ones the views, the services and the templates use; a refusal of *who* is
``PermissionDenied`` (``core.access``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.access import get_or_404, require
from core.models import PartnerOrganisation
from core.roles import is_manager, is_partner_officer
from reports.generators import reports
from reports.models import ReportRun


def _partner_officer_with_organisation(user) -> bool:
    return is_partner_officer(user) and user.partner_organisation_id is not None


def may_use_reports(user) -> bool:
    """The reports pages at all: a programme manager, or a partner officer of an organisation."""
    return is_manager(user) or _partner_officer_with_organisation(user)


def can_request_report(user, code: str, partner: PartnerOrganisation | None) -> bool:
    """A manager any report; a partner officer the reports meant for their own organisation."""
    if is_manager(user):
        return True
    if _partner_officer_with_organisation(user) and partner is not None:
        return partner.pk == user.partner_organisation_id and partner.code in reports[code].audience
    return False


def can_sign_off(user, run: ReportRun | None = None) -> bool:
    """Sign-off is the programme managers' (who see every run); ``run`` None: any run.

    Whether the run can be signed off now (done, not yet signed) is a business rule of
    ``services.report_run_sign_off`` (a ``ValidationError``), not a question of who."""
    return is_manager(user)


def report_runs_visible_to(user) -> QuerySet[ReportRun]:
    if is_manager(user):
        return ReportRun.objects.all()
    if _partner_officer_with_organisation(user):
        return ReportRun.objects.filter(partner_id=user.partner_organisation_id)
    raise PermissionDenied


def report_run_for_user(user, pk: int) -> ReportRun:
    """A run the user may see (404 if out of scope, 403 for a role without reports)."""
    runs = report_runs_visible_to(user).select_related("partner", "requested_by", "signed_off_by")
    return get_or_404(runs, pk)


def report_run_to_sign_off(user, pk: int) -> ReportRun:
    """A run the user may sign off: 403 unless ``can_sign_off`` (before the run is even
    looked up, as a partner officer learns nothing of the ids), else 404 if out of scope."""
    runs = report_runs_visible_to(user)
    require(can_sign_off(user))
    return get_or_404(runs.select_related("partner", "requested_by", "signed_off_by"), pk)


def dashboard_scope(user) -> dict:
    """The dashboard's fixed filters and whether counts are suppressed, for this user; a
    partner officer's dashboard is read from the partner's publication (``reports.disclosure``)."""
    if is_manager(user):
        return {"filters": {}, "suppressed": False, "donor": None, "partner": None}
    if _partner_officer_with_organisation(user):
        partner = user.partner_organisation
        donor = partner.code if partner.kind == partner.Kind.DONOR else None
        return {"filters": {"donor": donor} if donor else {}, "suppressed": True, "donor": donor, "partner": partner}
    raise PermissionDenied
