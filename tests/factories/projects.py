import datetime
from decimal import Decimal

import factory

from core.models import City
from projects.models import (
    Attendance,
    BudgetLine,
    BusinessProject,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    Sector,
    Session,
)
from tests.factories.core import OfficeFactory, UserFactory
from tests.factories.refugees import RefugeeFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    kind = Session.Kind.AWARENESS
    topic = "Self-employment: first steps"
    date = datetime.date(2019, 4, 10)
    city = factory.LazyFunction(lambda: City.objects.get(slug="rabat"))
    office = factory.SubFactory(OfficeFactory, code="rabat")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    refugee = factory.SubFactory(RefugeeFactory)


class BusinessProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessProject

    reference = factory.Sequence(lambda n: f"P-{n:05d}")
    title = "Neighbourhood grocery"
    activity = "Grocery shop"
    sector = Sector.RETAIL
    legal_form = LegalForm.INDIVIDUAL
    city = factory.LazyFunction(lambda: City.objects.get(slug="rabat"))
    region = factory.LazyAttribute(lambda o: o.city.region)
    office = factory.SubFactory(OfficeFactory, code="rabat")
    created_by = factory.SubFactory(UserFactory)
    own_contribution = Decimal("1000.00")


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(BusinessProjectFactory)
    refugee = factory.SubFactory(RefugeeFactory)
    is_lead = True
    share_percent = Decimal("100")

    @factory.post_generation
    def consent(self, create, extracted, **kwargs):
        """A member has consented to take part (submission needs it); ``consent=False`` not."""
        if create and extracted is not False:
            from refugees.models import Consent
            from tests.factories.refugees import ConsentFactory

            if not Consent.objects.filter(refugee=self.refugee, purpose=Consent.Purpose.PARTICIPATION).exists():
                ConsentFactory(refugee=self.refugee, purpose=Consent.Purpose.PARTICIPATION)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(BusinessProjectFactory)
    category = BudgetLine.Category.EQUIPMENT
    description = "Refrigerated display"
    quantity = Decimal("1")
    unit_cost = Decimal("8000.00")


class FeasibilityStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeasibilityStudy

    project = factory.SubFactory(BusinessProjectFactory)
    market = "Dense neighbourhood, no grocery within 300 m."
    competition = "Two supermarkets 1 km away."
    expected_monthly_revenue = Decimal("6000.00")
    expected_monthly_costs = Decimal("3500.00")
    opinion = FeasibilityStudy.Opinion.FAVOURABLE
