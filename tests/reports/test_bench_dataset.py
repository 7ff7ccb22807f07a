"""The benchmark dataset (``seed_demo --scale N``) still loads after the models change.

It is written in SQL (``INSERT ... SELECT generate_series``), so a new NOT NULL column
without a database default breaks it with no Python test noticing: this one loads it at
scale 1 and checks the volumes and that the records satisfy the models' own rules.
"""

import pytest

from bench.reports_dataset import MARKER, seed_at_scale
from funding.models import Disbursement, FollowUpVisit
from projects.models import BusinessProject
from refugees.models import Refugee
from refugees.names import search_key
from tests.factories.core import OfficeFactory
from tests.factories.funding import agreement_with_rates

pytestmark = pytest.mark.django_db


def test_the_benchmark_dataset_loads_at_scale_one():
    OfficeFactory.create_batch(4)  # the dataset spreads people over the demo's four offices
    agreement_with_rates()

    seed_at_scale(scale=1)
    seed_at_scale(scale=1)  # idempotent: the marker row says it is there

    assert Refugee.objects.count() == 1000
    assert BusinessProject.objects.filter(reference__startswith="BEN-").count() == 400
    assert Disbursement.objects.filter(idempotency_key__startswith="bench-").count() == 10000
    assert FollowUpVisit.objects.count() == 3000
    person = Refugee.objects.get(unhcr_individual_number=MARKER)
    # The search finds bench people by name, like everyone else.
    assert person.search_key == search_key("Bench", "Person")
    person.full_clean(exclude=["unhcr_individual_number"])
