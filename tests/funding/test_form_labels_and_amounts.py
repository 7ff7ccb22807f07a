"""Every funding form label starts with a capital (en, fr) and is translated (ar, fr);
amounts built in Python (the payment form's tranche choices, service messages) are
localised like the amounts a template shows."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.money import localize_money
from funding import forms
from funding.services import disbursement_record

pytestmark = pytest.mark.django_db


def _all_forms(grant):
    return [
        forms.GrantForm(),
        forms.ShareForm(),
        forms.TrancheForm(),
        forms.DisbursementForm(grant=grant),
        forms.ReversalForm(),
        forms.RejectForm(),
        forms.VisitForm(),
        forms.ActionPointForm(),
    ]


def _labels(grant, lang):
    with translation.override(lang):
        return {
            (type(form).__name__, name): str(field.label)
            for form in _all_forms(grant)
            for name, field in form.fields.items()
            if not field.widget.is_hidden
        }


def test_every_funding_form_label_starts_with_a_capital_and_is_translated(grant):
    en, fr, ar = (_labels(grant, lang) for lang in ("en", "fr", "ar"))
    assert len(en) > 30
    assert [key for key, label in en.items() if not label[:1].isupper()] == []
    assert [key for key, label in fr.items() if not label[:1].isupper()] == []
    assert [key for key in en if ar[key] == en[key]] == []  # every label has its Arabic translation


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_payment_form_shows_tranche_amounts_localised(grant, client_for, caseworker, lang):
    client = client_for(caseworker)
    client.cookies["django_language"] = lang
    body = client.get(reverse("funding:disbursement_create", args=[grant.pk])).content.decode()
    with translation.override(lang):
        shown = localize_money(Decimal("20000.00"))  # grouped: 20 000,00 / 20,000.00
        label = str(forms._("Tranche %(number)s · %(amount)s MAD")) % {"number": 1, "amount": shown}
    assert label in body
    if lang != "en":
        assert "20000.00" not in body


def test_service_messages_show_amounts_localised(simple_grant, caseworker):
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        disbursement_record(
            grant=simple_grant,
            tranche=simple_grant.tranches.get(),
            date=datetime.date(2025, 7, 1),
            amount=Decimal("30000.01"),
            method="cash",
            by=caseworker,
            idempotency_key=uuid.uuid4().hex,
        )
    with translation.override("fr"):
        message = " ".join(exc.value.messages)
    assert "30\xa0000,00" in message and "30000.00" not in message


def test_the_timeline_shows_amounts_localised(grant, caseworker, manager2):
    from funding.timeline import funding_timeline
    from tests.factories.funding import paid

    paid(grant, amount="1234.50", by=caseworker, approver=manager2)
    refugee = grant.project.members.first().refugee
    with translation.override("fr"):
        titles = " ".join(str(e.title) for e in funding_timeline(refugee, caseworker))
    assert "1\xa0234,50" in titles and "30\xa0000,00" in titles
