"""Bad input, everywhere: the authorization matrix's twin.

Every URL that takes a POST is in the matrix; for each, one person who may use it posts the form
a person would send (the matrix's own data, and every field the page's form has), each field in
turn replaced by an edge value. Whatever the value: never a 500, and a post that is refused (not
answered by a redirect) stores nothing and writes no audit entry: the database counts every row
the transaction inserted, updated or deleted. A form added later is covered without anyone
remembering to, since its URL must be in the matrix.
"""

import re

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.authz import ANONYMOUS, KINDS
from tests.portal.test_authorization_matrix import MATRIX, request_for

EDGE_VALUES = [
    "",
    "x" * 10_000,
    "a\x00b",
    "line\r\nBcc: x@example.org",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "917-43-8265",
    "917 43 8265",
    "-1",
    "9" * 30,
    "<script>alert(1)</script>",
]
# Tables a refused post may touch: the session (renewed on use) and nothing else.
MAY_CHANGE = {"django_session"}
FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')
NOT_FIELDS = {"csrfmiddlewaretoken"}


def writes() -> dict[str, int]:
    """Rows this transaction inserted, updated or deleted so far, per table (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: count for table, count in cursor.fetchall() if count}


def chosen_person_and_seeker(name):
    """One person who may post to `name`, and a seeker they may post about: success first."""
    row = MATRIX[name, "POST"]
    for wanted in (302, 200):
        for role, statuses in row.items():
            if role == ANONYMOUS:
                continue
            for kind, status in zip(KINDS, statuses, strict=True):
                if status == wanted:
                    return role, kind
    return None


POST_URLS = sorted(
    name for name, method in MATRIX if method == "POST" and chosen_person_and_seeker(name)
)


@pytest.mark.parametrize("name", POST_URLS)
def test_no_edge_value_breaks_a_form_or_leaves_a_trace_when_refused(world, name):
    role, kind = chosen_person_and_seeker(name)
    client = Client(raise_request_exception=False)  # a 500 is recorded, and the walk goes on
    client.force_login(world.people[role])
    failures = []
    with transaction.atomic():
        url, data = request_for(name, world, world.seekers[kind])
        page = client.get(url)
        fields = set(data) | (
            set(FIELD.findall(page.content.decode())) if page.status_code == 200 else set()
        )
        transaction.set_rollback(True)
    for field in sorted(fields - NOT_FIELDS):
        for value in EDGE_VALUES:
            # One savepoint per post: what it leaves is rolled back before the next.
            with transaction.atomic():
                url, data = request_for(name, world, world.seekers[kind])
                before = writes()
                response = client.post(url, {**data, field: value})
                after = writes()
                changed = {t for t in after if after[t] != before.get(t, 0)} - MAY_CHANGE
                if response.status_code >= 500:
                    failures.append(f"{field}={value[:20]!r}: {response.status_code}")
                elif response.status_code != 302 and changed:
                    failures.append(
                        f"{field}={value[:20]!r}: refused ({response.status_code}) but wrote {sorted(changed)}"
                    )
                transaction.set_rollback(True)
    assert not failures, f"{role} POST {name}:\n" + "\n".join(failures)
