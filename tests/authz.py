"""The vocabulary of the authorization matrix (tests/portal/test_authorization_matrix.py).

Each app lists its URLs in `tests/<app>/authz_rows.py`: a `MATRIX` of
{(url name, method): {role: status or (own, other, opted_out) statuses}} and a
`request_for(name, world, seeker)` that returns the (url, POST data) a person would send,
or None for names that are not the app's.
"""

LOGIN = "login redirect"
ANONYMOUS = "anonymous"
# Columns: every role of office A (area 1), a restricted partner case manager, and the people of
# office B (area 2) whose work depends on where they work: a partner case manager, an ESD WIOA
# supervisor and a local board reviewer of the other area.
ROLES = [
    ANONYMOUS,
    "esd_case_manager",
    "esd_supervisor",
    "esd_restricted",
    "partner_case_manager",
    "partner_restricted",
    "access_requester",
    "mis_admin",
    "access_management",
    "lwdb_reviewer",
    "state_dataedits",
    "auditor",
    "partner_case_manager_b",
    "esd_supervisor_b",
    "lwdb_reviewer_b",
]
# "own" is enrolled in office A, "other" in office B only, "opted_out" in office A (see `world`).
KINDS = ("own", "other", "opted_out")

STATE_READERS = (
    "esd_case_manager",
    "esd_supervisor",
    "esd_restricted",
    "state_dataedits",
    "auditor",
    "esd_supervisor_b",
)
PARTNER_READERS = (
    "partner_case_manager",
    "partner_restricted",
    "lwdb_reviewer",
    "partner_case_manager_b",
    "lwdb_reviewer_b",
)
READERS = STATE_READERS + PARTNER_READERS
EDITORS = (
    "esd_case_manager",
    "esd_supervisor",
    "esd_restricted",
    "partner_case_manager",
    "partner_restricted",
    "partner_case_manager_b",
    "esd_supervisor_b",
)
# Who works in office B: for them "other" is the seeker in their office, and "own" the one elsewhere.
OFFICE_B = ("partner_case_manager_b", "esd_supervisor_b", "lwdb_reviewer_b")


def by_role(default, **overrides):
    """Expected status per role; a value is one status for every seeker or an (own, other, opted_out) triple."""
    table = {role: default for role in ROLES} | overrides
    return {
        role: value if isinstance(value, tuple) else (value,) * 3 for role, value in table.items()
    }
