"""The registry's line of the to-do (core.registry.todo): imports left in preview."""

from django.urls import reverse
from django.utils.translation import ngettext

from core.registry import TodoLine
from refugees.importing.uploads import pending_uploads_count


def imports_todo(user) -> list[TodoLine]:
    n = pending_uploads_count(user=user)
    label = ngettext(
        "%(n)s import is waiting in preview (confirm or upload again)",
        "%(n)s imports are waiting in preview (confirm or upload again)",
        n,
    ) % {"n": n}
    return [TodoLine("imports_in_preview", label, n, reverse("refugees:import"))]
