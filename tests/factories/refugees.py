import datetime

import factory

from core.models import City
from refugees.models import Consent, LegalStatus, ReferralSource, Refugee, Sex
from refugees.names import name_key, search_key
from tests.factories.core import OfficeFactory


class RefugeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refugee

    unhcr_individual_number = factory.Sequence(lambda n: f"RAB-18C{n:05d}")
    unhcr_case_number = factory.Sequence(lambda n: f"RAB-18C{n:05d}")
    first_name_latin = factory.Faker("first_name")
    last_name_latin = factory.Faker("last_name")
    first_name_ar = ""
    last_name_ar = ""
    name_key = factory.LazyAttribute(lambda o: name_key(o.first_name_latin, o.last_name_latin))
    search_key = factory.LazyAttribute(
        lambda o: search_key(o.first_name_latin, o.last_name_latin, o.first_name_ar, o.last_name_ar)
    )
    sex = Sex.FEMALE
    date_of_birth = datetime.date(1990, 5, 17)
    birth_year = factory.LazyAttribute(lambda o: o.date_of_birth.year if o.date_of_birth else None)
    nationality = "SY"
    legal_status = LegalStatus.REFUGEE
    referral_source = ReferralSource.UNHCR
    intake_date = datetime.date(2019, 3, 1)
    office = factory.SubFactory(OfficeFactory, code="rabat")
    city = factory.LazyFunction(lambda: City.objects.get(slug="rabat"))
    region = factory.LazyAttribute(lambda o: o.city.region)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    refugee = factory.SubFactory(RefugeeFactory)
    purpose = Consent.Purpose.PARTICIPATION
    given_on = datetime.date(2025, 3, 1)
    recorded_by = factory.LazyAttribute(lambda o: o.refugee.caseworker or _any_user())


def _any_user():
    from tests.factories.core import UserFactory

    return UserFactory()
