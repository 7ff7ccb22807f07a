"""The projects endpoints of the API (docs/api.md)."""

urlpatterns = []
