"""The funding endpoints of the API (docs/api.md)."""

urlpatterns = []
