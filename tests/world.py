"""The shared test world: built once per test process and committed, read afresh by every test.

Two areas, three organizations with their contracts, twenty-two people with their authenticator
apps and three seekers are the same for every test that asks for `world` (tests/conftest.py).
They are committed before the test's transaction opens, so each test's own writes roll back with
that transaction and the next test finds the world as it was built. A test that does not ask for
the world never sees it: several count every seeker in the database or make seekers with the
SSNs the world's seekers hold. The tests are put in the order that needs the fewest changes
(`order`): those without the world, then those with it, then the transactional ones. A
transactional test ends by emptying every table (pytest-django's flush), and the world is
committed again for the next test that asks for it.
"""

import functools
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import redis
from pytest_django import DjangoDbBlocker

from access.roles import Role

# The people of the test world: (organization, role, restricted). Each works in one area's office.
PEOPLE = {
    "esd_case_manager": ("state", Role.CASE_MANAGER, False),
    "esd_supervisor": ("state", Role.SUPERVISOR, False),
    "esd_restricted": ("state", Role.CASE_MANAGER, True),
    "partner_case_manager": ("partner", Role.CASE_MANAGER, False),
    "partner_restricted": ("partner", Role.CASE_MANAGER, True),
    "access_requester": ("partner", Role.ACCESS_REQUESTER, False),
    "mis_admin": ("state", Role.MIS_ADMIN, False),
    "access_management": ("state", Role.ACCESS_MANAGEMENT, False),
    "lwdb_reviewer": ("board", Role.LWDB_REVIEWER, False),
    "state_dataedits": ("state", Role.STATE_DATAEDITS, False),
    "auditor": ("state", Role.AUDITOR, False),
}
USERNAMES = {
    "esd_case_manager": "esd.casemanager",
    "esd_supervisor": "esd.supervisor",
    "esd_restricted": "esd.restricted",
    "partner_case_manager": "partner.casemanager",
    "partner_restricted": "partner.restricted",
    "access_requester": "access.requester",
    "mis_admin": "mis.admin",
    "access_management": "itsd.access",
    "lwdb_reviewer": "lwdb.reviewer",
    "state_dataedits": "state.dataedits",
    "auditor": "auditor",
}
OFFICES = ("office_a", "office_b")
ORGANIZATIONS = ("state", "partner", "board")


@dataclass(frozen=True)
class WorldKeys:
    """The primary keys of a committed world, from which each test reads its own copies."""

    areas: list[int]
    offices: dict[str, int]
    organizations: dict[str, int]
    people: dict[str, int]
    seekers: dict[str, int]


def build() -> WorldKeys:
    """Makes the world in the database; nobody's change, so outside the audit trail."""
    from auditlog.context import disable_auditlog

    from tests.factories import (
        AreaFactory,
        OfficeFactory,
        OrganizationFactory,
        ParticipantFactory,
        StaffFactory,
    )

    with disable_auditlog():
        office_a = OfficeFactory(name="WorkSource Alpha", area=AreaFactory(name="Alpha Area"))
        office_b = OfficeFactory(name="WorkSource Beta", area=AreaFactory(name="Beta Area"))
        organizations = {
            "state": OrganizationFactory(
                name="Employment Security Department", is_state_agency=True
            ),
            "partner": OrganizationFactory(name="Partner Services"),
            "board": OrganizationFactory(name="Local Workforce Board"),
        }
        people = {}
        for suffix, office in (("", office_a), ("_b", office_b)):
            for key, (organization, role, restricted) in PEOPLE.items():
                people[key + suffix] = StaffFactory(
                    username=USERNAMES[key] + suffix.replace("_", "."),
                    organization=organizations[organization],
                    role=role,
                    is_restricted=restricted,
                    current_office=office,
                    offices=[office],
                )
        seekers = {
            "own": ParticipantFactory(
                first_name="Olivia", last_name="Ownoffice", offices=[office_a]
            ),
            "other": ParticipantFactory(
                first_name="Oscar", last_name="Otheroffice", offices=[office_b]
            ),
            "opted_out": ParticipantFactory(
                first_name="Ophelia", last_name="Optedout", opted_out=True, offices=[office_a]
            ),
        }
    return WorldKeys(
        areas=[office_a.area_id, office_b.area_id],
        offices={"office_a": office_a.pk, "office_b": office_b.pk},
        organizations={key: organization.pk for key, organization in organizations.items()},
        people={key: person.pk for key, person in people.items()},
        seekers={key: seeker.pk for key, seeker in seekers.items()},
    )


def remove(keys: WorldKeys) -> None:
    """Deletes the world's rows, leaving the database as the migrations (or a flush) left it."""
    from auditlog.context import disable_auditlog

    from access.models import Contract, Office, Organization, Staff, WorkforceDevelopmentArea
    from participants.models import Enrollment, Participant

    with disable_auditlog():
        Enrollment.objects.filter(participant__in=keys.seekers.values()).delete()
        Participant.objects.filter(pk__in=keys.seekers.values()).delete()
        Staff.objects.filter(pk__in=keys.people.values()).delete()
        Contract.objects.filter(organization__in=keys.organizations.values()).delete()
        Organization.objects.filter(pk__in=keys.organizations.values()).delete()
        Office.objects.filter(pk__in=keys.offices.values()).delete()
        WorkforceDevelopmentArea.objects.filter(pk__in=keys.areas).delete()


def read(keys: WorldKeys) -> SimpleNamespace:
    """The world as the database holds it now: new objects, so that one test's changes to them in
    memory never reach the next. Each person's organization and office are the very objects of
    `world.state`, `world.office_a`..., as they were when every test built its own world."""
    from access.models import Office, Organization, Staff
    from participants.models import Participant

    offices = Office.objects.select_related("area").in_bulk(keys.offices.values())
    organizations = Organization.objects.in_bulk(keys.organizations.values())
    staff = Staff.objects.in_bulk(keys.people.values())
    participants = Participant.objects.in_bulk(keys.seekers.values())
    people = {}
    for key, pk in keys.people.items():
        person = staff[pk]
        person.organization = organizations[person.organization_id]
        person.current_office = offices[person.current_office_id]
        people[key] = person
    return SimpleNamespace(
        **{key: offices[pk] for key, pk in keys.offices.items()},
        **{key: organizations[pk] for key, pk in keys.organizations.items()},
        people=people,
        seekers={key: participants[pk] for key, pk in keys.seekers.items()},
        **people,
    )


def forget_cached_entries() -> None:
    """Empties this process's part of the cache (the Opt-Out Lookup counts, per person and hour).

    The counts are keyed by the person's id and the moment they joined: people made by each test
    always started from none, and the world's people, who outlive the test, must too. Other
    processes' entries (and their task queues, in the same Redis) are left alone.
    """
    from django.core.cache import cache

    keys = list(_cache_server().scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        _cache_server().delete(*keys)


@functools.cache
def _cache_server() -> redis.Redis:
    from django.conf import settings

    return redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])


def uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return (
        item.get_closest_marker("django_db") is not None
        or "_django_db_helper" in names
        or "live_server" in names
    )


def is_transactional(item: pytest.Item) -> bool:
    """pytest-django's own rule for a test whose writes are committed and flushed afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


def order(item: pytest.Item) -> int:
    """Tests without the world first, those with it next, then the transactional ones (which
    pytest-django already puts after the others), those with the world before those without.
    Each test process then builds the world once for all the tests that are not transactional,
    and again only for a transactional test that asks for it."""
    if not uses_database(item):
        return 4
    wanted = "world" in item.fixturenames
    if is_transactional(item):
        return 2 if wanted else 3
    return 1 if wanted else 0


class CommittedWorld:
    """Whether this process's test database holds the world, and the test it is arranged for."""

    def __init__(self) -> None:
        self.keys: WorldKeys | None = None
        # The database is usable once pytest-django's `django_db_setup` has run and handed this on.
        self.blocker: DjangoDbBlocker | None = None
        self.item: pytest.Item | None = None

    def arrange_for(self, item: pytest.Item | None) -> None:
        """The world committed for a test that asks for it, and taken away before one that does
        not; a test without the database changes nothing."""
        if item is None or self.blocker is None or not uses_database(item):
            return
        wanted = "world" in item.fixturenames
        if wanted and self.keys is None:
            with self.blocker.unblock():
                self.keys = build()
        elif not wanted and self.keys is not None:
            with self.blocker.unblock():
                remove(self.keys)
            self.keys = None

    def flushed(self) -> None:
        self.keys = None


COMMITTED = CommittedWorld()
