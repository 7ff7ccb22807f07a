import datetime

import factory

from core.models import City
from refugees.models import LegalStatus, ReferralSource, Refugee, Sex
from tests.factories.core import OfficeFactory


class RefugeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refugee

    unhcr_individual_number = factory.Sequence(lambda n: f"RAB-18C{n:05d}")
    unhcr_case_number = factory.Sequence(lambda n: f"RAB-18C{n:05d}")
    first_name_latin = factory.Faker("first_name")
    last_name_latin = factory.Faker("last_name")
    sex = Sex.FEMALE
    date_of_birth = datetime.date(1990, 5, 17)
    nationality = "SY"
    legal_status = LegalStatus.REFUGEE
    referral_source = ReferralSource.UNHCR
    intake_date = datetime.date(2019, 3, 1)
    office = factory.SubFactory(OfficeFactory, code="rabat")
    city = factory.LazyFunction(lambda: City.objects.get(slug="rabat"))
    region = factory.LazyAttribute(lambda o: o.city.region)
