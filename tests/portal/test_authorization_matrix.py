"""The authorization matrix: every named URL × role × seeker, with the status each must answer.

The URLconf is walked, so a URL added without a row fails `test_every_named_url_is_in_the_matrix`.
Rows live beside each app's tests (tests/<app>/authz_rows.py; see tests/authz.py).
Seekers (see the `world` fixture): "own" is enrolled in the office everyone is logged into,
"other" only in another office, "opted_out" is enrolled in the own office but opted out.
"""

import importlib

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import ANONYMOUS, KINDS, LOGIN, READERS, ROLES

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


def request_for(name, world, seeker):
    """The URL and POST data a person would send to `name` about `seeker`, from the app's rows."""
    for module in ROW_MODULES:
        request = module.request_for(name, world, seeker)
        if request is not None:
            return request
    raise AssertionError(f"no authz_rows module builds a request for {name}")


@pytest.mark.parametrize("name,method", sorted(MATRIX), ids=lambda v: str(v))
def test_authorization_matrix(world, name, method):
    failures = []
    for role in ROLES:
        # One signed-in browser per role; each cell runs in its own savepoint, so one cell's
        # change (its session's too) cannot decide the next.
        client = Client()
        if role != ANONYMOUS:
            client.force_login(world.people[role])
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
def test_every_search_path_shows_exactly_the_seekers_the_gate_lets_through(world, role):
    """A name, a customer ID and an SSN of each kind of seeker, in both scopes, POSTed and followed
    to the page a person reads: a leak through any search path (the remembered SSN search
    included) fails here, and so does a seeker the person may see but does not find."""
    person = world.people[role]
    client = Client()
    client.force_login(person)
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
