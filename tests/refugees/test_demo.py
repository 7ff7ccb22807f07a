"""The demo seed: realistic, idempotent; make_refugees for benchmarks."""

import datetime
import io

import pytest

from core import demo as core_demo
from refugees import demo
from refugees.models import Consent, DuplicateConfirmation, Refugee

pytestmark = pytest.mark.django_db


def test_it_seeds_a_living_programme_once():
    core_demo.seed(stdout=io.StringIO(), options={})
    demo.seed(stdout=io.StringIO(), options={})
    count = Refugee.objects.count()
    assert 40 <= count <= 50
    assert set(Refugee.objects.values_list("office__code", flat=True)) == {"rabat", "casablanca", "oujda", "tanger"}
    assert not Refugee.objects.filter(intake_date__lt=datetime.date(2025, 1, 1)).exists()
    assert Refugee.objects.exclude(first_name_ar="").exists()
    assert DuplicateConfirmation.objects.count() == 3
    assert Consent.objects.filter(withdrawn_on__isnull=False).count() == 1
    assert all(r.name_key for r in Refugee.objects.all())
    demo.seed(stdout=io.StringIO(), options={})
    assert Refugee.objects.count() == count


def test_make_refugees_bulk_creates_with_name_keys():
    core_demo.seed(stdout=io.StringIO(), options={})
    made = demo.make_refugees(
        300,
        office_codes=["rabat", "oujda"],
        intake_start=datetime.date(2025, 1, 1),
        intake_end=datetime.date(2026, 6, 30),
        seed=3,
    )
    assert made == Refugee.objects.count() == 300
    assert not Refugee.objects.filter(name_key="").exists()
