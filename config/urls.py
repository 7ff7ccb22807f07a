"""Root URLconf. Every URL requires login (LoginRequiredMiddleware) except the views
marked ``login_not_required``: login, password reset, language switch, health and readiness."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("todo/", core_views.todo_list, name="todo"),
    path("accounts/reminders/", core_views.reminder_settings, name="reminder_settings"),
    path("accounts/", include("core.urls_auth")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("refugees/", include("refugees.urls")),
    path("projects/", include("projects.urls")),
    path("funding/", include("funding.urls")),
    path("reports/", include("reports.urls")),
    path("webhooks/", include("core.webhooks.urls")),
    path("admin/", admin.site.urls),
]
