"""The authorization matrix: every named URL × role × seeker, with the status each must answer.

The URLconf is walked, so a URL added without a row here fails `test_every_named_url_is_in_the_matrix`.
Seekers (see the `world` fixture): "own" is enrolled in the office everyone is logged into,
"other" only in another office, "opted_out" is enrolled in the own office but opted out.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

LOGIN = "login redirect"
ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS, "esd_case_manager", "esd_supervisor", "esd_restricted", "partner_case_manager",
    "access_requester", "mis_admin", "access_management", "lwdb_reviewer", "state_dataedits", "auditor",
]
KINDS = ("own", "other", "opted_out")


def by_role(default, **overrides):
    """Expected status per role; a value is one status for every seeker or an (own, other, opted_out) triple."""
    table = {role: default for role in ROLES} | overrides
    return {role: value if isinstance(value, tuple) else (value,) * 3 for role, value in table.items()}


STATE_READERS = ("esd_case_manager", "esd_supervisor", "esd_restricted", "state_dataedits", "auditor")
PARTNER_READERS = ("partner_case_manager", "lwdb_reviewer")
READERS = STATE_READERS + PARTNER_READERS
EDITORS = ("esd_case_manager", "esd_supervisor", "esd_restricted", "partner_case_manager")

MATRIX = {
    ("login", "GET"): by_role(302, anonymous=200),  # signed-in people are sent on to the dashboard
    ("logout", "POST"): by_role(302),
    ("portal:dashboard", "GET"): by_role(200, anonymous=LOGIN),
    ("portal:audit_trail", "GET"): by_role(403, anonymous=LOGIN, mis_admin=200, auditor=200),
    ("access:switch_office", "GET"): by_role(405, anonymous=LOGIN),
    ("access:switch_office", "POST"): by_role(302, anonymous=LOGIN),
    ("participants:search", "GET"): by_role(403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)),
    ("participants:search", "POST"): by_role(403, anonymous=LOGIN, **dict.fromkeys(READERS, 302)),
    ("participants:enroll", "GET"): by_role(405, anonymous=LOGIN),
    ("participants:enroll", "POST"): by_role(403, anonymous=LOGIN, **dict.fromkeys(EDITORS, 302)),
    ("participants:detail", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(STATE_READERS, 200), **dict.fromkeys(PARTNER_READERS, (200, 200, 404))
    ),
    ("participants:detail", "POST"): by_role(
        403,
        anonymous=LOGIN,
        esd_case_manager=(302, 403, 302),
        esd_supervisor=(302, 403, 302),
        esd_restricted=(302, 403, 302),
        partner_case_manager=(302, 403, 404),
        lwdb_reviewer=(403, 403, 404),
    ),
}


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
    """The URL and POST data a person would send to `name` about `seeker`."""
    if name == "participants:detail":
        return reverse(name, args=[seeker.pk]), {"first_name": seeker.first_name, "last_name": seeker.last_name, "phone": "(360) 555-0199"}
    if name == "participants:search":
        return reverse(name), {"q": seeker.last_name, "scope": "worksource"}
    if name == "participants:enroll":
        return reverse(name), {"participants": [seeker.pk]}
    if name == "access:switch_office":
        return reverse(name), {"office": world.office_b.pk}
    return reverse(name), {}


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
