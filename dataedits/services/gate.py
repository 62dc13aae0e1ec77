"""Services re-read the rows they change through the visibility gate: a caller may hold a stale
row, or one it never checked."""

from participants.models import Participant
from portal.errors import PortalError

from ..models import DataEditTicket


def participant_through_gate(*, actor, participant: Participant, lock: bool = False) -> Participant:
    """The seeker again, through the gate (and locked): callers may hold a stale or unchecked row."""
    seekers = Participant.objects.visible_to(actor)
    if lock:
        seekers = seekers.select_for_update()
    found = seekers.filter(pk=participant.pk).first()
    if found is None:
        raise PortalError("This seeker could not be found.", code="not_found")
    return found


def ticket_through_gate(*, actor, ticket: DataEditTicket) -> DataEditTicket:
    """The ticket again, through its seeker's gate, locked for the change about to be made."""
    locked = (
        DataEditTicket.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("participant", "service__service_type", "new_service_type", "office")
        .filter(pk=ticket.pk)
        .first()
    )
    if locked is None:
        raise PortalError("This ticket could not be found.", code="not_found")
    return locked
