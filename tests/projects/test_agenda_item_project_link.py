"""A committee member goes from an agenda item to the project's own page (issue 7): the
item page links to it, and the link works for the sitting's members only."""

import pytest
from django.urls import reverse

from core.roles import Role
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db


def test_the_agenda_item_links_to_the_project_page(client_for, item, members):
    client = client_for(members[1])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("projects:item_detail", args=[item.sitting_id, item.pk]))
    project_url = reverse("projects:detail", args=[item.project_id])
    html = page.content.decode()
    assert f'href="{project_url}" id="project-file-link">Open the project file</a>' in html

    project_page = client.get(project_url)
    assert project_page.status_code == 200
    assert item.project.title in project_page.content.decode()
    # A committee member reads it; they cannot edit it.
    assert reverse("projects:edit", args=[item.project_id]) not in project_page.content.decode()


def test_a_member_of_another_sitting_cannot_follow_it(client_for, item):
    outsider = make_user(Role.COMMITTEE_MEMBER, username="committee.elsewhere")
    response = client_for(outsider).get(reverse("projects:detail", args=[item.project_id]))
    assert response.status_code == 404
