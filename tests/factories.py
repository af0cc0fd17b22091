"""Factories shared by every app's tests. Feature apps add their own beside their tests."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from faker.providers.person.en_GB import Provider as EnGbPeople

from accounts.models import Membership, Organisation, Region, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# Last names taken in turn, not at random: the register refuses a second person with the same name and date of
# birth, and random names (with the tests' one date of birth) sometimes gave two people in a test the same name.
# Any 500 people made one after another have different last names.
LAST_NAMES = tuple(EnGbPeople.last_names)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"E120{n:05d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.OTHER_EMPLOYER


class LocalAuthorityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Council {n}")
    kind = Organisation.Kind.LOCAL_AUTHORITY
    la_number = factory.LazyFunction(lambda: free_la_number())
    region = factory.SubFactory(RegionFactory)


def free_la_number() -> str:
    """An LA number no council in the database has yet, from the top down (real ones stop in the 900s)."""
    used = set(Organisation.objects.filter(la_number__isnull=False).values_list("la_number", flat=True))
    return next(f"{n:03d}" for n in range(999, 99, -1) if f"{n:03d}" not in used)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Sequence(lambda n: LAST_NAMES[n % len(LAST_NAMES)])

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER


ORGANISATION_KIND_FOR_ROLE = {
    Role.SOCIAL_WORKER: Organisation.Kind.LOCAL_AUTHORITY,
    Role.LINE_MANAGER: Organisation.Kind.LOCAL_AUTHORITY,
    Role.WORKFORCE_LEAD: Organisation.Kind.LOCAL_AUTHORITY,
    Role.ASSESSOR: Organisation.Kind.ASSESSMENT_CENTRE,
    Role.COURSE_LEAD: Organisation.Kind.EDUCATION_PROVIDER,
    Role.REGULATOR_STAFF: Organisation.Kind.REGULATOR,
}


def make_user(role: str | None = None, organisation: Organisation | None = None, *, with_mfa: bool = True, **kwargs):
    """A signed-up, verified person holding ``role`` (at a fitting organisation unless one is given).

    Assessors and regulator staff get an authenticator app unless ``with_mfa=False``.
    """
    user = UserFactory(**kwargs)
    if role:
        if organisation is None:
            kind = ORGANISATION_KIND_FOR_ROLE[Role(role)]
            organisation = (
                LocalAuthorityFactory() if kind == Organisation.Kind.LOCAL_AUTHORITY else OrganisationFactory(kind=kind)
            )
        MembershipFactory(user=user, organisation=organisation, role=role)
        if with_mfa and role in (Role.ASSESSOR, Role.REGULATOR_STAFF):
            add_totp(user)
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
    return user


def add_totp(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
