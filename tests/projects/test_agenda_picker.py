"""The sitting's agenda form chooses its project with a search box (htmx), not a list of
every submitted project: the picker offers the submitted projects the form accepts, and
the form takes a reference or an id of that set only."""

import pytest
from django.urls import reverse

from projects.models import AgendaItem

pytestmark = pytest.mark.django_db


def test_the_sitting_page_has_a_search_box_and_no_list_of_projects(client_for, manager, sitting, submitted):
    html = client_for(manager).get(reverse("projects:sitting_detail", args=[sitting.pk])).content.decode()
    assert f'hx-get="{reverse("projects:agenda_picker", args=[sitting.pk])}"' in html
    assert '<select name="project"' not in html and submitted.reference not in html


def test_the_picker_offers_submitted_projects_only(client_for, manager, sitting, submitted, draft):
    url = reverse("projects:agenda_picker", args=[sitting.pk])
    html = client_for(manager).get(url, {"project": submitted.reference}).content.decode()
    assert f'data-pick-value="{submitted.reference}"' in html
    assert "data-pick-value" not in client_for(manager).get(url, {"project": "zzz-nothing"}).content.decode()


def test_the_picker_is_the_managers(client_for, committee_member, sitting):
    url = reverse("projects:agenda_picker", args=[sitting.pk])
    assert client_for(committee_member).get(url, {"project": "PRJ"}).status_code == 403


def test_the_form_takes_the_typed_reference_and_refuses_a_draft_by_id(client_for, manager, sitting, submitted):
    from tests.factories.projects import BusinessProjectFactory

    client = client_for(manager)
    url = reverse("projects:sitting_detail", args=[sitting.pk])
    other_draft = BusinessProjectFactory(office=submitted.office)
    assert client.post(url, {"project": other_draft.pk}).status_code == 200
    assert not AgendaItem.objects.exists()
    assert client.post(url, {"project": submitted.reference}).status_code == 302
    assert AgendaItem.objects.get().project == submitted
