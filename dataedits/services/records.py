"""Recording services and case notes on seekers enrolled in the office the case manager works in."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from participants.models import Participant
from participants.services import ensure_can_edit
from portal.audit import audit_reason
from portal.errors import PortalError
from portal.text import checked_text

from ..models import CaseNote, Program, Service, ServiceType
from ..rules import is_late_entry
from .gate import participant_through_gate


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
    if end_date < start_date:
        raise PortalError("The end date is before the start date.", code="end_before_start")
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
