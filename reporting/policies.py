"""Who may close a quarter, download its extract and record an exception, asked once for the
services, the pages and the data-edit workflow.

State data-edit staff only: the extract names every seeker, opted-out ones too, and the close
and its exceptions decide what the state reports (seed 004: "Changes that impact federal
reporting requirements ... are managed through the appropriate state agency").
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from dataedits.models import DataEditTicket, TicketState
from dataedits.policies import decide_refusal
from dataedits.rules import Quarter, filing_deadline
from portal.errors import PortalError

from .models import CloseException, QuarterClose
from .selectors import close_opens_on, closed_quarters_touched, closes_of


def closes_quarters(user: Any) -> bool:
    """The capability of the quarter pages: state data-edit staff."""
    return bool(getattr(user, "can_decide_data_edits", False))


def close_refusal(user: Any, quarter: Quarter, today: date) -> PortalError | None:
    """Why `user` may not close `quarter` today, or None if they may."""
    if not closes_quarters(user):
        return PortalError(
            "Only the state's data-edit staff close quarters.", code="not_state_staff"
        )
    opens_on = close_opens_on(quarter)
    if today < opens_on:
        return PortalError(
            f"{quarter} may be closed from {opens_on:%m/%d/%Y}: data edits are allowed until "
            f"{filing_deadline(quarter.end):%m/%d/%Y}, 20 days after it ends.",
            code="quarter_still_open",
        )
    closed = QuarterClose.objects.filter(
        program_year=quarter.program_year, number=quarter.number
    ).first()
    if closed is not None:
        return PortalError(
            f"{quarter} is already closed (by {closed.closed_by} on "
            f"{timezone.localtime(closed.closed_at):%m/%d/%Y}): it is closed once.",
            code="already_closed",
        )
    return None


def closed_quarter_refusal(
    ticket: DataEditTicket, quarters: Iterable[Quarter]
) -> PortalError | None:
    """The state approves a change to a closed quarter only through a recorded exception."""
    closes = closes_of(quarters)
    if not closes:
        return None
    excepted = CloseException.objects.filter(ticket=ticket).values_list("close_id", flat=True)
    missing = [c for c in closes if c.pk not in set(excepted)]
    if not missing:
        return None
    labels = ", ".join(c.label for c in missing)
    return PortalError(
        f"{labels} is closed: its figures are in the federal extract. Record the exception "
        "(why this change must still be made) on the ticket before approving it.",
        code="quarter_closed",
    )


def exception_refusal(user: Any, ticket: DataEditTicket, close: QuarterClose) -> PortalError | None:
    """Why `user` may not record an exception for `ticket` in `close`, or None if they may."""
    if not closes_quarters(user):
        return PortalError(
            "Only the state's data-edit staff record exceptions.", code="not_state_staff"
        )
    if refusal := decide_refusal(user, ticket):
        return refusal
    if ticket.status != TicketState.STATE_QUEUE:
        return PortalError(
            "An exception is recorded for a ticket waiting in the state's queue.",
            code="not_in_state_queue",
        )
    if close not in closed_quarters_touched(ticket):
        return PortalError(
            f"This ticket does not change {close.label}: no exception is needed there.",
            code="quarter_not_touched",
        )
    if CloseException.objects.filter(ticket=ticket, close=close).exists():
        return PortalError(
            "This ticket's exception is already recorded.", code="exception_recorded"
        )
    return None
