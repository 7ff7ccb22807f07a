"""Helpers that build the funding records a report counts (rows, no services)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from funding.models import Disbursement, DisbursementAllocation, FollowUpVisit, Grant, GrantFunding
from projects.models import BusinessProject, ProjectMember
from reports.models import ReportRun
from tests.factories.core import partner
from tests.factories.funding import ExchangeRateFactory, FundingAgreementFactory, GrantFactory
from tests.factories.projects import BusinessProjectFactory, ProjectMemberFactory
from tests.factories.refugees import RefugeeFactory

_keys = itertools.count(1)


def agreement(donor: str = "eu", reference: str | None = None, currency: str = "EUR", rate: str = "10.000000"):
    agreement = FundingAgreementFactory(
        donor=partner(donor), reference=reference or f"AG-{next(_keys):04d}", currency=currency
    )
    ExchangeRateFactory(agreement=agreement, mad_per_unit=Decimal(rate))
    return agreement


def staff(name: str):
    """A user without a password (hashing one is slow): recorder, approver, creator."""
    from core.models import User

    return User.objects.get_or_create(username=f"reports.{name}")[0]


def pay(grant, day, amount, *, agreements, kind="payment", status="approved", reverses=None):
    """A disbursement of ``amount`` MAD on ``day``, split evenly across ``agreements``."""
    recorder, approver = staff("recorder"), staff("approver")
    d = Disbursement.objects.create(
        grant=grant,
        kind=kind,
        reverses=reverses,
        date=day,
        amount=Decimal(amount),
        method="bank_transfer",
        status=status,
        recorded_by=recorder,
        approved_by=approver if status == "approved" else None,
        approved_at=timezone.now() if status == "approved" else None,
        idempotency_key=f"test-{next(_keys)}",
    )
    share = Decimal(amount) / len(agreements)
    for a in agreements:
        rate = a.rates.first().mad_per_unit
        DisbursementAllocation.objects.create(
            disbursement=d,
            agreement=a,
            amount_mad=share,
            amount_currency=(share / rate).quantize(Decimal("0.01")),
            rate=rate,
        )
    return d


def financed_project(
    day: datetime.date,
    *,
    members=None,
    agreements=None,
    kind: str = Grant.Kind.STARTUP,
    amount: str = "20000",
    project: BusinessProject | None = None,
    **project_kw,
) -> BusinessProject:
    """A project with an approved payment of a ``kind`` grant on ``day``."""
    if project is None:
        project_kw.setdefault("created_by", staff("creator"))
        project = BusinessProjectFactory(**project_kw)
        for n, refugee in enumerate(members or [RefugeeFactory()]):
            ProjectMemberFactory(project=project, refugee=refugee, is_lead=n == 0)
    agreements = agreements or [agreement()]
    grant = GrantFactory(
        project=project, kind=kind, amount=Decimal(amount), awarded_on=day, awarded_by=staff("approver")
    )
    for a in agreements:
        GrantFunding.objects.create(grant=grant, agreement=a, amount=Decimal(amount) / len(agreements))
    pay(grant, day, amount, agreements=agreements)
    return project


def visit(project, months, done_on, *, status="operating", revenue="3000", **jobs):
    return FollowUpVisit.objects.create(
        project=project,
        months_after_funding=months,
        due_date=done_on,
        status="done",
        done_on=done_on,
        business_status=status,
        verdict="satisfactory" if status == "operating" else "unsatisfactory",
        monthly_revenue=Decimal(revenue),
        **jobs,
    )


def member(project, refugee, lead=False):
    return ProjectMember.objects.create(project=project, refugee=refugee, is_lead=lead)


def done_run(
    code="unhcr", partner_code=None, *, by=None, fmt="xlsx", start=None, end=None, status="done", **kw
) -> ReportRun:
    return ReportRun.objects.create(
        code=code,
        partner=None if code == "programme" else partner(partner_code or code),
        period_start=start or datetime.date(2019, 1, 1),
        period_end=end or datetime.date(2019, 12, 31),
        format=fmt,
        language="fr",
        status=status,
        requested_by=by,
        **kw,
    )
