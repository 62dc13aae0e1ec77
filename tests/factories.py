"""Test data: factories for the portal's models, with SSNs only from the never-issued 900-999 range."""

from datetime import date

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from access import mfa
from access.models import (
    AuthenticatorApp,
    Contract,
    Office,
    Organization,
    Staff,
    WorkforceDevelopmentArea,
)
from access.roles import Role
from participants.models import Enrollment, Participant

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkforceDevelopmentArea

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Area {n + 1}")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"WorkSource Office {n}")
    area = factory.SubFactory(AreaFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An organization with both contracts (service, MIS data sharing) in effect; `contracts=False` for none."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner Organization {n}")
    is_state_agency = False

    @factory.post_generation
    def contracts(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for kind in (Contract.Kind.SERVICE, Contract.Kind.DATA_SHARING):
                ContractFactory(organization=self, kind=kind)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member assigned to `office` and logged into it."""

    class Meta:
        model = Staff
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Casey"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.LazyFunction(password_hash)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CASE_MANAGER
    current_office = factory.SubFactory(OfficeFactory)
    # Fully onboarded: signed the confidentiality agreement, authenticator app set up, recently active.
    nda_signed_at = factory.LazyFunction(timezone.now)
    last_login = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        if create:
            self.offices.set(extracted or [self.current_office])

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        """`authenticator=False` leaves the authenticator app to be set up at first sign-in."""
        if create and extracted is not False:
            app = AuthenticatorApp(user=self, name="Authenticator app", confirmed=True)
            app.set_secret(mfa.new_secret())
            app.save()


def ssn_for(n: int) -> str:
    """A distinct never-issued SSN (area 900-999) for each n."""
    # 100 and 9999 are coprime, so (area, serial) repeats only after 999,900 seekers.
    return f"{900 + n % 100}-{(n // 100) % 99 + 1:02d}-{n % 9999 + 1:04d}"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    customer_id = factory.Sequence(lambda n: str(20_000_000 + n))
    first_name = factory.Iterator(["Ana", "Ben", "Chloe", "Dev", "Eli"])
    last_name = factory.Sequence(lambda n: f"Seeker{n}")
    opted_out = False

    @factory.post_generation
    def ssn(self, create, extracted, **kwargs):
        self.ssn = extracted or ssn_for(self.pk or 0)
        if create:
            self.save(update_fields=["ssn_ciphertext", "ssn_index"])

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        for office in extracted or []:
            Enrollment.objects.create(participant=self, office=office)


class ContractFactory(factory.django.DjangoModelFactory):
    """An approved contract in effect for any date a test may travel to."""

    class Meta:
        model = Contract

    organization = factory.SubFactory(OrganizationFactory, contracts=False)
    kind = Contract.Kind.DATA_SHARING
    party = Contract.Party.ESD
    effective_date = date(2000, 1, 1)
    expiry_date = date(2999, 1, 1)
    business_case = "Delivers WIOA-affiliated services in WorkSource offices."
    data_owner_name = "Dana Owner"
    data_owner_signed_on = date(2000, 1, 1)
    approved_at = factory.LazyFunction(timezone.now)
