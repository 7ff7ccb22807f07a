"""The refugees endpoints of the API (docs/api.md)."""

urlpatterns = []
