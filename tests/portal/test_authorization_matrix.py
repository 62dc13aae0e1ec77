"""The authorization matrix: every named URL × role × seeker, with the status each must answer.

The URLconf is walked, so a URL added without a row fails `test_every_named_url_is_in_the_matrix`.
Rows live beside each app's tests (tests/<app>/authz_rows.py; see tests/authz.py).
Seekers (see the `world` fixture): "own" is enrolled in the office everyone is logged into,
"other" only in another office, "opted_out" is enrolled in the own office but opted out.
"""

import copy
import importlib
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import DjangoDbBlocker

from access.models import StaffSession
from tests.authz import ANONYMOUS, KINDS, LOGIN, READERS, ROLES
from tests.world import COMMITTED, WorldKeys, read

ROW_MODULES = [
    importlib.import_module(f"tests.{app}.authz_rows")
    for app in (
        "portal",
        "audit",
        "participants",
        "optout",
        "dataedits",
        "access",
        "notifications",
        "intake",
        "reporting",
    )
]
MATRIX = {key: row for module in ROW_MODULES for key, row in module.MATRIX.items()}


def named_urls(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_named_url_is_in_the_matrix():
    in_matrix = {name for name, _ in MATRIX}
    missing = set(named_urls()) - in_matrix
    assert not missing, f"URLs with no row in the authorization matrix: {sorted(missing)}"
    assert not in_matrix - set(named_urls()), "matrix rows for URLs that no longer exist"


class RoleSessions:
    """One signed-in browser per role for all the matrix's rows, signed in once and committed.

    Signing fifteen people in for each of the matrix's rows cost a good part of its time. Each is
    signed in by `force_login`, as before, but outside any row's transaction and beside the
    committed world (tests/world.py), so that a row's changes to the session (a renewed expiry, a
    switched office, a sign-out) roll back with the row. Every row starts from the cookies the
    sign-in left, as a new browser did. The sessions are made again before they could reach their
    idle timeout and after the world was made again, and are deleted with what signing in wrote
    (the session bookkeeping, django-axes' access log) when the module's tests are done, so that no
    other test meets them.
    """

    def __init__(self, blocker: DjangoDbBlocker) -> None:
        self.blocker = blocker
        self.world: WorldKeys | None = None
        self.signed_in_at = 0.0
        self.clients = {role: Client() for role in ROLES}
        self.cookies: dict[str, SimpleCookie] = {}
        self.access_logs: list[int] = []

    def for_the_next_row(self) -> dict[str, Client]:
        renew_after = settings.SESSION_COOKIE_AGE / 3
        if self.world is not COMMITTED.keys or time.monotonic() - self.signed_in_at > renew_after:
            self.sign_out()
            self.sign_in()
        for role, client in self.clients.items():
            client.cookies = copy.deepcopy(self.cookies[role])
        return self.clients

    def sign_in(self) -> None:
        # Committed only if no transaction is open yet: asked for before `world` (and its `db`).
        assert not connection.in_atomic_block, "sign in before the test's transaction opens"
        assert COMMITTED.keys is not None
        with self.blocker.unblock():
            logged_before = AccessLog.objects.aggregate(last=Max("pk"))["last"] or 0
            people = read(COMMITTED.keys).people
            for role, client in self.clients.items():
                client.cookies = SimpleCookie()
                if role != ANONYMOUS:
                    client.force_login(people[role])
                self.cookies[role] = copy.deepcopy(client.cookies)
            self.access_logs = list(
                AccessLog.objects.filter(pk__gt=logged_before).values_list("pk", flat=True)
            )
        self.world = COMMITTED.keys
        self.signed_in_at = time.monotonic()

    def sign_out(self) -> None:
        keys = [
            cookies[settings.SESSION_COOKIE_NAME].value
            for cookies in self.cookies.values()
            if settings.SESSION_COOKIE_NAME in cookies
        ]
        with self.blocker.unblock():
            StaffSession.objects.filter(session_key__in=keys).delete()
            Session.objects.filter(session_key__in=keys).delete()
            AccessLog.objects.filter(pk__in=self.access_logs).delete()
        self.cookies.clear()
        self.access_logs = []


@pytest.fixture(scope="module")
def role_sessions(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[RoleSessions]:
    sessions = RoleSessions(django_db_blocker)
    yield sessions
    sessions.sign_out()


@pytest.fixture
def clients(role_sessions: RoleSessions) -> dict[str, Client]:
    """Each role's browser for this test; ask for it before `world`, whose transaction it precedes."""
    return role_sessions.for_the_next_row()


def request_for(name, world, seeker):
    """The URL and POST data a person would send to `name` about `seeker`, from the app's rows."""
    for module in ROW_MODULES:
        request = module.request_for(name, world, seeker)
        if request is not None:
            return request
    raise AssertionError(f"no authz_rows module builds a request for {name}")


@pytest.mark.parametrize("name,method", sorted(MATRIX), ids=lambda v: str(v))
def test_authorization_matrix(clients, world, name, method):
    failures = []
    for role in ROLES:
        # One signed-in browser per role; each cell runs in its own savepoint, so one cell's
        # change (its session's too) cannot decide the next.
        client = clients[role]
        for kind, expected in zip(KINDS, MATRIX[name, method][role], strict=True):
            with transaction.atomic():
                url, data = request_for(name, world, world.seekers[kind])
                response = client.post(url, data) if method == "POST" else client.get(url)
                if expected == LOGIN:
                    ok = response.status_code == 302 and response["Location"].startswith(
                        reverse("login")
                    )
                else:
                    ok = response.status_code == expected
                if not ok:
                    failures.append(
                        f"{role} {method} {name} [{kind}]: expected {expected}, got {response.status_code}"
                    )
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# --- Quick Search followed to its results page --------------------------------------------------

SEARCHES = {
    "name": lambda seeker: f"{seeker.first_name} {seeker.last_name}",
    "customer ID": lambda seeker: seeker.customer_id,
    "SSN": lambda seeker: f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}-{seeker.ssn[5:]}",
    "SSN with spaces": lambda seeker: f"{seeker.ssn[:3]} {seeker.ssn[3:5]} {seeker.ssn[5:]}",
}
ENROLLED_IN = {"own": "office_a", "other": "office_b", "opted_out": "office_a"}


@pytest.mark.parametrize("role", READERS)
def test_every_search_path_shows_exactly_the_seekers_the_gate_lets_through(clients, world, role):
    """A name, a customer ID and an SSN of each kind of seeker, in both scopes, POSTed and followed
    to the page a person reads: a leak through any search path (the remembered SSN search
    included) fails here, and so does a seeker the person may see but does not find."""
    person = world.people[role]
    client = clients[role]
    failures = []
    for kind, seeker in world.seekers.items():
        for search, typed in SEARCHES.items():
            for scope in ("office", "worksource"):
                page = client.post(
                    reverse("participants:search"),
                    {"q": typed(seeker), "scope": scope},
                    follow=True,
                )
                text = page.content.decode()
                visible = person.is_state_staff or not seeker.opted_out
                in_scope = (
                    scope == "worksource"
                    or getattr(world, ENROLLED_IN[kind]) == person.current_office
                )
                expected = 1 if visible and in_scope else 0
                # A row of the results (the box, and the line saying what was searched, repeat the name).
                shown = f"{seeker.last_name}, {seeker.first_name}</a>" in text
                if f"Total Participants: {expected}" not in text or shown != bool(expected):
                    failures.append(
                        f"{role} searching {kind} by {search} in {scope}: expected {expected}, shown={shown}"
                    )
    assert not failures, "\n".join(failures)
