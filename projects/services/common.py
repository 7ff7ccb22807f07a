"""What the projects services share: the refresh of the members' derived status, the row lock."""

from collections.abc import Iterable

from django.db import transaction

from projects.models import BusinessProject
from refugees.services import refugee_refresh_status


def refresh_on_commit(refugee_ids: Iterable[int]) -> None:
    """Recompute these people's derived status once the transaction commits."""
    ids = list(refugee_ids)
    transaction.on_commit(lambda: refugee_refresh_status(refugee_ids=ids))


def lock(project: BusinessProject) -> BusinessProject:
    """The project's row, locked for the rest of the transaction (fresh from the database)."""
    return BusinessProject.objects.select_for_update().get(pk=project.pk)
