"""The demo seeds every status idempotently, and every projects page renders in ar and fr."""

import io

import pytest

from core import demo as core_demo
from core.models import User
from projects import demo
from projects.models import BusinessProject, CommitteeSitting, ProjectStatus, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    core_demo.seed(stdout=io.StringIO(), options={})
    demo.seed(stdout=io.StringIO(), options={})
    return BusinessProject.objects.filter(reference__startswith="DEMO-")


def test_the_demo_has_every_status_and_runs_twice(seeded):
    statuses = set(seeded.values_list("status", flat=True))
    assert statuses == set(ProjectStatus.values)
    assert seeded.filter(legal_form="cooperative").count() == 2
    count = seeded.count()
    demo.seed(stdout=io.StringIO(), options={})
    assert BusinessProject.objects.filter(reference__startswith="DEMO-").count() == count
    assert not BusinessProject.objects.filter(transitions__at__year__lt=2025).exists()


def test_every_page_renders_for_the_manager_in_arabic(seeded, client_for):
    lang = "ar"
    client = client_for(User.objects.get(username="manager"))
    client.cookies["django_language"] = lang
    urls = ["/projects/", "/projects/new/", "/projects/sessions/", "/projects/sessions/new/", "/projects/committee/"]
    urls += ["/projects/committee/new/"]
    urls += [f"/projects/{p.pk}/" for p in seeded]
    urls += [f"/projects/sessions/{s.pk}/?q=am" for s in Session.objects.all()]
    for sitting in CommitteeSitting.objects.all():
        urls += [f"/projects/committee/{sitting.pk}/", f"/projects/committee/{sitting.pk}/minutes/"]
        urls += [f"/projects/committee/{sitting.pk}/items/{i.pk}/" for i in sitting.agenda.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if lang == "ar":
            assert 'dir="rtl"' in response.content.decode()


def test_the_chair_sees_the_open_agenda(seeded, client_for):
    chair = User.objects.get(username="committee.chair")
    client = client_for(chair)
    sitting = CommitteeSitting.objects.get(status=CommitteeSitting.Status.PLANNED)
    item = sitting.agenda.get()
    page = client.get(f"/projects/committee/{sitting.pk}/items/{item.pk}/")
    assert page.status_code == 200
    assert page.context["decision_form"] is not None
