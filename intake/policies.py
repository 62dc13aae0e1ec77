"""Who may do what on the intake pages, answered once for views, services and templates."""

from access.models import Staff
from access.roles import Role

# The state's intake page (held registrations and the intake log): the MIS security and data
# sharing administrator, who answers for what the sending systems send, and state data-edit
# staff, who already correct seekers' records on the state's behalf. Both state staff only:
# a held registration shows a seeker who may have opted out.
INTAKE_READERS = frozenset({Role.MIS_ADMIN, Role.STATE_DATAEDITS})


def reads_intake(user: Staff) -> bool:
    return getattr(user, "role", None) in INTAKE_READERS and user.is_state_staff


def resolves_held_registrations(user: Staff) -> bool:
    return reads_intake(user)


def manages_credentials(user: Staff) -> bool:
    """Sending systems and their credentials: the MIS security and data sharing administrator."""
    return getattr(user, "role", None) == Role.MIS_ADMIN and user.is_state_staff
