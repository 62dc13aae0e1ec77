"""Who may read what of the audit trail, asked once for the pages, the record's box and templates.

The trail and the browsing report name every seeker, opted-out ones too: state staff only (the
auditor and the MIS security and data sharing administrator). The accounting of disclosures of a
seeker's record is for state staff who work with seekers' records, and the auditor; a partner's
staff member is refused, as for any other state-only page.
"""

from typing import Any


def may_read_audit_trail(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can_read_audit_trail)


def may_read_disclosures(user: Any) -> bool:
    """State (ESD) staff who read seekers' records, the auditor among them: who has seen a record.

    They reach the seeker through the visibility gate as on the record itself.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_state_staff and user.can_read_seekers


def may_read_browsing_report(user: Any) -> bool:
    """The MIS security and data sharing administrator, and the auditor, who reads the trail."""
    return may_read_audit_trail(user)
