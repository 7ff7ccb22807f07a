import factory
from django.contrib.auth.models import Group

from core.models import City, Office, PartnerOrganisation, User
from core.roles import Role

PASSWORD = "correct-horse-battery-staple"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"office-{n}")
    city = factory.LazyFunction(lambda: City.objects.get(slug="rabat"))
    name_fr = factory.LazyAttribute(lambda o: f"Bureau {o.code}")
    name_ar = factory.LazyAttribute(lambda o: f"مكتب {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Office {o.code}")


def partner(code: str) -> PartnerOrganisation:
    """The reference partner organisations are loaded by migration."""
    return PartnerOrganisation.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


def make_user(role: str, *, username: str | None = None, office=None, partner_code: str | None = None, **kw) -> User:
    return UserFactory(
        username=username or f"{role}-{User.objects.count() + 1}",
        role=role,
        office=office,
        partner_organisation=partner(partner_code) if partner_code else None,
        is_staff=role == Role.ADMIN,
        **kw,
    )
