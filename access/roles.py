"""What each staff role may do with seekers and the audit trail: the one table of capabilities."""

from django.db import models


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", "Case manager"
    SUPERVISOR = "supervisor", "ESD WIOA supervisor"
    ACCESS_REQUESTER = "access_requester", "MIS access requester"
    ACCESS_MANAGEMENT = "access_management", "MIS access management"
    MIS_ADMIN = "mis_admin", "MIS security and data sharing administrator"
    LWDB_REVIEWER = "lwdb_reviewer", "Local board reviewer"
    STATE_DATAEDITS = "state_dataedits", "State data-edit staff"
    AUDITOR = "auditor", "Auditor"


# Roles whose work is with seekers' records: they may search and open them.
SEEKER_READERS = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.LWDB_REVIEWER, Role.STATE_DATAEDITS, Role.AUDITOR}
)
# Roles that enter and correct seekers' data directly (others go through data-edit requests).
SEEKER_EDITORS = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
# Roles that read the audit trail (only as state staff: the trail names every seeker).
AUDIT_READERS = frozenset({Role.AUDITOR, Role.MIS_ADMIN})

# Data edits (seed 004): an office's data-integrity page (late services and case notes by staff
# member and week) is read by supervisors, local board reviewers, state data-edit staff and auditors.
DATA_INTEGRITY_READERS = frozenset(
    {Role.SUPERVISOR, Role.LWDB_REVIEWER, Role.STATE_DATAEDITS, Role.AUDITOR}
)

# Access requests (policy 1021 h): the roles a requester may ask for; the state's central roles
# are given through the administrator.
REQUESTABLE_ROLES = (
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.ACCESS_REQUESTER,
    Role.LWDB_REVIEWER,
    Role.STATE_DATAEDITS,
)
# ... and those only state agency staff may hold.
STATE_ONLY_ROLES = (Role.SUPERVISOR, Role.STATE_DATAEDITS)
