"""Every form of Sanad refuses a too-long value by name (``core.forms.LengthChecked``):
none is left to Django's nameless message or to the browser's silent ``maxlength``."""

import importlib
import inspect

import pytest
from django import forms
from django.utils import translation

from core.forms import LengthChecked

MODULES = [
    "core.forms",
    "core.security.forms",
    "refugees.forms",
    "refugees.importing.rules",
    "projects.forms",
    "funding.forms",
    "reports.forms",
]
# The login form answers any wrong username with the same message (no hint of a length).
EXEMPT = {"core.forms.LoginForm"}


def _form_classes():
    for name in MODULES:
        module = importlib.import_module(name)
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield f"{name}.{cls.__name__}", cls


@pytest.mark.parametrize(("name", "cls"), list(_form_classes()))
def test_every_form_refuses_by_name(name, cls):
    assert name in EXEMPT or issubclass(cls, LengthChecked), f"{name} lacks core.forms.LengthChecked"


class _Form(LengthChecked, forms.Form):
    city_name = forms.CharField(label="City", max_length=5)
    notes = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].max_length = 3  # set after the field was built


def test_it_names_the_field_and_the_limit_and_leaves_no_maxlength():
    form = _Form({"city_name": "Casablanca", "notes": "abcd"})
    assert not form.is_valid()
    with translation.override("en"):
        assert form.errors["city_name"] == ["“City” is too long: at most 5 characters (this one has 10)."]
        assert form.errors["notes"] == ["“Notes” is too long: at most 3 characters (this one has 4)."]
    assert "maxlength" not in str(form["city_name"]) + str(form["notes"])


def test_a_value_at_the_limit_is_kept_whole():
    form = _Form({"city_name": "Rabat", "notes": "abc"})
    assert form.is_valid()
    assert form.cleaned_data == {"city_name": "Rabat", "notes": "abc"}
