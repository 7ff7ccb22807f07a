import io

import pytest
from django.urls import reverse
from PIL import Image

from funding.models import Disbursement

pytestmark = pytest.mark.django_db


def _form_data(client, grant):
    page = client.get(reverse("funding:disbursement_create", args=[grant.pk]))
    key = page.context["form"].initial["idempotency_key"]
    assert f'value="{key}"' in page.content.decode()
    return {
        "idempotency_key": key,
        "tranche": grant.tranches.get(number=1).pk,
        "date": "2025-07-01",
        "amount": "5000.00",
        "method": "bank_transfer",
        "reference": "VIR-001",
    }


def test_the_same_form_posted_twice_records_one_payment(grant, client_for, caseworker):
    client = client_for(caseworker)
    data = _form_data(client, grant)
    url = reverse("funding:disbursement_create", args=[grant.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    entry = Disbursement.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("funding:grant_detail", args=[grant.pk]) + f"#entry-{entry.pk}"
    )
    assert entry.status == "pending" and entry.recorded_by == caseworker


def test_a_fresh_form_records_a_second_payment(grant, client_for, caseworker):
    client = client_for(caseworker)
    url = reverse("funding:disbursement_create", args=[grant.pk])
    client.post(url, _form_data(client, grant))
    client.post(url, _form_data(client, grant))
    assert Disbursement.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "greater than zero"), ("-5", "greater than zero"), ("10.123", "two decimals"), ("abc", "Enter an amount")],
)
def test_bad_amounts_are_refused_in_the_form(grant, client_for, caseworker, amount, message):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    data = _form_data(client, grant) | {"amount": amount}
    response = client.post(reverse("funding:disbursement_create", args=[grant.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize(("date", "message"), [("2025-05-31", "before the grant"), ("2099-01-01", "in the future")])
def test_bad_dates_are_refused(grant, client_for, caseworker, date, message):
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    data = _form_data(client, grant) | {"date": date}
    response = client.post(reverse("funding:disbursement_create", args=[grant.pk]), data)
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


def test_a_receipt_must_be_a_pdf_or_an_image(grant, client_for, caseworker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    data = _form_data(client, grant)
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "receipt.pdf"
    response = client.post(reverse("funding:disbursement_create", args=[grant.pk]), data | {"receipt": fake})
    assert "not allowed" in response.content.decode()
    assert not Disbursement.objects.exists()

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    png.seek(0)
    png.name = "receipt.png"
    client.post(reverse("funding:disbursement_create", args=[grant.pk]), data | {"receipt": png})
    entry = Disbursement.objects.get()
    assert entry.receipt.name.startswith(f"funding/receipts/{grant.pk}/")
    download = client.get(reverse("funding:disbursement_receipt", args=[entry.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
