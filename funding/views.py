"""Funding screens. Each view checks access first (funding.access), then calls a
selector to read or a service to write."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.forms import add_service_errors, service_error_text
from core.pagination import paginate, querystring_without_page
from core.security.mfa import step_up
from core.storage import serve_private_file
from funding import access, selectors, services
from funding.forms import (
    ActionPointFormSet,
    DisbursementForm,
    GrantForm,
    RejectForm,
    ReversalForm,
    ShareFormSet,
    TrancheFormSet,
    VisitForm,
)
from funding.models import Disbursement, FollowUpVisit, Grant
from funding.selectors import members_of
from projects import selectors as project_selectors
from refugees.viewlog import What, log_shown


def _entry_url(entry: Disbursement) -> str:
    return reverse("funding:grant_detail", args=[entry.grant_id]) + f"#entry-{entry.pk}"


# --- Grants -------------------------------------------------------------------------


def grant_list(request: HttpRequest) -> HttpResponse:
    grants = selectors.grant_list(access.grants_visible_to(request.user), request.GET)
    page = paginate(request, grants)
    return render(
        request,
        "funding/grant_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "q": request.GET.get("q", "").strip(),
            "kind": request.GET.get("kind", ""),
            "kinds": Grant.Kind.choices,
            "can_award": access.can_award_grant(request.user),
        },
    )


def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk)
    ledger = selectors.grant_ledger(grant)
    for entry in ledger:
        entry.can_approve = access.can_approve_disbursement(request.user, entry)
    visits = selectors.grant_visits(grant)
    return render(
        request,
        "funding/grant_detail.html",
        {
            "grant": grant,
            "project": grant.project,
            "tranches": selectors.tranches_with_paid(grant),
            "ledger": ledger,
            "split": selectors.grant_split(grant),
            "visits": visits,
            "net_paid": grant.paid_mad,
            "today": timezone.localdate(),
        },
    )


@require_GET
def project_picker(request: HttpRequest) -> HttpResponse:
    """The award form's project search (htmx): the projects the form would accept."""
    require(access.can_award_grant(request.user))
    choices = GrantForm(projects=selectors.projects_to_fund(request.user)).fields["project"].queryset
    q = request.GET.get("project") or ""
    results, more = project_selectors.projects_matching(choices, q)
    return render(request, "partials/picker_results.html", {"q": q, "results": results, "more": more})


def grant_create(request: HttpRequest) -> HttpResponse:
    require(access.can_award_grant(request.user))
    projects = selectors.projects_to_fund(request.user)
    initial = {}
    if request.GET.get("project"):
        initial["project"] = request.GET["project"]
    form = GrantForm(request.POST or None, projects=projects, initial=initial)
    form.fields["project"].widget.search_at(reverse("funding:project_picker"))
    shares = ShareFormSet(request.POST or None, prefix="share")
    tranches = TrancheFormSet(request.POST or None, prefix="tranche")
    if request.method == "POST" and form.is_valid() and shares.is_valid() and tranches.is_valid():
        data = form.cleaned_data
        try:
            grant = services.grant_award(
                project=data["project"],
                kind=data["kind"],
                amount=data["amount"],
                awarded_on=data["awarded_on"],
                notes=data["notes"],
                shares=[
                    services.ShareSpec(agreement=f.cleaned_data["agreement"], amount=f.cleaned_data["amount"])
                    for f in shares
                    if f.cleaned_data
                ],
                tranches=[
                    services.TrancheSpec(
                        amount=f.cleaned_data["amount"],
                        planned_date=f.cleaned_data["planned_date"],
                        condition=f.cleaned_data["condition"],
                    )
                    for f in tranches
                    if f.cleaned_data
                ],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Grant awarded."))
            return redirect("funding:grant_detail", pk=grant.pk)
    return render(request, "funding/grant_form.html", {"form": form, "shares": shares, "tranches": tranches})


# --- Ledger -------------------------------------------------------------------------


def disbursement_create(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        existing = selectors.entry_sent_before(key=key, grant=grant)
        if existing is not None:
            messages.info(request, _("This payment was already recorded."))
            return redirect(_entry_url(existing))
    form = DisbursementForm(request.POST or None, request.FILES or None, grant=grant, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry, created = services.disbursement_record(grant=grant, by=request.user, **form.payment())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Payment recorded. It now awaits approval by another programme manager."))
            else:
                messages.info(request, _("This payment was already recorded."))
            return redirect(_entry_url(entry))
    return render(request, "funding/disbursement_form.html", {"form": form, "grant": grant})


@step_up
def disbursement_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    original = access.disbursement_for_user(request.user, pk)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        existing = selectors.entry_sent_before(key=key, reverses=original)
        if existing is not None:
            return redirect(_entry_url(existing))
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry, _created = services.disbursement_reverse(
                original=original,
                date=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reversal recorded. It now awaits approval by another programme manager."))
            return redirect(_entry_url(entry))
    return render(request, "funding/reversal_form.html", {"form": form, "original": original, "grant": original.grant})


def approval_queue(request: HttpRequest) -> HttpResponse:
    entries = (
        access.approval_queue_for(request.user)
        .select_related("grant__project__office", "tranche", "recorded_by", "paid_from")
        .order_by("recorded_at", "pk")
    )
    page = paginate(request, entries)
    for entry in page:
        entry.can_approve = access.can_approve_disbursement(request.user, entry)
    return render(
        request,
        "funding/approval_queue.html",
        {"page": page, "querystring": querystring_without_page(request), "reject_form": RejectForm()},
    )


@require_POST
@step_up
def disbursement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_decide_disbursements(request.user))
    entry = access.disbursement_for_user(request.user, pk)
    try:
        services.disbursement_approve(entry=entry, by=request.user)
    except PermissionDenied as exc:  # the four-eyes rule (the role was checked above): told on the page
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Entry approved."))
    return redirect(request.POST.get("next") or reverse("funding:approval_queue"))


@require_POST
def disbursement_reject(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.can_decide_disbursements(request.user))
    entry = access.disbursement_for_user(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():  # no reason: nothing rejected, the queue says why
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("funding:approval_queue"))
    reason = form.cleaned_data["reason"]
    try:
        services.disbursement_reject(entry=entry, by=request.user, reason=reason)
    except PermissionDenied as exc:  # the four-eyes rule (the role was checked above): told on the page
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Entry rejected."))
    return redirect(reverse("funding:approval_queue"))


def disbursement_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.disbursement_for_user(request.user, pk)
    log_shown(request, members_of(entry.grant.project_id), what=What.DOCUMENT)
    return serve_private_file(entry.receipt, download_name=f"receipt-{entry.pk}")


# --- Visits -------------------------------------------------------------------------


def visits_due(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=7)
    visits = selectors.visits_due(access.visits_visible_to(request.user), until=horizon)
    # Sorted by due date: the first thousand are the urgent ones; the count stops there.
    page = paginate(request, visits, cap=selectors.WORKLIST_COUNT_CAP)
    return render(
        request,
        "funding/visits_due.html",
        {"page": page, "querystring": querystring_without_page(request), "today": today, "horizon": horizon},
    )


def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk)
    if visit.status == FollowUpVisit.Status.CANCELLED:
        messages.error(request, _("This visit was cancelled."))
        return redirect("funding:visits_due")
    return _visit_form_page(
        request, visit, lambda **fields: services.visit_record(visit=visit, **fields), saved=_("Visit saved.")
    )


def visit_add_extra(request: HttpRequest, pk: int) -> HttpResponse:
    """An extra (unscheduled) follow-up visit of a financed project, with the visit form."""
    project = access.project_for_extra_visit(request.user, pk)
    visit = FollowUpVisit(project=project, due_date=timezone.localdate())
    return _visit_form_page(
        request,
        visit,
        lambda **fields: services.visit_record_extra(project=project, **fields),
        saved=_("Extra visit saved."),
        extra=True,
    )


def _visit_form_page(request: HttpRequest, visit: FollowUpVisit, record, *, saved: str, extra: bool = False):
    """The visit form and its action points. ``record(by=, data=, checklist=, photos=,
    action_points=, ...)`` saves the visit and its action points through a service (one
    transaction); a refusal shows its errors on the form (summarised at the top) and saves
    nothing but the caseworker's draft: the fields as typed and the photos uploaded, kept
    for the next submission. The draft is also saved while typing (htmx, ``save_draft``)
    and resumed on the next visit to the form. Then back to the project's grant."""
    project = visit.project
    scope = {"by": request.user, "project": project, "visit": visit if visit.pk else None}
    if request.method == "POST" and "save_draft" in request.POST:
        draft = services.visit_draft_save(data=dict(request.POST.lists()), **scope)
        return render(request, "funding/_draft_saved.html", {"draft": draft})
    if request.method == "POST" and "discard_draft" in request.POST:
        services.visit_draft_discard(**scope)
        return redirect(request.path)
    draft = selectors.visit_draft(request.user, services.draft_key(visit=visit, project=project))
    initial = {"done_on": visit.done_on or timezone.localdate()}
    data = request.POST if request.method == "POST" else None
    resumed = data is None and draft is not None
    if resumed:
        data = QueryDict(mutable=True)
        for name, values in draft.data.items():
            data.setlist(name, values)
    form = VisitForm(data, request.FILES or None, instance=visit, initial=initial)
    action_points = ActionPointFormSet(data, instance=visit, prefix="ap")
    if request.method == "POST":
        if form.is_valid() and action_points.is_valid():
            details = {"action_points": action_points.save(commit=False)}  # unsaved: the service saves them
            if action_points.deleted_objects:  # only a recorded visit has points to delete
                details["deleted_action_points"] = action_points.deleted_objects
            pending = [File(p.file.open("rb"), name="pending.jpg") for p in draft.photos.all()] if draft else []
            try:
                visit = record(
                    by=request.user,
                    data=form.visit_data(),
                    checklist=form.cleaned_data["checklist"],
                    photos=[*pending, *form.cleaned_data["photos"]],
                    **details,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                services.visit_draft_discard(by=request.user, project=project, visit=visit if not extra else None)
                messages.success(request, saved)
                grant = visit.project.grants.order_by("awarded_on", "pk").first()
                if grant is not None:
                    return redirect("funding:grant_detail", pk=grant.pk)
                return redirect("funding:visits_due")
            finally:
                for f in pending:
                    f.close()
        # Refused: keep what was typed and the valid photos for the next submission.
        draft = services.visit_draft_save(
            data=dict(request.POST.lists()), photos=form.cleaned_data.get("photos") or (), **scope
        )
    elif resumed:  # show the draft's values without judging them yet
        form._errors = ErrorDict()
        for f in action_points.forms:
            f._errors = ErrorDict()
        action_points._errors, action_points._non_form_errors = [], ErrorList()
    photos = list(visit.photos.all()) if visit.pk else []
    return render(
        request,
        "funding/visit_form.html",
        {
            "form": form,
            "action_points": action_points,
            "visit": visit,
            "photos": photos,
            "extra": extra,
            "draft": draft,
            "resumed": resumed,
            "pending_thumbnails": selectors.pending_photo_thumbnails(draft),
        },
    )


def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = access.visit_photo_for_user(request.user, pk)
    log_shown(request, members_of(photo.visit.project_id), what=What.DOCUMENT)
    return serve_private_file(photo.file, download_name=f"visit-{photo.visit_id}-{photo.pk}", inline=True)


# --- Agreements ---------------------------------------------------------------------


def agreement_list(request: HttpRequest) -> HttpResponse:
    access.agreements_visible_to(request.user)
    agreements = selectors.agreements_with_spend()
    return render(request, "funding/agreement_list.html", {"agreements": agreements})
