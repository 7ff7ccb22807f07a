"""The token pages of the UI (``/api-tokens/``)."""

from django.urls import path

from core.api import views

urlpatterns = [
    path("", views.token_list, name="api_tokens"),
    path("new/", views.token_new, name="api_token_create"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="api_token_revoke"),
]
