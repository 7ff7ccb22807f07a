"""Sessions and their attendance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.forms import add_service_errors, id_from
from core.pagination import paginate, querystring_without_page
from projects import access, selectors, services
from projects.forms import AttendanceRegisterForm, SessionForm
from projects.models import Attendance, Session
from refugees.viewlog import What, log_shown


def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/session_list.html",
        {
            "page": paginate(request, selectors.session_list(request.user, request.GET)),
            "kinds": Session.Kind.choices,
            "kind": request.GET.get("kind", ""),
            "qs": querystring_without_page(request),
        },
    )


def session_create(request: HttpRequest) -> HttpResponse:
    require(access.can_manage_sessions(request.user))
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("projects:session_detail", pk=session.pk)
    return render(request, "projects/session_form.html", {"form": form})


def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect("projects:session_detail", pk=session.pk)
    return render(request, "projects/session_form.html", {"form": form, "session": session})


def session_detail(request: HttpRequest, pk: int, register_form: AttendanceRegisterForm | None = None) -> HttpResponse:
    session = access.session_for_user(request.user, pk)
    q = (request.GET.get("q") or "").strip()
    context = {"session": session, "q": q, "results": selectors.refugees_to_mark_present(request.user, session, q)}
    log_shown(request, context["results"], what=What.LIST)
    if request.headers.get("HX-Request"):
        return render(request, "projects/_attendance_search.html", context)
    context["attendance"] = session.attendance.select_related("refugee").order_by(
        "refugee__last_name_latin", "refugee__first_name_latin"
    )
    log_shown(request, [a.refugee_id for a in context["attendance"]], what=What.LIST)  # fetched once, for the page
    context["register"], context["register_more"] = selectors.session_register(request.user, session)
    context["register_form"] = register_form
    if register_form is not None:  # refused: what was ticked stays ticked
        context["ticked"] = {int(v) for v in register_form.data.getlist("present") if v.isdigit() and len(v) < 19}
    else:
        context["ticked"] = {p.pk for p in context["register"] if p.present}
    log_shown(request, [p.pk for p in context["register"]], what=What.LIST)
    return render(request, "projects/session_detail.html", context, status=400 if register_form else 200)


@require_POST
def attendance_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The register ticked in one submission (present / absent for everyone it showed)."""
    session = access.session_for_user(request.user, pk)
    form = AttendanceRegisterForm(request.POST)
    if not form.is_valid():
        return session_detail(request, pk, register_form=form)
    present = form.cleaned_data["present"]
    absent = set(form.cleaned_data["shown"]) - set(present)
    added, removed = services.attendance_set(session=session, by=request.user, present=present, absent=absent)
    messages.success(
        request,
        _("Register saved: %(added)s marked present, %(removed)s marked absent.")
        % {"added": added, "removed": removed},
    )
    return redirect(reverse("projects:session_detail", args=[session.pk]) + "#register-h")


@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk)
    refugee = get_object_or_404(access.refugees_pickable_by(request.user), pk=id_from(request.POST, "refugee"))
    services.attendance_add(session=session, refugee=refugee, by=request.user)
    messages.success(request, _("%(name)s marked present.") % {"name": refugee.full_name_latin})
    return redirect("projects:session_detail", pk=session.pk)


@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk)
    attendance = get_object_or_404(Attendance, session=session, refugee_id=id_from(request.POST, "refugee"))
    services.attendance_remove(session=session, refugee=attendance.refugee, by=request.user)
    messages.success(request, _("Attendance removed."))
    return redirect("projects:session_detail", pk=session.pk)
