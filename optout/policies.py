"""Who may do what with opt-out (seeds 000, 001, 002), asked once for services, views and templates.

Each rule is a pure function of the person (and the object): `*_refusal` says why not, as the
PortalError the service raises; `may_*` is what pages ask before they offer the button, the
refusal and, where the rule is a move of the opt-in request's table, that the move is open.
"""

from typing import Any, Protocol

from access.roles import Role
from participants.models import Participant
from participants.services import ensure_can_edit
from portal.errors import PortalError

from .states import OPT_IN_REQUESTS, Action


# What the rules read of an opt-in request and of a lookup (optout.models, which builds its
# managers from querysets.py, which asks these rules: so the models are described, not imported).
class OptInRequestLike(Protocol):
    filed_by_id: int
    area_id: int
    status: str


class LookupLike(Protocol):
    staff_id: int

    @property
    def found_opted_out(self) -> bool: ...


# --- roles ------------------------------------------------------------------------------------


def uses_opt_out_lookup(user: Any) -> bool:
    """Partner (non-ESD) staff who work with seekers: they cannot see opted-out seekers (seed 001).

    State staff see opted-out seekers in Quick Search and have no need of the lookup.
    """
    return bool(
        getattr(user, "is_authenticated", False)
        and user.can_read_seekers
        and not user.is_state_staff
    )


def files_opt_in_requests(user: Any) -> bool:
    """Partner case managers: they ask the ESD WIOA supervisor to opt a client in (seed 000)."""
    return uses_opt_out_lookup(user) and user.can_edit_seekers


def changes_opt_out(user: Any) -> bool:
    """Non-restricted state (ESD) staff: the only ones who may change the flag (seeds 001, 002)."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_state_staff and not user.is_restricted
    )


def is_wioa_supervisor(user: Any) -> bool:
    """An ESD WIOA supervisor: the supervisor role, state staff, not restricted."""
    return changes_opt_out(user) and user.is_active and user.role == Role.SUPERVISOR


# --- the flag ---------------------------------------------------------------------------------


def change_opt_out_refusal(user: Any, participant: Participant) -> PortalError | None:
    """Only non-restricted ESD staff, and only for a seeker enrolled in the office they are logged into."""
    if not changes_opt_out(user):
        return PortalError(
            "Only ESD staff who are not restricted users may change a seeker's opt-out.",
            code="cannot_change_opt_out",
        )
    try:
        ensure_can_edit(actor=user, participant=participant)
    except PortalError as refusal:
        return refusal
    return None


def may_change_opt_out(user: Any, participant: Participant) -> bool:
    return change_opt_out_refusal(user, participant) is None


# --- the opt-in request -----------------------------------------------------------------------


def file_refusal(user: Any, lookup: LookupLike) -> PortalError | None:
    """A partner case manager files from their own Opt-Out Lookup that answered CLIENT OPTED OUT."""
    if not files_opt_in_requests(user):
        return PortalError("Only partner case managers file opt-in requests.", code="not_allowed")
    if lookup.staff_id != user.pk or not lookup.found_opted_out:
        return PortalError(
            "File an opt-in request from your own Opt-Out Lookup that answered CLIENT OPTED OUT.",
            code="no_lookup",
        )
    return None


def may_file(user: Any, lookup: LookupLike) -> bool:
    return file_refusal(user, lookup) is None


def decide_refusal(user: Any, opt_in_request: OptInRequestLike) -> PortalError | None:
    """An ESD WIOA supervisor of the request's area (one of their offices' areas) records the decision."""
    if not is_wioa_supervisor(user):
        return PortalError(
            "Only an ESD WIOA supervisor records the client's decision.", code="not_supervisor"
        )
    if not user.offices.filter(area_id=opt_in_request.area_id).exists():
        return PortalError(
            "This request is for the supervisors of another workforce development area.",
            code="not_your_area",
        )
    return None


def may_decide(user: Any, opt_in_request: OptInRequestLike) -> bool:
    """The decision page is offered while the request waits, to the supervisors who may decide it."""
    return decide_refusal(user, opt_in_request) is None and OPT_IN_REQUESTS.allows(
        opt_in_request.status, Action.OPT_IN
    )


def withdraw_refusal(user: Any, opt_in_request: OptInRequestLike) -> PortalError | None:
    """Only the case manager who filed a request takes it back."""
    if opt_in_request.filed_by_id != user.pk:
        return PortalError(
            "Only the case manager who filed this request may withdraw it.", code="not_filer"
        )
    return None


def may_withdraw(user: Any, opt_in_request: OptInRequestLike) -> bool:
    return withdraw_refusal(user, opt_in_request) is None and OPT_IN_REQUESTS.allows(
        opt_in_request.status, Action.WITHDRAW
    )
