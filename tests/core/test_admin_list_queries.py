"""Every changelist of the Django admin runs the same number of queries for 3 rows as for
30: no query per row (a ``__str__`` reaching a relation without ``list_select_related``,
a filter whose choices each fetch their own relation).

The rows are made generically from the model's fields (each row with its own related
rows, so that nothing is shared between them), and the lists are opened by a superuser who
is also the admin and a programme manager: the one identity the admin shows every
registered list to (``refugees.viewlog.PersonalDataAdmin`` refuses a user without a case
role, superusers included).
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from tests.factories.core import make_user

pytestmark = pytest.mark.django_db

_counter = itertools.count(1)

# Fields the generic maker cannot guess (a choice the model's constraints need, a relation
# a model's own validation demands).
OVERRIDES = {
    "django_celery_beat.PeriodicTask": lambda: {"interval": make("django_celery_beat.IntervalSchedule")},
    "django_celery_beat.SolarSchedule": lambda: {"latitude": Decimal(next(_counter) % 90)},
}


def _value(field: models.Field, n: int):
    if field.choices:
        return field.choices[0][0] if not isinstance(field.choices[0][1], list | tuple) else field.choices[0][1][0][0]
    if isinstance(field, models.EmailField):
        return f"row{n}@example.org"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.FileField):
        return f"rows/{n}.pdf"
    if isinstance(field, models.CharField | models.TextField):
        return f"r{n}"[: field.max_length or 20]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.IntegerField | models.FloatField):
        return n if field.unique else 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300)
    if isinstance(field, models.TimeField):
        return datetime.time(9)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(minutes=1)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b""
    raise NotImplementedError(f"{field.model._meta.label}.{field.name}: give it in OVERRIDES")


def make(label: str):
    """One row of ``label`` with every required field filled, its relations new rows."""
    from django.apps import apps

    model = apps.get_model(label)
    n = next(_counter)
    values = OVERRIDES.get(label, dict)()
    for field in model._meta.concrete_fields:
        if field.name in values or field.primary_key or field.null or field.has_default() or field.generated:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            values[field.name] = make(field.related_model._meta.label)
        else:
            values[field.name] = _value(field, n)
    return model._default_manager.create(**values)


def _opener(client):
    user = make_user(Role.ADMIN, username="it.admin.manager", is_superuser=True)
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER))
    client.force_login(user)
    return client


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=[m._meta.label for m in REGISTERED])
def test_the_changelist_runs_as_many_queries_for_30_rows_as_for_3(client, model):
    client = _opener(client)
    label = model._meta.label
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model._default_manager.count()
    for _n in range(3):
        make(label)
    few = _queries(client, url)
    for _n in range(27):
        make(label)
    assert model._default_manager.count() >= before + 30
    assert _queries(client, url) == few
