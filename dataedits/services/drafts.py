"""Data-edit tickets before they are submitted: the draft, its change and its supporting documents."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from participants.access import access_participant
from participants.models import Participant
from participants.services import ensure_can_edit
from portal.audit import audit_reason
from portal.errors import PortalError
from portal.text import checked_line, checked_text

from ..access import access_ticket
from ..models import (
    PROGRAM_TITLE,
    TICKET_FILER_FIELDS,
    TICKETS,
    CaseNote,
    ChangeKind,
    DataEditTicket,
    Program,
    SeekerField,
    Service,
    SkillsGainType,
    SupportingDocument,
    TicketAction,
    TicketState,
)
from ..policies import filer_refusal, may_add_document
from ..precheck import ticket_precheck
from .records import check_contact_date, check_service_dates

if TYPE_CHECKING:
    from access.models import Staff


def service_snapshot(service: Service) -> dict:
    return {
        "id": service.pk,
        "type": service.service_type.code,
        "type_name": service.service_type.name,
        "program": service.program,
        "start": service.start_date.isoformat(),
        "end": service.end_date.isoformat(),
    }


def _check_change(*, ticket: DataEditTicket) -> None:
    """Refuses a change that can never be right; an incomplete one is left for the pre-check."""
    if ticket.kind not in ChangeKind.values:
        raise PortalError("Choose what the ticket changes.", code="unknown_kind")
    if ticket.kind in (ChangeKind.MODIFY_SERVICE, ChangeKind.DELETE_SERVICE):
        if ticket.service is None or ticket.service.participant_id != ticket.participant_id:
            raise PortalError("Choose one of this seeker's services.", code="unknown_service")
    if (
        ticket.kind
        in (
            ChangeKind.ADD_SERVICE,
            ChangeKind.CORRECT_SEEKER_DATA,
            ChangeKind.MEASURABLE_SKILLS_GAIN,
        )
        and ticket.new_program not in Program.values
    ):
        raise PortalError("Choose the program the change concerns.", code="unknown_program")
    if ticket.new_service_type is not None and not ticket.new_service_type.is_active:
        raise PortalError(
            "This service type is no longer offered: choose another.", code="inactive_type"
        )
    for name in ("what_is_wrong", "what_is_right", "justification"):
        column = DataEditTicket._meta.get_field(name)
        assert isinstance(column, models.Field)  # the ticket's own text columns, not relations
        setattr(ticket, name, checked_text(getattr(ticket, name), label=str(column.verbose_name)))
    ticket.seeker_value = checked_line(ticket.seeker_value, label="the correct value")
    if ticket.kind in (ChangeKind.ADD_SERVICE, ChangeKind.MODIFY_SERVICE):
        _check_service_change(ticket)
    elif ticket.kind == ChangeKind.MEASURABLE_SKILLS_GAIN:
        _check_skills_gain(ticket)
    elif ticket.kind == ChangeKind.CORRECT_SEEKER_DATA:
        _check_seeker_data(ticket)


def _check_service_change(ticket: DataEditTicket) -> None:
    start = ticket.new_start_date or (ticket.service.start_date if ticket.service else None)
    end = ticket.new_end_date or (ticket.service.end_date if ticket.service else None)
    if start and start > timezone.localdate():
        raise PortalError("A service cannot start in the future.", code="future_service")
    if start and end:
        check_service_dates(ticket.participant, start, end)


def _check_skills_gain(ticket: DataEditTicket) -> None:
    if ticket.gain_type and ticket.gain_type not in SkillsGainType.values:
        raise PortalError("Choose the type of measurable skills gain.", code="unknown_gain_type")
    if ticket.gain_date:
        check_contact_date(ticket.participant, ticket.gain_date)


def _check_seeker_data(ticket: DataEditTicket) -> None:
    field, value = ticket.seeker_field, ticket.seeker_value.strip()
    if field and field not in SeekerField.values:
        raise PortalError("Choose one of the seeker's demographic fields.", code="unknown_field")
    if field and field != SeekerField.DATE_OF_BIRTH:
        column = Participant._meta.get_field(field)
        # The fields a ticket corrects, the date of birth aside, are the seeker's names: CharFields
        # of a set length.
        assert isinstance(column, models.CharField) and column.max_length is not None
        longest = column.max_length
        if len(value) > longest:
            raise PortalError(
                f"The value is longer than the {longest} characters the field holds.",
                code="too_long",
            )
    if field == SeekerField.DATE_OF_BIRTH and value:
        try:
            born = date.fromisoformat(value)
        except ValueError:
            raise PortalError("Write the date of birth as YYYY-MM-DD.", code="bad_date") from None
        if not date(1900, 1, 1) <= born <= timezone.localdate():
            raise PortalError("Enter a date of birth between 1900 and today.", code="bad_date")


def ticket_title(ticket: DataEditTicket) -> str:
    if ticket.kind in (ChangeKind.MODIFY_SERVICE, ChangeKind.DELETE_SERVICE):
        # `_check_change` refused a modify or delete ticket without one of the seeker's services.
        assert ticket.service is not None
        program = ticket.service.program
    else:
        program = ticket.new_program
    return PROGRAM_TITLE[Program(program)]


def _fill_draft(
    ticket: DataEditTicket, *, participant: Participant, notes: list[CaseNote], documents: int
) -> None:
    """Checks the draft's change and fills in what follows from it: its queue, the target service
    as it is now, and the pre-check as of today."""
    _check_change(ticket=ticket)
    if any(note.participant_id != participant.pk for note in notes):
        raise PortalError("Supporting case notes must be this seeker's.", code="foreign_note")
    ticket.title = ticket_title(ticket)
    ticket.service_snapshot = service_snapshot(ticket.service) if ticket.service else {}
    services = list(Service.objects.filter(participant=participant).select_related("service_type"))
    check = ticket_precheck(
        ticket,
        services=services,
        filed_on=timezone.localdate(),
        supporting_notes=len(notes),
        documents=documents,
    )
    ticket.precheck = check.as_json()


def ticket_create(
    *,
    actor: "Staff",
    participant: Participant,
    ticket: DataEditTicket,
    supporting_notes: Iterable[CaseNote] = (),
) -> DataEditTicket:
    """Files a draft ticket about `participant` from the form's unsaved `ticket`.

    The filer must be able to edit the seeker (enrolled in the office they are logged into).
    Supporting case notes must be the seeker's own.
    """
    with transaction.atomic():
        locked = access_participant(actor, participant.pk)
        ensure_can_edit(actor=actor, participant=locked)
        ticket.participant = locked
        # `ensure_can_edit` refused an actor logged into no office.
        assert actor.current_office_id is not None
        ticket.office_id = actor.current_office_id
        ticket.filed_by = actor
        ticket.status = TicketState.DRAFT
        notes = list(supporting_notes)
        _fill_draft(ticket, participant=locked, notes=notes, documents=0)
        with audit_reason("data-edit ticket drafted", actor=actor):
            ticket.save()
            ticket.supporting_notes.set(notes)
    return ticket


def ticket_update(
    *,
    actor: "Staff",
    ticket: DataEditTicket,
    changed: DataEditTicket,
    supporting_notes: Iterable[CaseNote] = (),
) -> DataEditTicket:
    """The filer edits their draft: `changed` is the form's unsaved copy of it.

    Refused once the draft is submitted (the table's `edit` move is from a draft only), and to
    anyone but its filer; the seeker must still be in the office the filer is logged into.
    """
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := filer_refusal(actor, locked):
            raise refusal
        TICKETS.next_state(locked.status, TicketAction.EDIT)
        participant = access_participant(actor, locked.participant_id)
        ensure_can_edit(actor=actor, participant=participant)
        for name in TICKET_FILER_FIELDS:
            setattr(locked, name, getattr(changed, name))
        notes = list(supporting_notes)
        _fill_draft(
            locked, participant=participant, notes=notes, documents=locked.documents.count()
        )
        with audit_reason("data-edit ticket draft edited by its filer", actor=actor):
            locked.save()
            locked.supporting_notes.set(notes)
    return locked


def ticket_delete(*, actor: "Staff", ticket: DataEditTicket) -> DataEditTicket:
    """The filer deletes their draft. Its row and documents are kept for the audit trail, seen
    by nobody; a submitted ticket is withdrawn instead (services.workflow.ticket_withdraw)."""
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := filer_refusal(actor, locked):
            raise refusal
        locked.status = TICKETS.next_state(locked.status, TicketAction.DELETE)
        with audit_reason("data-edit ticket draft deleted by its filer", actor=actor):
            locked.save(update_fields=["status", "updated_at"])
    return locked


ALLOWED_DOCUMENTS = {
    # detected type: (signature at the start of the file, accepted extensions)
    "application/pdf": (b"%PDF-", {".pdf"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}),
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
}
DOCUMENTS_PER_TICKET = 10


def document_kind(upload: "File[bytes]") -> str | None:
    """The document's type from its first bytes (the name and the browser's word are not trusted)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "").lower()
    for content_type, (signature, extensions) in ALLOWED_DOCUMENTS.items():
        if head.startswith(signature) and any(name.endswith(ext) for ext in extensions):
            return content_type
    return None


def document_add(
    *, actor: "Staff", ticket: DataEditTicket, upload: "File[bytes]"
) -> SupportingDocument:
    """Attaches a supporting document (PDF, PNG or JPEG, size-limited) to the filer's draft."""
    limit = settings.DATAEDIT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise PortalError(
            f"The document is larger than {limit // (1024 * 1024)} MB.", code="too_large"
        )
    if upload.size == 0:
        raise PortalError("The document is empty.", code="empty_document")
    content_type = document_kind(upload)
    if content_type is None:
        raise PortalError("Attach a PDF, PNG or JPEG document.", code="document_type")
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if not may_add_document(actor, locked):
            raise PortalError(
                "Documents are added by the filer while the ticket is a draft.", code="not_draft"
            )
        if locked.documents.count() >= DOCUMENTS_PER_TICKET:
            raise PortalError(
                f"A ticket holds at most {DOCUMENTS_PER_TICKET} documents.", code="too_many"
            )
        original = (upload.name or "document").replace("\\", "/").rsplit("/", 1)[-1][:200]
        # The file's name is shown and audited like any text: an SSN in it is refused too.
        original = checked_line(original, label="the document's file name") or "document"
        document = SupportingDocument(
            ticket=locked,
            original_name=original,
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        with audit_reason("supporting document attached", actor=actor):
            document.file.save(original, upload, save=False)
            try:
                document.save()
            except Exception:
                document.file.delete(save=False)
                raise
    return document
