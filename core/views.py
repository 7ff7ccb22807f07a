from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.digest import reminder_settings_update
from core.forms import ReminderSettingsForm
from core.health import readiness
from core.registry import home_panels, nav, todo
from core.roles import Role, role_of

HOME_TEMPLATES = {
    Role.CASEWORKER: "core/home_caseworker.html",
    Role.PROGRAMME_MANAGER: "core/home_manager.html",
    Role.COMMITTEE_MEMBER: "core/home_committee.html",
    Role.PARTNER_OFFICER: "core/home_partner.html",
    Role.ADMIN: "core/home_admin.html",
}


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page; a user with no role is told so."""
    role = role_of(request.user)
    template = HOME_TEMPLATES.get(role, "core/home_norole.html")
    context = {
        "panels": home_panels.for_request(request),
        "shortcuts": nav.for_user(request.user),
    }
    return render(request, template, context)


@require_GET
def todo_list(request: HttpRequest) -> HttpResponse:
    """The user's to-do (every role: what awaits them, each line a link to the action);
    with ``?badge=1`` the navigation's count alone (htmx, loaded after the page)."""
    if request.GET.get("badge"):
        lines = todo.cached_for_user(request.user)
        return render(request, "core/_todo_badge.html", {"total": sum(line.count for line in lines)})
    lines = todo.fresh_for_user(request.user)
    return render(request, "core/todo.html", {"todo": {"lines": lines}})


def reminder_settings(request: HttpRequest) -> HttpResponse:
    form = ReminderSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        reminder_settings_update(user=request.user, by=request.user, **form.cleaned_data)
        messages.success(request, _("Reminder settings saved."))
        return redirect("todo")
    return render(request, "core/reminder_settings.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers (it touches nothing else)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: PostgreSQL, Redis (when used) and the media folders answer, each within
    a short timeout (``core.health``); 503 with what failed otherwise."""
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes lockout page (AXES_LOCKOUT_CALLABLE): translated, status 429."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
