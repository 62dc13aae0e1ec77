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
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_services.py")], capture_output=True, text=True)
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


@pytest.fixture
def world(db):
    """Two offices in two areas, the state agency and a partner, one person per role, three seekers.

    own: enrolled in office A (everyone's current office); other: enrolled only in office B;
    opted_out: enrolled in office A, opted out of data sharing.
    """
    from tests.factories import OfficeFactory, OrganizationFactory, ParticipantFactory, StaffFactory

    office_a, office_b = OfficeFactory(name="WorkSource Alpha"), OfficeFactory(name="WorkSource Beta")
    state = OrganizationFactory(name="Employment Security Department", is_state_agency=True)
    partner = OrganizationFactory(name="Partner Services")
    board = OrganizationFactory(name="Local Workforce Board")

    def person(username, organization, role, restricted=False):
        return StaffFactory(
            username=username, organization=organization, role=role, is_restricted=restricted,
            current_office=office_a, offices=[office_a, office_b],
        )

    people = {
        "esd_case_manager": person("esd.casemanager", state, Role.CASE_MANAGER),
        "esd_supervisor": person("esd.supervisor", state, Role.SUPERVISOR),
        "esd_restricted": person("esd.restricted", state, Role.CASE_MANAGER, restricted=True),
        "partner_case_manager": person("partner.casemanager", partner, Role.CASE_MANAGER),
        "access_requester": person("access.requester", partner, Role.ACCESS_REQUESTER),
        "mis_admin": person("mis.admin", state, Role.MIS_ADMIN),
        "access_management": person("itsd.access", state, Role.ACCESS_MANAGEMENT),
        "lwdb_reviewer": person("lwdb.reviewer", board, Role.LWDB_REVIEWER),
        "state_dataedits": person("state.dataedits", state, Role.STATE_DATAEDITS),
        "auditor": person("auditor", state, Role.AUDITOR),
    }
    seekers = {
        "own": ParticipantFactory(first_name="Olivia", last_name="Ownoffice", offices=[office_a]),
        "other": ParticipantFactory(first_name="Oscar", last_name="Otheroffice", offices=[office_b]),
        "opted_out": ParticipantFactory(first_name="Ophelia", last_name="Optedout", opted_out=True, offices=[office_a]),
    }
    return SimpleNamespace(office_a=office_a, office_b=office_b, state=state, partner=partner,
                           people=people, seekers=seekers, **people)
