"""Root URLconf. Every URL requires login (LoginRequiredMiddleware) except the views
marked ``login_not_required``: login, password reset, language switch, health and readiness,
and the API (``/api/v1/``), which answers 401 itself (a token or the session)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views
from core.api import urls as api_urls
from funding import api as funding_api
from projects import api as projects_api
from refugees import api as refugees_api
from reports import api as reports_api

# The REST API (docs/api.md): each app's endpoints, then a JSON 404 for any other address.
api_patterns = [
    *api_urls.urlpatterns,
    *refugees_api.urlpatterns,
    *projects_api.urlpatterns,
    *funding_api.urlpatterns,
    *reports_api.urlpatterns,
    *api_urls.catch_all,
]

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
    path("api/v1/", include((api_patterns, "api"), namespace="api")),
    path("api-tokens/", include("core.api.urls_ui")),
]
