"""The Django admin's list of apps is built once per request (its index asked for it
twice: the page's list and the sidebar's), and is the list Django builds for that user."""

import pytest
from django.test import RequestFactory

from core.admin import _build_app_list

pytestmark = pytest.mark.django_db


def names(app_list) -> list:
    return [(app["app_label"], [m["object_name"] for m in app["models"]]) for app in app_list]


def test_the_index_builds_its_list_once_and_as_django_does(client_for, admin_user):
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 200
    context = response.context
    assert context["app_list"] is context["available_apps"]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert names(context["app_list"]) == names(_build_app_list(request))
    assert any(label == "core" and "User" in models for label, models in names(context["app_list"]))


def test_each_request_builds_its_own(client_for, admin_user):
    client = client_for(admin_user)
    first = client.get("/admin/").context["app_list"]
    second = client.get("/admin/core/user/").context["available_apps"]
    assert first is not second and names(first) == names(second)
