import datetime
from decimal import Decimal

import pytest

from tests.factories.funding import agreement_with_rates, approved_project, awarded_grant


@pytest.fixture
def eu(db):
    return agreement_with_rates(
        code="eu",
        reference="EU-T-01",
        amount=Decimal("621000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("10.900000")), (datetime.date(2025, 9, 1), Decimal("11.000000"))],
    )


@pytest.fixture
def monaco(db):
    return agreement_with_rates(
        code="monaco",
        reference="MC-T-01",
        amount=Decimal("80000.00"),
        rates=[(datetime.date(2024, 1, 1), Decimal("10.950000"))],
    )


@pytest.fixture
def rabat_project(office_rabat):
    return approved_project(office=office_rabat, approved_amount=Decimal("30000.00"))


@pytest.fixture
def oujda_project(office_oujda):
    return approved_project(office=office_oujda, approved_amount=Decimal("30000.00"))


@pytest.fixture
def grant(rabat_project, eu, monaco, manager):
    """A 30,000 MAD start-up grant, 2/3 EU and 1/3 Monaco, two tranches (the second gated by a visit)."""
    return awarded_grant(
        project=rabat_project,
        by=manager,
        amount=Decimal("30000.00"),
        shares=[(eu, "20000.00"), (monaco, "10000.00")],
        tranches=[("20000.00", "none"), ("10000.00", "satisfactory_visit")],
    )


@pytest.fixture
def oujda_grant(oujda_project, eu, manager):
    return awarded_grant(project=oujda_project, by=manager, amount=Decimal("30000.00"), shares=[(eu, "30000.00")])


@pytest.fixture
def simple_grant(rabat_project, eu, manager):
    """30,000 MAD, all on the EU agreement, one tranche."""
    return awarded_grant(project=rabat_project, by=manager, amount=Decimal("30000.00"), shares=[(eu, "30000.00")])


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (the site's default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield
