"""The vocabulary of the authorization matrix (tests/portal/test_authorization_matrix.py).

Each app lists its URLs in `tests/<app>/authz_rows.py`: a `MATRIX` of
{(url name, method): {role: status or (own, other, opted_out) statuses}} and a
`request_for(name, world, seeker)` that returns the (url, POST data) a person would send,
or None for names that are not the app's.
"""

LOGIN = "login redirect"
ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS, "esd_case_manager", "esd_supervisor", "esd_restricted", "partner_case_manager",
    "access_requester", "mis_admin", "access_management", "lwdb_reviewer", "state_dataedits", "auditor",
]
KINDS = ("own", "other", "opted_out")

STATE_READERS = ("esd_case_manager", "esd_supervisor", "esd_restricted", "state_dataedits", "auditor")
PARTNER_READERS = ("partner_case_manager", "lwdb_reviewer")
READERS = STATE_READERS + PARTNER_READERS
EDITORS = ("esd_case_manager", "esd_supervisor", "esd_restricted", "partner_case_manager")


def by_role(default, **overrides):
    """Expected status per role; a value is one status for every seeker or an (own, other, opted_out) triple."""
    table = {role: default for role in ROLES} | overrides
    return {role: value if isinstance(value, tuple) else (value,) * 3 for role, value in table.items()}
