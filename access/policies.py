"""Who may decide, confirm or withdraw an access request, and who works reports (policy 1021).

Asked once for services and templates. Each rule is a pure function of the person and the
object: `*_refusal` says why not, as the PortalError the service raises; `may_*` is what pages
ask before they offer the button, the refusal and that the table has the move.
"""

from typing import Any

from portal.errors import PortalError

from .models import ACCESS_REQUESTS, REPORTS, AccessRequest, Report

# --- access requests ----------------------------------------------------------------------------


def decide_refusal(user: Any, access_request: AccessRequest) -> PortalError | None:
    """MIS access management decides, and always a second person: granting access never rests on
    the one who asked for it (policy 1021 i; seed 003)."""
    if not user.can_manage_access:
        return PortalError(
            "Only MIS access management decides access requests.", code="not_access_management"
        )
    if access_request.requested_by_id == user.pk:
        return PortalError("A second person decides: you filed this request.", code="four_eyes")
    return None


def may_decide(user: Any, access_request: AccessRequest) -> bool:
    """Approve or reject, offered while the request waits for MIS access management."""
    return decide_refusal(user, access_request) is None and ACCESS_REQUESTS.allows(
        access_request.status, AccessRequest.Action.REJECT
    )


def may_confirm(user: Any, access_request: AccessRequest) -> bool:
    """A disable that took effect before its approval waits for MIS access management to confirm it."""
    return decide_refusal(user, access_request) is None and ACCESS_REQUESTS.allows(
        access_request.status, AccessRequest.Action.CONFIRM
    )


def withdraw_refusal(user: Any, access_request: AccessRequest) -> PortalError | None:
    """Only the requester who filed a request takes it back."""
    if access_request.requested_by_id != user.pk:
        return PortalError("Only the requester can withdraw a request.", code="not_requester")
    return None


def may_withdraw(user: Any, access_request: AccessRequest) -> bool:
    return withdraw_refusal(user, access_request) is None and ACCESS_REQUESTS.allows(
        access_request.status, AccessRequest.Action.WITHDRAW
    )


# --- reports ------------------------------------------------------------------------------------


def report_refusal(user: Any, report: Report) -> PortalError | None:
    """The MIS security and data sharing administrator works reports to closure (policy 1021 d, h.ix)."""
    if not user.can_administer_contracts:
        return PortalError(
            "Only the MIS security and data sharing administrator works reports.", code="not_admin"
        )
    return None


def may_move_report(user: Any, report: Report) -> bool:
    """The status form is offered while the report has a move left (it is not closed)."""
    return report_refusal(user, report) is None and any(
        REPORTS.allows(report.status, action) for action in Report.Action
    )
