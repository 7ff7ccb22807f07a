"""The API's own addresses (``/api/v1/``): the OpenAPI schema and its documentation page;
``api_path`` is how every endpoint is mounted (the API answers 401 itself, so the login
redirect of the pages does not apply; the documentation page keeps it)."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.api.errors import not_found


class SchemaView(SpectacularAPIView):
    """The schema in JSON by default (``?format=yaml`` or ``Accept: application/yaml``: YAML),
    so that a refusal is in the API's one JSON error format."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


def api_path(route: str, view, name: str):
    return path(route, login_not_required(view), name=name)


urlpatterns = [
    api_path("schema/", SchemaView.as_view(), "schema"),
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", login_required(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]

# Last: any other address under /api/v1/ is a JSON 404.
catch_all = [re_path(r"^.*$", login_not_required(not_found), name="not_found")]
