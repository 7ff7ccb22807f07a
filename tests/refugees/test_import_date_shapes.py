"""The import's fast path reads a date in the exact shape of one of its formats without
strptime: it gives what the form's date field gives, for every value (the others go to the
field itself)."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from refugees.importing.rules import IMPORT_DATE_FORMATS, _fast_clean

FIELD = forms.DateField(input_formats=IMPORT_DATE_FORMATS, required=False)
DIGITISH = st.text("0123456789-/ .\u0661", max_size=12)
DATES = st.dates(min_value=datetime.date(1, 1, 1)).flatmap(
    lambda d: st.sampled_from(
        [d.isoformat(), d.strftime("%d/%m/%Y"), f" {d.isoformat()} ", f"{d.day}/{d.month}/{d.year}"]
    )
)


def outcome(clean, value):
    try:
        return clean(value)
    except ValidationError as exc:
        return ("error", exc.code)


@settings(max_examples=1000, deadline=None)
@given(value=st.one_of(DIGITISH, DATES, st.sampled_from(["2020-02-30", "31/02/2020", "0000-01-01", "29/02/2024"])))
def test_the_fast_date_is_the_fields_date(value):
    assert outcome(_fast_clean(FIELD), value) == outcome(FIELD.clean, value)


@pytest.mark.parametrize("value", ["1992-03-04", "04/03/1992", " 1992-03-04 "])
def test_a_date_in_the_documented_shapes_is_read(value):
    assert _fast_clean(FIELD)(value) == datetime.date(1992, 3, 4)
