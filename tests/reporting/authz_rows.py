"""The quarter pages in the authorization matrix: the state's data-edit staff alone (the extract
names every seeker, opted-out ones too); everyone else is refused, a forged POST included."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from dataedits.models import ChangeKind, TicketState
from dataedits.rules import Quarter
from reporting.models import QuarterClose
from tests.authz import LOGIN, by_role
from tests.dataedits.helpers import add_service, make_ticket


def state_only(status):
    return by_role(403, anonymous=LOGIN, state_dataedits=status)


MATRIX = {
    ("reporting:quarters", "GET"): state_only(200),
    ("reporting:close", "GET"): state_only(200),
    ("reporting:close", "POST"): state_only(302),
    ("reporting:extract", "GET"): state_only(200),
    ("reporting:reconciliation", "GET"): state_only(200),
    ("reporting:exception", "GET"): state_only(200),
    ("reporting:exception", "POST"): state_only(302),
}


def closed_quarter(world) -> QuarterClose:
    """The quarter before last, closed (its data-edit deadline has always passed by today)."""
    quarter = Quarter.of(timezone.localdate()).previous().previous()
    return QuarterClose.objects.create(
        program_year=quarter.program_year,
        number=quarter.number,
        label=str(quarter),
        closed_by=world.state_dataedits,
        as_of=timezone.localdate(),
        rows=0,
    )


def _ticket_changing(close: QuarterClose, world, seeker):
    # The opted-out seeker's ticket is the state case manager's: the partner may not see them.
    by = world.esd_case_manager if seeker.opted_out else world.partner_case_manager
    day: date = close.quarter.start
    service = add_service(seeker, "career_guidance", day, office=world.office_a, by=by)
    return make_ticket(
        seeker,
        by=by,
        office=world.office_a,
        kind=ChangeKind.DELETE_SERVICE,
        service=service,
        status=TicketState.STATE_QUEUE,
    )


def request_for(name, world, seeker):
    if name == "reporting:quarters":
        return reverse(name), {}
    if name == "reporting:close":
        quarter = Quarter.of(timezone.localdate()).previous().previous().previous()
        return reverse(name, args=[quarter.program_year, quarter.number]), {}
    if name in {"reporting:extract", "reporting:reconciliation"}:
        close = closed_quarter(world)
        return reverse(name, args=[close.program_year, close.number]), {}
    if name == "reporting:exception":
        close = closed_quarter(world)
        ticket = _ticket_changing(close, world, seeker)
        return reverse(name, args=[close.program_year, close.number, ticket.pk]), {
            "reason": "The federal report was corrected by hand: the extract must follow it."
        }
    return None
