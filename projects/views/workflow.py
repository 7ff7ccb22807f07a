"""The status moves a user makes from the project page: submit, and the manual close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.forms import service_error_text
from projects import access, services
from projects.forms import CloseForm, TransitionForm
from projects.views.applications import detail_context


def _changed_meanwhile(request: HttpRequest, project) -> HttpResponse:
    messages.error(request, _("This project changed while you were looking at it; check it and try again."))
    return redirect("projects:detail", pk=project.pk)


@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["expected"] != project.status:
        return _changed_meanwhile(request, project)
    try:
        services.project_submit(project=project, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Project submitted to the committee."))
    return redirect("projects:detail", pk=project.pk)


@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme manager closes a funded or operating project by hand, with its outcome."""
    project = access.project_for_user(request.user, pk, write=True)
    require(access.can_close_project(request.user, project))  # before the form, so no 400 for a caseworker
    form = CloseForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, project, close_form=form)
        return render(request, "projects/project_detail.html", context, status=400)
    if form.cleaned_data["expected"] != project.status:
        return _changed_meanwhile(request, project)
    try:
        services.project_close_by_hand(
            project=project,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Project closed."))
    return redirect("projects:detail", pk=project.pk)
