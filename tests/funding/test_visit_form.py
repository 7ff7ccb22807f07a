import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image

from funding.models import ChecklistItem, FollowUpVisit
from tests.factories.funding import paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(grant, caseworker, manager2):
    paid(grant, amount="5000.00", by=caseworker, approver=manager2, date=datetime.date(2025, 7, 1))
    return FollowUpVisit.objects.get(project=grant.project, months_after_funding=1)


def _data(**kw):
    data = {
        "done_on": "2025-08-02",
        "mode": "on_site",
        "business_status": "operating",
        "monthly_revenue": "4200.50",
        "monthly_costs": "2100.00",
        "jobs_refugee_women": "1",
        "jobs_refugee_men": "1",
        "jobs_moroccan_women": "0",
        "jobs_moroccan_men": "2",
        "checklist": [c.pk for c in ChecklistItem.objects.filter(code__in=["signboard", "stock"])],
        "observations": "Shop clean and stocked.",
        "recommendations": "Keep the cash book daily.",
        "verdict": "satisfactory",
        "ap-TOTAL_FORMS": "1",
        "ap-INITIAL_FORMS": "0",
        "ap-MIN_NUM_FORMS": "0",
        "ap-MAX_NUM_FORMS": "1000",
        "ap-0-description": "Open a bank account",
        "ap-0-owner": "Lead member",
        "ap-0-due_date": "2025-09-01",
    }
    data.update(kw)
    return data


def test_the_form_is_made_for_a_phone(visit, client_for, caseworker):
    body = client_for(caseworker).get(reverse("funding:visit_edit", args=[visit.pk])).content.decode()
    assert 'inputmode="decimal"' in body
    assert 'accept="image/*"' in body and 'capture="environment"' in body
    assert 'class="visit-form"' in body  # large targets: static/css/sanad.css (no inline style: the CSP)
    from django.conf import settings

    assert "min-height: 48px" in (settings.BASE_DIR / "static" / "css" / "sanad.css").read_text()
    assert body.count('type="checkbox"') >= ChecklistItem.objects.filter(is_active=True).count()


def test_a_visit_is_recorded_with_checklist_action_points_and_photos(visit, client_for, caseworker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG")
    photo.seek(0)
    photo.name = "shop.jpg"
    client = client_for(caseworker)
    response = client.post(reverse("funding:visit_edit", args=[visit.pk]), _data(photos=photo))
    assert response.status_code == 302, response.content.decode()[:3000]
    visit.refresh_from_db()
    assert visit.status == "done" and visit.visitor == caseworker
    assert str(visit.monthly_revenue) == "4200.50"
    assert set(visit.checklist.values_list("code", flat=True)) == {"signboard", "stock"}
    assert visit.action_points.get().description == "Open a bank account"
    stored = visit.photos.get()
    photo = client.get(reverse("funding:visit_photo", args=[stored.pk]))
    assert photo.status_code == 200
    # Shown in the browser as the image it is (the stored name has no extension).
    assert photo["Content-Type"] in ("image/jpeg", "image/png")
    assert photo["Content-Disposition"].startswith("inline;")
    visit.project.refresh_from_db()
    assert visit.project.status == "operating"


def test_bad_visit_input_is_refused_with_nothing_saved(visit, client_for, caseworker):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    url = reverse("funding:visit_edit", args=[visit.pk])
    response = client.post(url, _data(monthly_revenue="-10"))
    assert "cannot be negative" in response.content.decode()
    response = client.post(url, _data(done_on="2025-06-01"))
    assert "before the first payment" in response.content.decode()
    not_image = io.BytesIO(b"%PDF-1.4 not an image")
    not_image.name = "x.jpg"
    response = client.post(url, _data(photos=not_image))
    assert "not allowed" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "scheduled"
    assert not visit.action_points.exists()
