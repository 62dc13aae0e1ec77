"""Recording services and case notes on seekers enrolled in the office the case manager works in."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from participants.models import Participant
from participants.services import ensure_can_edit
from portal.audit import audit_reason
from portal.errors import PortalError
from portal.dates import checked_date, years_after
from portal.text import checked_text

from ..models import CaseNote, Program, Service, ServiceType
from ..rules import is_late_entry
from .gate import participant_through_gate

# A service may run this many years ahead (a training); an end date further out is a typo.
SERVICE_YEARS_AHEAD = 3


def check_service_dates(participant: Participant, start_date: date, end_date: date) -> None:
    """Dates a service may have: from the seeker's birth to today for the start; an end after the
    start and no more than a few years ahead. Each refusal says why."""
    today = timezone.localdate()
    born = participant.date_of_birth
    checked_date(start_date, label="the start date", earliest=born, earliest_why=", the seeker's date of birth",
                 latest=today, latest_why=": a service is recorded once it is provided, not before")
    if end_date < start_date:
        raise PortalError("The end date is before the start date.", code="end_before_start")
    checked_date(end_date, label="the end date", latest=years_after(today, SERVICE_YEARS_AHEAD),
                 latest_why=f": a service ends at most {SERVICE_YEARS_AHEAD} years ahead")


def check_contact_date(participant: Participant, contact_date: date) -> None:
    checked_date(contact_date, label="the contact date", earliest=participant.date_of_birth,
                 earliest_why=", the seeker's date of birth", latest=timezone.localdate(),
                 latest_why=": the contact date cannot be in the future")


def service_create(*, actor, participant: Participant, service_type: ServiceType, program: str,
                   start_date: date, end_date: date) -> Service:
    """Records a service; one entered more than seven days after it started is flagged late."""
    today = timezone.localdate()
    if not service_type.is_active:
        raise PortalError("This service type is no longer offered: choose another.", code="inactive_type")
    if program not in Program.values:
        raise PortalError("Choose the program the service is provided under.", code="unknown_program")
    if start_date > today:
        raise PortalError("A service cannot be recorded before it is provided: the start date is in the future.",
                          code="future_service")
    check_service_dates(participant, start_date, end_date)
    with transaction.atomic():
        locked = participant_through_gate(actor=actor, participant=participant, lock=True)
        ensure_can_edit(actor=actor, participant=locked)
        service = Service(
            participant=locked, service_type=service_type, program=program, start_date=start_date,
            end_date=end_date, office_id=actor.current_office_id, entered_by=actor, entered_at=timezone.now(),
            is_late=is_late_entry(service_date=start_date, entered_on=today),
        )
        with audit_reason("service recorded" + (" late" if service.is_late else ""), actor=actor):
            service.save()
    return service


def case_note_create(*, actor, participant: Participant, contact_date: date, text: str) -> CaseNote:
    """Records a case note; one entered more than seven days after the contact is flagged late."""
    today = timezone.localdate()
    text = checked_text(text, label="the case note", limit=10_000)
    if not text:
        raise PortalError("Write the case note.", code="empty_note")
    if contact_date > today:
        raise PortalError("The contact date is in the future.", code="future_note")
    check_contact_date(participant, contact_date)
    with transaction.atomic():
        locked = participant_through_gate(actor=actor, participant=participant)
        ensure_can_edit(actor=actor, participant=locked)
        note = CaseNote(
            participant=locked, contact_date=contact_date, text=text, office_id=actor.current_office_id,
            author=actor, entered_at=timezone.now(),
            is_late=is_late_entry(service_date=contact_date, entered_on=today),
        )
        with audit_reason("case note recorded" + (" late" if note.is_late else ""), actor=actor):
            note.save()
    return note
