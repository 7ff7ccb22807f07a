"""The phone visit never loses work: a refused form keeps its photo (a pending upload shown
as a thumbnail) and summarises its errors at the top with links to the fields; the form is
kept as a server-side draft while typing and resumed on the next visit; several action
points are saved at once."""

import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image

from funding.models import FollowUpVisit, PendingVisitPhoto, VisitDraft
from tests.factories.funding import paid
from tests.funding.test_visit_form import _data

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    return FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)


@pytest.fixture
def client(client_for, caseworker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    c = client_for(caseworker)
    c.cookies["django_language"] = "en"
    return c


def _photo(colour="red"):
    f = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(f, "JPEG")
    f.seek(0)
    f.name = "shop.jpg"
    return f


def test_a_refused_form_keeps_its_photo_and_summarises_its_errors(visit, client, caseworker, tmp_path):
    url = reverse("funding:visit_edit", args=[visit.pk])
    response = client.post(url, _data(monthly_revenue="-10", **{"ap-0-owner": ""}, photos=_photo()))
    body = response.content.decode()
    assert response.status_code == 200
    # The summary at the top links to each refused field.
    summary = body[body.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#div_id_monthly_revenue"' in summary and "cannot be negative" in summary
    assert 'href="#div_id_ap-0-owner"' in summary
    assert body.index('id="error-summary"') < body.index('name="done_on"')
    # The photo is kept, in private storage, shown as a thumbnail.
    pending = PendingVisitPhoto.objects.get(draft__user=caseworker, draft__key=f"v{visit.pk}")
    assert str(tmp_path) in pending.file.path
    assert body.count('src="data:image/jpeg;base64,') == 1
    # Corrected without taking the photo again: the visit is saved with it.
    response = client.post(url, _data())
    assert response.status_code == 302, response.content.decode()[:2000]
    visit.refresh_from_db()
    assert visit.status == "done"
    stored = visit.photos.get()
    with stored.file.open("rb") as fh, Image.open(fh) as img:
        assert img.size == (40, 30)
    assert not VisitDraft.objects.exists() and not PendingVisitPhoto.objects.exists()


def test_a_draft_is_saved_while_typing_and_resumed(visit, client, caseworker):
    url = reverse("funding:visit_edit", args=[visit.pk])
    body = client.get(url).content.decode()
    assert 'hx-post="' + url + '"' in body and "save_draft" in body
    typed = _data(observations="Half typed when the signal went", monthly_revenue="", save_draft="1")
    response = client.post(url, typed, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Draft saved at" in response.content.decode()
    draft = VisitDraft.objects.get(user=caseworker, key=f"v{visit.pk}")
    assert draft.data["observations"] == ["Half typed when the signal went"]
    assert "csrfmiddlewaretoken" not in draft.data
    visit.refresh_from_db()
    assert visit.status == "scheduled"  # a draft records nothing
    # The next visit to the form resumes it, without judging it yet.
    body = client.get(url).content.decode()
    assert "Half typed when the signal went" in body
    assert "is resumed below" in body
    assert 'id="error-summary"' not in body
    # Start again forgets it.
    client.post(url, {"discard_draft": "1"})
    assert not VisitDraft.objects.exists()
    assert "Half typed" not in client.get(url).content.decode()


def test_a_draft_is_only_its_authors(visit, client, client_for, other_caseworker):
    url = reverse("funding:visit_edit", args=[visit.pk])
    client.post(url, _data(save_draft="1", observations="mine"))
    other = client_for(other_caseworker)
    assert other.post(url, _data(save_draft="1")).status_code in (403, 404)
    assert VisitDraft.objects.get().data["observations"] == ["mine"]


def test_several_action_points_are_added_on_the_page(visit, client):
    url = reverse("funding:visit_edit", args=[visit.pk])
    body = client.get(url).content.decode()
    assert 'id="add-action-point"' in body and "ap-__prefix__-description" in body
    points = {
        "ap-TOTAL_FORMS": "3",
        "ap-1-description": "Register with the tax office",
        "ap-1-owner": "Caseworker",
        "ap-1-due_date": "2025-10-01",
        "ap-2-description": "Buy a second oven",
        "ap-2-owner": "Lead member",
        "ap-2-due_date": "2025-11-01",
    }
    response = client.post(url, _data(**points))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(visit.action_points.values_list("description", flat=True)) == [
        "Buy a second oven",
        "Open a bank account",
        "Register with the tax office",
    ]


def test_the_visits_due_list_gives_a_phone_cards_with_reachable_buttons(visit, client):
    body = client.get(reverse("funding:visits_due")).content.decode()
    cards = body[body.index('id="visits-due-cards"') :]
    cards = cards[: cards.index("</ul>")]
    assert reverse("funding:visit_edit", args=[visit.pk]) in cards
    assert "text-nowrap" not in cards
