"""Two people moving the same project at the same moment: one wins, the other is told."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects import services
from projects.models import BusinessProject, ProjectStatus, ProjectTransition


@pytest.mark.django_db(transaction=True)
def test_one_submission_wins_the_row_lock(django_db_serialized_rollback, request):
    ready_draft = request.getfixturevalue("ready_draft")
    caseworker = request.getfixturevalue("caseworker")
    manager = request.getfixturevalue("manager")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(user):
        try:
            barrier.wait()
            services.project_submit(project=ready_draft, by=user)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(u,)) for u in (caseworker, manager)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["illegal_transition", "ok"]
    assert BusinessProject.objects.get(pk=ready_draft.pk).status == ProjectStatus.SUBMITTED
    assert ProjectTransition.objects.filter(project=ready_draft).count() == 1
