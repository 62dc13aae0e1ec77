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

from tests.authz import ANONYMOUS, KINDS, LOGIN, ROLES

ROW_MODULES = [
    importlib.import_module(f"tests.{app}.authz_rows")
    for app in ("portal", "participants", "optout", "dataedits", "access")
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
        for kind, expected in zip(KINDS, MATRIX[name, method][role]):
            # Each cell runs in its own savepoint, so one cell's change cannot decide the next.
            with transaction.atomic():
                client = Client()
                if role != ANONYMOUS:
                    client.force_login(world.people[role])
                url, data = request_for(name, world, world.seekers[kind])
                response = client.post(url, data) if method == "POST" else client.get(url)
                if expected == LOGIN:
                    ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
                else:
                    ok = response.status_code == expected
                if not ok:
                    failures.append(f"{role} {method} {name} [{kind}]: expected {expected}, got {response.status_code}")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
