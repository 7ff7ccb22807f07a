import datetime
from decimal import Decimal

import factory

from core.money import Currency
from funding.models import ExchangeRate, FundingAgreement, Grant, GrantFunding, Tranche
from tests.factories.core import UserFactory, partner
from tests.factories.projects import BusinessProjectFactory


class FundingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingAgreement

    donor = factory.LazyFunction(lambda: partner("eu"))
    reference = factory.Sequence(lambda n: f"EU-2018-{n:03d}")
    title = "EU support to refugee self-employment"
    currency = Currency.EUR
    amount = Decimal("621000.00")
    start_date = datetime.date(2018, 2, 1)
    end_date = datetime.date(2020, 1, 31)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    agreement = factory.SubFactory(FundingAgreementFactory)
    valid_from = datetime.date(2018, 1, 1)
    mad_per_unit = Decimal("10.900000")


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    project = factory.SubFactory(BusinessProjectFactory)
    kind = Grant.Kind.STARTUP
    amount = Decimal("20000.00")
    awarded_on = datetime.date(2019, 6, 1)
    awarded_by = factory.SubFactory(UserFactory)


class GrantFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantFunding

    grant = factory.SubFactory(GrantFactory)
    agreement = factory.SubFactory(FundingAgreementFactory)
    amount = factory.LazyAttribute(lambda o: o.grant.amount)


class TrancheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tranche

    grant = factory.SubFactory(GrantFactory)
    number = 1
    amount = Decimal("10000.00")
    planned_date = datetime.date(2019, 6, 15)
