"""Who may do what with seekers' enrollments, asked once for the services and the pages.

`*_refusal` says why not, as the PortalError the service raises; `may_*` is what a page asks
before it offers the button.
"""

from typing import Any

from portal.errors import PortalError


def enroll_refusal(user: Any) -> PortalError | None:
    """Add Seeker to Office: a role that edits seekers, into the office the person is logged into."""
    if not getattr(user, "can_edit_seekers", False):
        return PortalError("Your role cannot add seekers to an office.", code="role_cannot_enroll")
    if user.current_office_id is None:
        return PortalError(
            "Choose the office you are working in before adding seekers to it.", code="no_office"
        )
    return None


def may_enroll(user: Any) -> bool:
    return enroll_refusal(user) is None
