"""One way to reach a seeker's tickets, services, case notes and documents: through the seeker's
visibility gate, for views and services alike. A row whose seeker the person may not see is not
found, exactly like one that does not exist (a 404 in views, a refusal in services)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from participants.models import Participant
from portal.errors import NotFound

from .models import CaseNote, DataEditTicket, Service, SupportingDocument

User = AbstractBaseUser | AnonymousUser


def access_ticket(user: User, pk: int, *, lock: bool = False) -> DataEditTicket:
    """The ticket if `user` may see its seeker; with `lock`, re-read under a row lock for a write
    (the ticket's row only: its seeker is locked, when it must be, by `access_participant`)."""
    tickets = DataEditTicket.objects.visible_to(user).select_related(
        "participant",
        "filed_by",
        "office",
        "service__service_type",
        "new_service_type",
        "local_reviewer",
        "decided_by",
    )
    if lock:
        tickets = tickets.select_for_update(of=("self",))
    found = tickets.filter(pk=pk).first()
    if found is None:
        raise NotFound("This ticket could not be found.")
    return found


def access_service(
    user: User, pk: int, *, participant: Participant | None = None, lock: bool = False
) -> Service:
    """The service if `user` may see its seeker (and, given `participant`, if it is theirs)."""
    services = Service.objects.visible_to(user).select_related("service_type", "participant")
    if participant is not None:
        services = services.filter(participant=participant)
    if lock:
        services = services.select_for_update(of=("self",))
    found = services.filter(pk=pk).first()
    if found is None:
        raise NotFound("This service could not be found.")
    return found


def access_case_note(
    user: User, pk: int, *, participant: Participant | None = None, lock: bool = False
) -> CaseNote:
    """The case note if `user` may see its seeker (and, given `participant`, if it is theirs)."""
    notes = CaseNote.objects.visible_to(user).select_related("participant")
    if participant is not None:
        notes = notes.filter(participant=participant)
    if lock:
        notes = notes.select_for_update(of=("self",))
    found = notes.filter(pk=pk).first()
    if found is None:
        raise NotFound("This case note could not be found.")
    return found


def access_document(user: User, pk: int) -> SupportingDocument:
    """A ticket's supporting document if `user` may see the ticket's seeker."""
    found = SupportingDocument.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("This document could not be found.")
    return found
