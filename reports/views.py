"""Report runs (request, progress, download, sign-off) and the programme dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.pagination import paginate
from core.security.mfa import step_up
from core.storage import serve_private_file
from reports import access, selectors, services
from reports.disclosure import calendar
from reports.disclosure.dashboard import partner_dashboard
from reports.forms import REPORT_TITLES, DashboardFilterForm, PartnerDashboardForm, ReportRunForm
from reports.models import ReportRun
from reports.suppression import threshold


def run_list(request: HttpRequest) -> HttpResponse:
    require(access.may_use_reports(request.user))
    runs = access.report_runs_visible_to(request.user).select_related("partner", "requested_by")
    if request.method == "POST":
        form = ReportRunForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = services.report_run_request(
                    code=data["code"],
                    start=data["start"],
                    end=data["end"],
                    fmt=data["format"],
                    language=data["language"],
                    by=request.user,
                    partner=data["partner"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                run.refresh_from_db()
                if run.status == ReportRun.Status.QUEUED and run.enqueued_at is None:
                    messages.warning(
                        request,
                        _(
                            "Your request is saved. The report queue is unavailable right now: the report will start "
                            "as soon as it is back."
                        ),
                    )
                else:
                    messages.success(request, _("Your report is being prepared."))
                return redirect("reports:run_detail", pk=run.pk)
    else:
        form = ReportRunForm(user=request.user)
    page = paginate(request, runs)
    return render(request, "reports/run_list.html", {"form": form, "page": page, "titles": REPORT_TITLES})


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.may_use_reports(request.user))
    run = access.report_run_for_user(request.user, pk)
    previous = selectors.report_run_previous(run)
    context = {
        "run": run,
        "previous": previous,
        "changes": selectors.report_run_changes(run, previous),
        "titles": REPORT_TITLES,
        "title": REPORT_TITLES.get(run.code, run.code),
        "can_sign_off": run.status == ReportRun.Status.DONE
        and not run.is_signed_off
        and access.can_sign_off(request.user, run),
    }
    return render(request, "reports/run_detail.html", context)


def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment polled by the run page while the run is queued or running."""
    require(access.may_use_reports(request.user))
    run = access.report_run_for_user(request.user, pk)
    response = render(request, "reports/_run_status.html", {"run": run})
    if run.is_finished:
        response["HX-Refresh"] = "true"
    return response


def run_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.may_use_reports(request.user))
    run = access.report_run_for_user(request.user, pk)
    if run.status != ReportRun.Status.DONE:
        raise PermissionDenied
    return serve_private_file(run.file, download_name=run.download_name())


@require_POST
@step_up
def run_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.report_run_to_sign_off(request.user, pk)
    try:
        services.report_run_sign_off(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is signed off. It can no longer change."))
    return redirect("reports:run_detail", pk=run.pk)


def dashboard(request: HttpRequest) -> HttpResponse:
    require(access.may_use_reports(request.user))
    scope = access.dashboard_scope(request.user)
    if scope.get("partner") is not None:
        return _partner_dashboard(request, scope["partner"])
    form = DashboardFilterForm(request.GET or None)
    start, end = form.period()
    data = selectors.dashboard(start=start, end=end, filters=form.filters(), scope=scope)
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "data": data, "start": start, "end": end, "scope": scope},
    )


def _partner_dashboard(request: HttpRequest, partner) -> HttpResponse:
    """A partner's dashboard: read from its protected publication, for one complete period of
    its calendar and at most one filter; any other parameter (dates to the day, two filters)
    is not offered and not read."""
    periods = calendar.complete_periods(calendar.granularity_of(partner.code))
    if not periods:
        return render(request, "reports/partner_dashboard.html", {"period": None})
    period = calendar.from_key(request.GET.get("period", ""), periods[0].granularity) or periods[0]
    views = partner_dashboard(partner=partner, period=period)
    form = PartnerDashboardForm(request.GET or None, periods=periods, choices=views["choices"])
    data = views["views"].get(form.show_choice(), views["views"][""])
    return render(request, "reports/partner_dashboard.html", {"form": form, "data": data, "period": period})


def disclosure(request: HttpRequest) -> HttpResponse:
    """How partner figures are protected, in the reader's language."""
    require(access.may_use_reports(request.user))
    return render(request, "reports/disclosure.html", {"threshold": threshold()})
