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


def approved_project(*, office=None, approved_amount=Decimal("30000.00"), status="approved", members=1, **kw):
    """A project as the committee leaves it: status approved with an approved amount."""
    from projects.models import BusinessProject
    from tests.factories.projects import ProjectMemberFactory

    extra = {"office": office} if office is not None else {}
    project = BusinessProjectFactory(**extra, **kw)
    BusinessProject.objects.filter(pk=project.pk).update(status=status, approved_amount=approved_amount)
    project.refresh_from_db()
    for _ in range(members):
        ProjectMemberFactory(project=project)
    return project


def agreement_with_rates(*, code="eu", currency=Currency.EUR, amount=Decimal("621000.00"), rates=None, **kw):
    agreement = FundingAgreementFactory(donor=partner(code), currency=currency, amount=amount, **kw)
    for valid_from, rate in rates or [(datetime.date(2018, 1, 1), Decimal("10.900000"))]:
        ExchangeRateFactory(agreement=agreement, valid_from=valid_from, mad_per_unit=rate)
    return agreement


def awarded_grant(
    *,
    project=None,
    by,
    amount=Decimal("20000.00"),
    shares=None,
    tranches=None,
    kind="startup",
    awarded_on=datetime.date(2025, 6, 1),
):
    """A grant through the service: shares = [(agreement, amount)], tranches = [(amount, condition)]."""
    from funding.services import ShareSpec, TrancheSpec, grant_award

    project = project or approved_project(approved_amount=amount)
    if shares is None:
        shares = [(agreement_with_rates(), amount)]
    tranches = tranches or [(amount, "none")]
    return grant_award(
        project=project,
        kind=kind,
        amount=amount,
        awarded_on=awarded_on,
        shares=[ShareSpec(agreement=a, amount=Decimal(x)) for a, x in shares],
        tranches=[
            TrancheSpec(amount=Decimal(x), planned_date=awarded_on + datetime.timedelta(days=30 * i), condition=c)
            for i, (x, c) in enumerate(tranches)
        ],
        by=by,
    )


def paid(grant, *, amount, by, approver, date=datetime.date(2025, 7, 1), tranche=None):
    """Record and approve a payment through the services."""
    import uuid

    from funding.services import disbursement_approve, disbursement_record

    tranche = tranche or grant.tranches.order_by("number").first()
    entry, _created = disbursement_record(
        grant=grant,
        tranche=tranche,
        date=date,
        amount=Decimal(amount),
        method="bank_transfer",
        by=by,
        idempotency_key=uuid.uuid4().hex,
    )
    return disbursement_approve(entry=entry, by=approver)
