import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_django import DjangoDbBlocker

from tests.world import COMMITTED, build, forget_cached_entries, order, read

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
    trail's triggers (and its seals') refuse, as it must in production. Only the suite's own flush is let through;
    the shared world goes with it (tests/world.py)."""
    import pgtrigger
    from django.core.management.commands import flush
    from django.db import connection

    original = flush.Command.handle
    # The triggers read the names to skip from the session's `pgtrigger.ignore`, which is set
    # here for the flush alone. (pgtrigger.ignore() would prefix every statement with setting
    # it, and a statement sent with its parameters apart, as the portal sends them, holds one command.)
    ignored = set()
    for model, trigger in pgtrigger.registered(
        "audit.AuditEntry:audit_entry_no_truncate",
        "audit.Seal:audit_seal_no_truncate",
        "audit.ChainVerification:audit_chainverification_no_truncate",
    ):
        ignored |= {trigger.get_pgid(model), f"{model._meta.db_table}:{trigger.get_pgid(model)}"}
    ignoring = "{" + ",".join(sorted(ignored)) + "}"

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [ignoring])
        try:
            result = original(self, *args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('pgtrigger.ignore', NULL, false)")
        COMMITTED.flushed()
        return result

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """The test database, and in it the shared world if the first test asks for it (tests/world.py)."""
    COMMITTED.blocker = django_db_blocker
    COMMITTED.arrange_for(COMMITTED.item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's own order, the order that builds the world least often (tests/world.py)."""
    items.sort(key=order)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture opens the test's transaction: the world committed for a test that asks
    for it, taken away for one that does not (tests/world.py)."""
    COMMITTED.item = item
    COMMITTED.arrange_for(item)


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    """Two workforce development areas, one office each, and the people who work in them.

    Everyone holds only the office of their job: the people named by role (`esd_supervisor`,
    `lwdb_reviewer`, ...) work in office A (area 1) and are logged into it; each has a twin in
    office B (area 2), named with `_b` (`esd_supervisor_b`: a supervisor of another area). There
    is a restricted partner case manager and a restricted state one, beside their colleagues
    who are not. The state agency, a partner and a local board; three seekers:

    own: enrolled in office A; other: enrolled only in office B;
    opted_out: enrolled in office A, opted out of data sharing.

    The world is committed once and outlives the test (tests/world.py): its rows are read afresh
    here, and what the cache keeps of its people (their Opt-Out Lookup counts) is forgotten, as it
    was when each test made people of its own.
    """
    if COMMITTED.keys is None:  # a transactional test that asked for the world from its body
        COMMITTED.keys = build()
    forget_cached_entries()
    return read(COMMITTED.keys)
