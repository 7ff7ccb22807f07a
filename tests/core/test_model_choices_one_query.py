"""A form's model choices are read with one ordinary query, no server-side cursor, and are
the choices Django's own iterator gives (``core.modelchoices``)."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.db.models import Prefetch
from django.forms.models import ModelChoiceIterator
from django.test.utils import CaptureQueriesContext

from core.modelchoices import DJANGO_ITER
from core.models import Office, Region

pytestmark = pytest.mark.django_db


def django_choices(field) -> list:
    return [(str(value), str(label)) for value, label in DJANGO_ITER(ModelChoiceIterator(field))]


def ours(field) -> list:
    return [(str(value), str(label)) for value, label in field.choices]


def one_select(fn):
    with CaptureQueriesContext(connection) as queries:
        value = fn()
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and statements[0].startswith("SELECT"), statements
    return value


@pytest.mark.parametrize("empty_label", ["---------", None])
def test_the_choices_are_djangos_in_one_select(empty_label):
    field = forms.ModelChoiceField(Office.objects.order_by("name_en"), empty_label=empty_label)
    choices = one_select(lambda: ours(field))
    assert choices == django_choices(field)
    assert len(choices) == Office.objects.count() + (1 if empty_label else 0)
    assert field.queryset._result_cache is None  # the field's queryset keeps no rows


def test_a_multiple_choice_and_a_rendered_select_read_once_each():
    class Form(forms.Form):
        offices = forms.ModelMultipleChoiceField(Office.objects.order_by("code"))

    html = one_select(lambda: str(Form()["offices"]))
    assert all(f'value="{office.pk}"' in html for office in Office.objects.all())


def test_a_prefetching_queryset_is_iterated_as_django_does():
    queryset = Region.objects.prefetch_related(Prefetch("cities")).order_by("pk")
    field = forms.ModelChoiceField(queryset)
    assert ours(field) == django_choices(field)


def test_django_filters_null_choice_comes_after_the_empty_one():
    class Filter(django_filters.FilterSet):
        office = django_filters.ModelChoiceFilter(queryset=Office.objects.order_by("name_en"), null_label="None")

    field = Filter(queryset=Office.objects.all()).form.fields["office"]
    choices = one_select(lambda: ours(field))
    assert choices[:2] == [("", str(field.empty_label)), ("null", "None")]
    offices = Office.objects.order_by("name_en").values_list("pk", flat=True)
    assert [v for v, _label in choices[2:]] == [str(pk) for pk in offices]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's server-side cursors")
def test_djangos_own_iterator_would_have_declared_a_cursor():
    field = forms.ModelChoiceField(Office.objects.order_by("name_en"))
    with CaptureQueriesContext(connection) as queries:
        django_choices(field)
    assert any(q["sql"].startswith("DECLARE") for q in queries.captured_queries)
