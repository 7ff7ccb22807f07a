"""The validation committee: sittings, the agenda, scoring, the decision, the minutes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.forms import add_service_errors, service_error_text
from core.pagination import paginate
from projects import access, selectors, services
from projects.forms import AgendaAddForm, ConflictForm, DecisionForm, ScoreForm, SittingAttendanceForm, SittingForm
from projects.models import AgendaItem, CommitteeSitting, ScoringCriterion
from refugees.viewlog import What, log_shown


def sitting_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/sitting_list.html",
        {
            "page": paginate(request, selectors.sitting_list(request.user)),
            "can_create": access.can_manage_sittings(request.user),
        },
    )


def sitting_create(request: HttpRequest) -> HttpResponse:
    require(access.can_manage_sittings(request.user))
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sitting = services.sitting_create(
            by=request.user,
            date=data["date"],
            location=data["location"],
            quorum=data["quorum"],
            chair=data["chair"],
            members=data["members"],
            deputy_chair=data["deputy_chair"],
        )
        messages.success(request, _("Sitting created."))
        return redirect("projects:sitting_detail", pk=sitting.pk)
    return render(request, "projects/sitting_form.html", {"form": form})


@require_GET
def agenda_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda form's project search (htmx): the submitted projects it would accept."""
    sitting = access.sitting_for_user(request.user, pk)
    require(access.can_manage_sittings(request.user) and sitting.status != CommitteeSitting.Status.CLOSED)
    choices = AgendaAddForm(projects=access.projects_visible_to(request.user)).fields["project"].queryset
    q = request.GET.get("project") or ""
    results, more = selectors.projects_matching(choices, q)
    return render(request, "partials/picker_results.html", {"q": q, "results": results, "more": more})


def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    is_open = sitting.status != CommitteeSitting.Status.CLOSED
    agenda_form = None
    if access.can_manage_sittings(request.user) and is_open:
        agenda_form = AgendaAddForm(request.POST or None, projects=access.projects_visible_to(request.user))
        agenda_form.fields["project"].widget.search_at(reverse("projects:agenda_picker", args=[sitting.pk]))
        if request.method == "POST" and agenda_form.is_valid():
            try:
                services.agenda_add(sitting=sitting, project=agenda_form.cleaned_data["project"], by=request.user)
            except ValidationError as exc:
                agenda_form.add_error("project", service_error_text(exc))
            else:
                messages.success(request, _("Project put on the agenda."))
                return redirect("projects:sitting_detail", pk=sitting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    present = list(sitting.present.order_by("last_name", "username")) if sitting.opened_at else []
    members = list(sitting.members.order_by("last_name", "username"))
    context = {
        "sitting": sitting,
        "members": members,
        "agenda": selectors.agenda_rows(sitting, request.user, members=members),
        "agenda_form": agenda_form,
        "can_close_sitting": is_open and access.can_close_sitting(request.user, sitting),
        "present": present,
        "attendance_form": (
            SittingAttendanceForm(sitting=sitting, present=present)
            if is_open and access.can_run_sitting(request.user, sitting)
            else None
        ),
    }
    return render(request, "projects/sitting_detail.html", context)


@require_POST
def sitting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the members present: opens the sitting the first time (the minutes' opening time)."""
    sitting = access.sitting_for_user(request.user, pk)
    require(access.can_run_sitting(request.user, sitting))
    form = SittingAttendanceForm(request.POST, sitting=sitting)
    if form.is_valid():
        try:
            services.sitting_attendance(sitting=sitting, by=request.user, present=form.cleaned_data["present"])
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
        else:
            messages.success(request, _("Attendance recorded: the sitting is open."))
    else:
        messages.error(request, _("Tick the members who are present from the list."))
    return redirect("projects:sitting_detail", pk=sitting.pk)


def _item_for_user(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    sitting = access.sitting_for_user(request.user, pk)
    return get_object_or_404(
        AgendaItem.objects.select_related("sitting__chair", "sitting__deputy_chair", "project"),
        sitting=sitting,
        pk=item_pk,
    )


def _item_page(request: HttpRequest, item: AgendaItem, *, status: int = 200, **bound) -> HttpResponse:
    """The item's page; ``bound`` are forms to show again with their errors (status 400)."""
    user, sitting = request.user, item.sitting
    context = selectors.item_review(item, user)
    log_shown(request, [m.refugee_id for m in context["members"]], what=What.LIST)  # fetched once, for the page
    open_for_me = (
        access.can_sit_on(user, sitting)
        and context["decision"] is None
        and sitting.status != CommitteeSitting.Status.CLOSED
    )
    forms = {"score_form": None, "conflict_form": None, "decision_form": None}
    if open_for_me and not context["conflicted"] and not context["my_scores"]:
        forms["score_form"] = ScoreForm(criteria=ScoringCriterion.objects.filter(is_active=True))
        forms["conflict_form"] = ConflictForm()
    decider_id = access.item_decider_id(item)
    if open_for_me and access.can_record_item_decision(user, item):
        requested = context["requested"]
        forms["decision_form"] = DecisionForm(requested=requested, initial={"approved_amount": requested})
    forms.update(bound)
    context.update(
        forms,
        quorum_met=services.quorum_met(item),
        decision_waits=decider_id is None,
        deputy_decides=decider_id is not None and decider_id == sitting.deputy_chair_id,
    )
    return render(request, "projects/item_detail.html", context, status=status)


def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _item_page(request, _item_for_user(request, pk, item_pk))


@require_POST
def item_score(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    form = ScoreForm(request.POST, criteria=ScoringCriterion.objects.filter(is_active=True))
    if form.is_valid():
        try:
            services.score_record(item=item, member=request.user, values=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your scores are recorded."))
            return redirect("projects:item_detail", pk=pk, item_pk=item.pk)
    return _item_page(request, _item_for_user(request, pk, item_pk), status=400, score_form=form)


@require_POST
def item_conflict(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(item=item, member=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
        else:
            messages.success(request, _("Your conflict of interest is recorded: you will not score this project."))
    return redirect("projects:item_detail", pk=pk, item_pk=item.pk)


@require_POST
def item_decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    require(access.can_record_decision(request.user, item.sitting))
    form = DecisionForm(request.POST, requested=selectors.amount_requested(item.project))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                item=item,
                by=request.user,
                decision=data["decision"],
                approved_amount=data["approved_amount"],
                conditions=data["conditions"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("projects:item_detail", pk=pk, item_pk=item.pk)
    return _item_page(request, _item_for_user(request, pk, item_pk), status=400, decision_form=form)


@require_POST
def sitting_close(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    services.sitting_close(sitting=sitting, by=request.user)
    messages.success(request, _("Sitting closed."))
    return redirect("projects:sitting_detail", pk=sitting.pk)


def _minutes_context(sitting: CommitteeSitting) -> dict:
    return {
        "sitting": sitting,
        "members": sitting.members.order_by("last_name", "username"),
        "attendance": selectors.sitting_attendance(sitting),
        "agenda": selectors.minutes_agenda(sitting),
        "lang": get_language(),
        "rtl": get_language_bidi(),
    }


def sitting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    return render(request, "projects/minutes.html", _minutes_context(sitting))


def sitting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    sitting = access.sitting_for_user(request.user, pk)
    html = render_to_string("projects/minutes_print.html", _minutes_context(sitting), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{sitting.date:%Y-%m-%d}-{get_language()}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
