"""Localisation: amounts typed in the user's habits are read in every money field
("8 500,50" in French, "8500.50", Arabic-Indic digits), shown with the language's
thousands separator, and English dates are day first (en-GB)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from core.money import MoneyFormField, parse_amount
from funding.models import Disbursement


@pytest.mark.parametrize(
    ("typed", "lang", "value"),
    [
        ("8 500,50", "fr", "8500.50"),
        ("8\u00a0500,50", "fr", "8500.50"),
        ("8500.50", "fr", "8500.50"),
        ("8500,5", "fr", "8500.5"),
        ("8,500.50", "en", "8500.50"),
        ("8,500", "en", "8500"),
        ("8500.50", "en", "8500.50"),
        ("٨٥٠٠٫٥٠", "ar", "8500.50"),
        ("٨٬٥٠٠٫٥٠", "ar", "8500.50"),
        ("۸۵۰۰", "ar", "8500"),
        ("8.500,50", "ar", "8500.50"),
    ],
)
def test_a_typed_amount_is_read_in_the_users_habits(typed, lang, value):
    with translation.override(lang):
        assert MoneyFormField(max_digits=14, decimal_places=2).clean(typed) == Decimal(value)
    assert parse_amount(typed, language=lang) == value


@pytest.mark.parametrize("typed", ["8.500.50", "abc", "1,2,3.4.5"])
def test_what_is_not_an_amount_is_refused_with_a_message(typed):
    from django.core.exceptions import ValidationError

    with translation.override("fr"), pytest.raises(ValidationError):
        MoneyFormField(max_digits=14, decimal_places=2).clean(typed)


def test_every_model_money_field_reads_locale_input():
    field = Disbursement._meta.get_field("amount").formfield()
    assert isinstance(field, MoneyFormField)
    with translation.override("fr"):
        assert field.clean("8 500,50") == Decimal("8500.50")


@pytest.mark.parametrize(("lang", "shown"), [("fr", "8\u00a0500,50"), ("en", "8,500.50"), ("ar", "8.500,50")])
def test_amounts_are_shown_with_thousands_separators(lang, shown):
    with translation.override(lang):
        assert Template("{{ v|money }}").render(Context({"v": Decimal("8500.5")})) == shown


def test_english_dates_are_day_first():
    day = datetime.date(2026, 12, 1)
    with translation.override("en"):
        assert formats.date_format(day) == "1 December 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "01/12/2026"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_a_run_of_digits_is_isolated_for_bidi():
    html = Template("{{ p|ltr }}").render(Context({"p": "06 12 34 56 78"}))
    assert html == '<bdi dir="ltr">06 12 34 56 78</bdi>'
