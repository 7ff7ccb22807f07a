"""The model holds the UNHCR case number to the form the form accepts (the older style or a
proGres v4 registration group), so the admin, a shell or an import cannot store any text;
the numbers the factories, the demo and the benchmark write pass it."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from refugees.models import Refugee
from tests.factories.refugees import RefugeeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["", "RAB-18C01234", "rab 18c01234", "803-23-1009229", "803231009229"])
def test_it_accepts_the_forms_the_form_accepts(value):
    person = RefugeeFactory.build(unhcr_case_number=value)
    person.full_clean(exclude=["office", "city", "region"])


@pytest.mark.parametrize("value", ["hello", "12345", "RAB-18C0123", "=1+1", "803-100016547"])
def test_it_refuses_another_form(value):
    person = RefugeeFactory.build(unhcr_case_number=value)
    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["office", "city", "region"])
    assert "unhcr_case_number" in refused.value.message_dict


def test_it_is_what_the_factories_and_the_demo_write():
    for person in RefugeeFactory.create_batch(3):
        person.full_clean()
    from projects.demo import DEMO_REFUGEES
    from refugees.demo import _person

    for number, *_rest in DEMO_REFUGEES:  # the projects demo uses the individual number as the case's
        Refugee(unhcr_individual_number=number, unhcr_case_number=number).clean_fields(
            exclude=[
                f.name for f in Refugee._meta.fields if f.name not in ("unhcr_individual_number", "unhcr_case_number")
            ]
        )
    rng = random.Random(1)
    for i in (0, 100, 99_999):  # make_refugees goes up to scale x 1,000 - 1 (scale 100: 99,999)
        data = _person(rng, i, "oujda", datetime.date(2025, 6, 1), "S")
        Refugee(**{k: data[k] for k in ("unhcr_individual_number", "unhcr_case_number")}).clean_fields(
            exclude=[
                f.name for f in Refugee._meta.fields if f.name not in ("unhcr_individual_number", "unhcr_case_number")
            ]
        )
