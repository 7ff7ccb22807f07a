"""The project list and the application: the record, members, budget, study, ODCO steps."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.forms import add_service_errors, service_error_text
from core.pagination import paginate, querystring_without_page
from core.storage import serve_private_file
from projects import access, selectors, services
from projects.forms import (
    BudgetLineForm,
    CloseForm,
    CooperativeForm,
    MemberForm,
    MemberSharesForm,
    ProjectForm,
    StudyForm,
    TransitionForm,
)
from projects.models import BusinessProject, FeasibilityStudy, LegalForm, ProjectMember, ProjectStatus
from refugees.viewlog import What, log_shown


def project_list(request: HttpRequest) -> HttpResponse:
    # Paginate the bare rows, then annotate only the page's (deep pages stay fast).
    page = paginate(request, selectors.project_search(request.user, request.GET))
    page.object_list = selectors.project_rows(page.object_list)
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "statuses": ProjectStatus.choices,
            "status": request.GET.get("status", ""),
            "q": (request.GET.get("q") or "").strip(),
            "qs": querystring_without_page(request),
            "can_create": access.can_edit_projects(request.user),
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    require(access.can_edit_projects(request.user))
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project %(reference)s created.") % {"reference": project.reference})
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project updated."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


def detail_context(request: HttpRequest, project: BusinessProject, **forms) -> dict:
    """The project page's context; ``forms`` are bound forms to show again with their errors."""
    user = request.user
    can_write = access.can_edit_project(user, project)
    can_edit = can_write and project.status == ProjectStatus.DRAFT
    members = list(project.members.select_related("refugee").order_by("-is_lead", "pk"))
    log_shown(request, [m.refugee_id for m in members], what=What.LIST)  # the page names its members
    context = {
        "project": project,
        "members": members,
        "lines": project.budget_lines.all(),
        "budget_total": selectors.budget_total(project),
        "requested": selectors.amount_requested(project),
        "study": FeasibilityStudy.objects.filter(project=project).first(),
        "transitions": selectors.project_history(project),
        "decisions": selectors.decided_items(project),
        "cooperative": getattr(project, "cooperative", None) if project.legal_form == LegalForm.COOPERATIVE else None,
        "is_cooperative": project.legal_form == LegalForm.COOPERATIVE,
        "can_edit": can_edit,
        "can_write": can_write,
        "problems": services.submission_problems(project) if can_edit else [],
    }
    if can_edit:
        left = Decimal(100) - sum((m.share_percent for m in members), Decimal(0))
        context["member_form"] = forms.get("member_form") or MemberForm(
            refugees=access.refugees_pickable_by(user),
            project=project,
            initial={"share_percent": left if left > 0 else None},
        )
        context["shares_form"] = forms.get("shares_form") or MemberSharesForm(members=members)
        context["shares_left"] = left
        context["line_form"] = forms.get("line_form") or BudgetLineForm()
        context["submit_form"] = forms.get("submit_form") or TransitionForm(initial={"expected": project.status})
    if access.can_close_project(user, project) and project.status in (ProjectStatus.FUNDED, ProjectStatus.OPERATING):
        context["close_form"] = forms.get("close_form") or CloseForm(initial={"expected": project.status})
    return context


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    return render(request, "projects/project_detail.html", detail_context(request, project))


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = MemberForm(request.POST, refugees=access.refugees_pickable_by(request.user), project=project)
    if form.is_valid():
        try:
            services.member_add(
                project=project,
                refugee=form.refugee,
                by=request.user,
                is_lead=form.cleaned_data["is_lead"],
                share_percent=form.cleaned_data["share_percent"],
            )
        except ValidationError as exc:
            form.add_error("unhcr_number", service_error_text(exc))
        else:
            messages.success(request, _("Member added."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request, "projects/project_detail.html", detail_context(request, project, member_form=form), status=400
    )


@require_GET
def member_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The member picker's results (htmx): people matching ``q``, each an "Add" button of
    the member form."""
    project = access.project_for_user(request.user, pk, write=True)
    q = (request.GET.get("q") or "").strip()
    results = selectors.refugees_to_add_as_members(request.user, project, q)
    log_shown(request, results, what=What.LIST)
    return render(request, "projects/_member_picker.html", {"project": project, "q": q, "results": results})


@require_POST
def member_shares(request: HttpRequest, pk: int) -> HttpResponse:
    """The members' shares edited in place (one form over the members table)."""
    project = access.project_for_user(request.user, pk, write=True)
    members = list(project.members.select_related("refugee").order_by("-is_lead", "pk"))
    form = MemberSharesForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.member_shares_set(project=project, by=request.user, shares=form.shares())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The shares were saved."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#members-h")
    return render(
        request, "projects/project_detail.html", detail_context(request, project, shares_form=form), status=400
    )


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    member = get_object_or_404(ProjectMember, project=project, pk=member_pk)
    try:
        services.member_remove(member=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Member removed."))
    return redirect("projects:detail", pk=project.pk)


@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            services.budget_line_add(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Budget line added."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_detail.html", detail_context(request, project, line_form=form), status=400)


@require_POST
def budget_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    line = get_object_or_404(project.budget_lines, pk=line_pk)
    try:
        services.budget_line_remove(line=line, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Budget line removed."))
    return redirect("projects:detail", pk=project.pk)


def study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    study = FeasibilityStudy.objects.filter(project=project).first()
    form = StudyForm(request.POST or None, request.FILES or None, instance=study)
    if request.method == "POST" and form.is_valid():
        try:
            services.study_save(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Feasibility study saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/study_form.html", {"form": form, "project": project})


def study_document(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    study = get_object_or_404(FeasibilityStudy, project=project)
    log_shown(request, project.members.values_list("refugee_id", flat=True), what=What.DOCUMENT)
    return serve_private_file(study.document, download_name=f"{project.reference}-study")


def cooperative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = CooperativeForm(request.POST or None, instance=getattr(project, "cooperative", None))
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperative_save(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cooperative steps saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/cooperative_form.html", {"form": form, "project": project})
