"""Who may do what to a data-edit ticket, asked once for services, views and templates.

Four eyes (seed 004): the local board reviews what a case manager filed, the state decides what
the local board sent on, and nobody reviews or decides a ticket they filed or reviewed. Each rule
is a pure function of the person and the ticket: `*_refusal` says why not, as the PortalError the
service raises; `may_*` is what pages ask before they offer the button, the refusal and, where
the rule is a move of the ticket's table, that the move is open.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from portal.errors import PortalError

from .models import TICKETS, DataEditTicket, TicketAction, TicketState

if TYPE_CHECKING:
    from access.models import Staff


def reviewer_areas(user: Any) -> set[int]:
    """The workforce development areas whose local board the reviewer serves (their offices' areas)."""
    return set(user.offices.values_list("area_id", flat=True))


# --- the filer ----------------------------------------------------------------------------------


def filer_refusal(user: Any, ticket: DataEditTicket) -> PortalError | None:
    """Only the person who filed a ticket edits, deletes, submits or withdraws it, or adds documents."""
    if ticket.filed_by_id != user.pk:
        return PortalError("Only the person who filed this ticket may do this.", code="not_filer")
    return None


def may_submit(user: Any, ticket: DataEditTicket) -> bool:
    return filer_refusal(user, ticket) is None and TICKETS.allows(
        ticket.status, TicketAction.SUBMIT
    )


def may_edit(user: Any, ticket: DataEditTicket) -> bool:
    """A draft is edited by its filer, and by nobody once it is submitted."""
    return filer_refusal(user, ticket) is None and TICKETS.allows(ticket.status, TicketAction.EDIT)


def may_delete(user: Any, ticket: DataEditTicket) -> bool:
    return filer_refusal(user, ticket) is None and TICKETS.allows(
        ticket.status, TicketAction.DELETE
    )


def may_withdraw(user: Any, ticket: DataEditTicket) -> bool:
    """A submitted ticket is withdrawn by its filer until the local board acts on it."""
    return filer_refusal(user, ticket) is None and TICKETS.allows(
        ticket.status, TicketAction.WITHDRAW
    )


def may_add_document(user: Any, ticket: DataEditTicket) -> bool:
    """Documents support the request as filed: the filer adds them while the ticket is a draft."""
    return may_submit(user, ticket)


# --- the local board ----------------------------------------------------------------------------


def area_refusal(user: Any, ticket: DataEditTicket) -> PortalError | None:
    """A local reviewer works the tickets of the areas they serve; another board's are not theirs."""
    if not user.can_review_data_edits_locally:
        return PortalError("Your role does not review data-edit tickets.", code="not_reviewer")
    if ticket.office.area_id not in reviewer_areas(user):
        return PortalError("This ticket belongs to another local board's area.", code="other_area")
    return None


def review_refusal(user: Any, ticket: DataEditTicket) -> PortalError | None:
    """Why `user` may not review `ticket` for the local board, or None if they may (its status aside)."""
    if refusal := area_refusal(user, ticket):
        return refusal
    if ticket.filed_by_id == user.pk:
        return PortalError("Nobody reviews a ticket they filed.", code="four_eyes")
    return None


def may_review(user: Any, ticket: DataEditTicket) -> bool:
    return review_refusal(user, ticket) is None and TICKETS.allows(
        ticket.status, TicketAction.LOCAL_APPROVE
    )


# --- the state ----------------------------------------------------------------------------------


def decide_refusal(user: Any, ticket: DataEditTicket) -> PortalError | None:
    """Why `user` may not decide `ticket` for the state, or None if they may (its status aside)."""
    if not user.can_decide_data_edits:
        return PortalError("Your role does not decide data-edit tickets.", code="not_state_staff")
    if user.pk in (ticket.filed_by_id, ticket.local_reviewer_id):
        return PortalError("Nobody decides a ticket they filed or reviewed.", code="four_eyes")
    return None


def may_decide(user: Any, ticket: DataEditTicket) -> bool:
    return decide_refusal(user, ticket) is None and TICKETS.allows(
        ticket.status, TicketAction.APPROVE
    )


def acknowledge_refusal(user: Any, ticket: DataEditTicket) -> PortalError | None:
    """The state's data-edit staff acknowledge, once, a ticket that reached the state's queue
    (Attachment II: "OESC will reply and inform the local area the ticket request was received")."""
    if not user.can_decide_data_edits:
        return PortalError(
            "Only the state's data-edit staff acknowledge tickets.", code="not_state_staff"
        )
    received = (TicketState.STATE_QUEUE, TicketState.APPROVED, TicketState.DENIED)
    if ticket.status not in received or ticket.received_at is None:
        return PortalError(
            "The state acknowledges a ticket once it is in its queue.", code="not_received"
        )
    if ticket.acknowledged_at is not None:
        return PortalError("This ticket's receipt is already acknowledged.", code="acknowledged")
    return None


def may_acknowledge(user: Any, ticket: DataEditTicket) -> bool:
    return acknowledge_refusal(user, ticket) is None


def self_correction_refusal(
    user: "Staff",
    *,
    recorded_by_id: int,
    entered_at: datetime,
    dates: Iterable[date],
    now: datetime,
) -> str | None:
    """Why `user` may not correct or remove a service or case note themselves, or None if they may.

    Seed 004 has entries made at the time; a slip is fixed by the person who made it, until the end
    of the next business day and while the quarter is still open. After that, a data-edit ticket.
    """
    from django.utils import timezone

    from .rules import Quarter, filing_deadline, self_correction_ends

    if recorded_by_id != user.pk:
        return "Only the person who recorded it corrects it: anyone else files a data-edit ticket."
    until = self_correction_ends(timezone.localtime(entered_at))
    if now > until:
        return (
            f"It could be corrected without a ticket until {timezone.localtime(until):%m/%d/%Y} (the end of the "
            "next business day after it was entered): file a data-edit ticket."
        )
    today = timezone.localdate(now)
    for day in dates:
        if filing_deadline(day) < today:
            return f"{Quarter.of(day)} is closed (its data-edit deadline passed): file a data-edit ticket."
    return None


# --- reports ------------------------------------------------------------------------------------


def reads_statewide_reports(user: Any) -> bool:
    """State data-edit staff and auditors answer for the whole state's data: the data-integrity
    page and the quarterly counts let them choose any office, an area or the whole state. Anyone
    else chooses among the offices they are assigned to."""
    from access.roles import Role

    return user.is_state_staff and user.role in (Role.STATE_DATAEDITS, Role.AUDITOR)
