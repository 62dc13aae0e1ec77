import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from access.roles import Role

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests
# make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session):
    """The suite needs the real PostgreSQL and Redis: fail, never skip, when either is missing."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_services.py")],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        pytest.exit(check.stderr, returncode=1)


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_audit_trail_trigger():
    """The suite empties the tables after each transactional test with TRUNCATE, which the audit
    trail's trigger refuses, as it must in production. Only the suite's own flush is let through."""
    import pgtrigger
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        with pgtrigger.ignore("portal.AuditTrail:audit_trail_no_truncate"):
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture
def real_workers():
    """Tasks go to the broker for a real worker (started by the test) instead of running where queued."""
    from portal.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def root_logger_kept():
    """A Celery worker started in a test sets the root logger to its own level and handlers: undo it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


@pytest.fixture(autouse=True)
def sign_in_without_authenticator_code(settings):
    """Tests sign in with username and password; the authenticator code step has its own tests (tests/access/)."""
    settings.ACCESS_MFA_AT_SIGN_IN = False


@pytest.fixture(scope="session", autouse=True)
def private_media_root(tmp_path_factory):
    """Uploaded documents (data-edit tickets) go to a temporary private directory, never into var/."""
    from django.test import override_settings

    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")):
        yield


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


@pytest.fixture
def world(db):
    """Two workforce development areas, one office each, and the people who work in them.

    Everyone holds only the office of their job: the people named by role (`esd_supervisor`,
    `lwdb_reviewer`, ...) work in office A (area 1) and are logged into it; each has a twin in
    office B (area 2), named with `_b` (`esd_supervisor_b`: a supervisor of another area). There
    is a restricted partner case manager and a restricted state one, beside their colleagues
    who are not. The state agency, a partner and a local board; three seekers:

    own: enrolled in office A; other: enrolled only in office B;
    opted_out: enrolled in office A, opted out of data sharing.
    """
    from auditlog.context import disable_auditlog

    with (
        disable_auditlog()
    ):  # the world exists before the test begins: its making is nobody's change
        return _world()


def _world():
    from tests.factories import (
        AreaFactory,
        OfficeFactory,
        OrganizationFactory,
        ParticipantFactory,
        StaffFactory,
    )

    office_a = OfficeFactory(name="WorkSource Alpha", area=AreaFactory(name="Alpha Area"))
    office_b = OfficeFactory(name="WorkSource Beta", area=AreaFactory(name="Beta Area"))
    organizations = {
        "state": OrganizationFactory(name="Employment Security Department", is_state_agency=True),
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
        "own": ParticipantFactory(first_name="Olivia", last_name="Ownoffice", offices=[office_a]),
        "other": ParticipantFactory(
            first_name="Oscar", last_name="Otheroffice", offices=[office_b]
        ),
        "opted_out": ParticipantFactory(
            first_name="Ophelia", last_name="Optedout", opted_out=True, offices=[office_a]
        ),
    }
    return SimpleNamespace(
        office_a=office_a,
        office_b=office_b,
        state=organizations["state"],
        partner=organizations["partner"],
        board=organizations["board"],
        people=people,
        seekers=seekers,
        **people,
    )
