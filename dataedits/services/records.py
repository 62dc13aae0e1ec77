"""Recording services and case notes on seekers enrolled in the office the case manager works in."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from participants.access import access_participant
from participants.models import Participant
from participants.services import ensure_can_edit
from portal.audit import audit_reason
from portal.dates import checked_date, years_after
from portal.errors import PortalError
from portal.text import checked_text

from ..access import access_case_note, access_service
from ..confidential import named_condition
from ..models import (
    FOLLOW_UP_TYPE,
    NOT_FOLLOW_UPS,
    CaseNote,
    FollowUpKind,
    Program,
    Service,
    ServiceType,
)
from ..policies import self_correction_refusal
from ..precheck import fact
from ..rules import Change, DeleteService, ModifyService, Reason, decide, is_late_entry, periods_of

if TYPE_CHECKING:
    from access.models import Staff

# A service may run this many years ahead (a training); an end date further out is a typo.
SERVICE_YEARS_AHEAD = 3


def check_service_dates(participant: Participant, start_date: date, end_date: date) -> None:
    """Dates a service may have: from the seeker's birth to today for the start; an end after the
    start and no more than a few years ahead. Each refusal says why."""
    today = timezone.localdate()
    born = participant.date_of_birth
    checked_date(
        start_date,
        label="the start date",
        earliest=born,
        earliest_why=", the seeker's date of birth",
        latest=today,
        latest_why=": a service is recorded once it is provided, not before",
    )
    if end_date < start_date:
        raise PortalError("The end date is before the start date.", code="end_before_start")
    checked_date(
        end_date,
        label="the end date",
        latest=years_after(today, SERVICE_YEARS_AHEAD),
        latest_why=f": a service ends at most {SERVICE_YEARS_AHEAD} years ahead",
    )


def check_contact_date(participant: Participant, contact_date: date) -> None:
    checked_date(
        contact_date,
        label="the contact date",
        earliest=participant.date_of_birth,
        earliest_why=", the seeker's date of birth",
        latest=timezone.localdate(),
        latest_why=": the contact date cannot be in the future",
    )


def check_follow_up(participant: Participant, *, start_date: date, kind: str, note: str) -> None:
    """Seed 004: a follow-up service benefits a seeker who exited, is one of the follow-ups the
    policy names, and is documented in a case note; an attempted contact is a case note, not one."""
    if kind in NOT_FOLLOW_UPS:
        raise PortalError(
            "Write a case note instead: an attempted contact, or a contact to collect documentation or performance "
            "measures, is not a follow-up service.",
            code="not_a_follow_up",
        )
    if kind not in FollowUpKind.values:
        raise PortalError("Say what the follow-up service was.", code="follow_up_kind")
    if not note.strip():
        raise PortalError(
            "Document the follow-up service in a case note: what was done, and how it benefits the seeker.",
            code="follow_up_note",
        )
    counted = Service.objects.filter(
        participant=participant,
        service_type__counts_toward_participation=True,
        start_date__lte=start_date,
    ).select_related("service_type")
    periods = periods_of(fact(s) for s in counted)
    exit_date = periods[-1].exit_as_of(start_date) if periods else None
    if exit_date is None:
        raise PortalError(
            "A follow-up service is recorded only after the seeker's exit: "
            + (
                f"the exit is determined 90 days after the last service ({periods[-1].last_end:%m/%d/%Y})."
                if periods
                else "the seeker has no period of participation."
            ),
            code="not_exited",
        )


def service_create(
    *,
    actor: "Staff",
    participant: Participant,
    service_type: ServiceType,
    program: str,
    start_date: date,
    end_date: date,
    follow_up_kind: str = "",
    follow_up_note: str = "",
) -> Service:
    """Records a service; one entered more than seven days after it started is flagged late.

    A follow-up service needs its kind and a case note documenting it (`check_follow_up`); the
    note is recorded with it.
    """
    today = timezone.localdate()
    if not service_type.is_active:
        raise PortalError(
            "This service type is no longer offered: choose another.", code="inactive_type"
        )
    if program not in Program.values:
        raise PortalError(
            "Choose the program the service is provided under.", code="unknown_program"
        )
    if start_date > today:
        raise PortalError(
            "A service cannot be recorded before it is provided: the start date is in the future.",
            code="future_service",
        )
    check_service_dates(participant, start_date, end_date)
    follow_up = service_type.code == FOLLOW_UP_TYPE
    follow_up_note = checked_text(
        follow_up_note, label="the case note of the follow-up", limit=10_000
    )
    with transaction.atomic():
        locked = access_participant(actor, participant.pk, lock=True)
        ensure_can_edit(actor=actor, participant=locked)
        # `ensure_can_edit` refused an actor logged into no office.
        assert actor.current_office_id is not None
        if follow_up:
            check_follow_up(locked, start_date=start_date, kind=follow_up_kind, note=follow_up_note)
        service = Service(
            participant=locked,
            service_type=service_type,
            program=program,
            start_date=start_date,
            end_date=end_date,
            office_id=actor.current_office_id,
            entered_by=actor,
            entered_at=timezone.now(),
            is_late=is_late_entry(service_date=start_date, entered_on=today),
            follow_up_kind=follow_up_kind if follow_up else "",
        )
        with audit_reason("service recorded" + (" late" if service.is_late else ""), actor=actor):
            service.save()
            if follow_up:
                CaseNote.objects.create(
                    participant=locked,
                    contact_date=start_date,
                    text=follow_up_note,
                    office_id=actor.current_office_id,
                    author=actor,
                    entered_at=service.entered_at,
                    is_late=service.is_late,
                    names_condition=named_condition(follow_up_note) is not None,
                )
    return service


def case_note_create(
    *, actor: "Staff", participant: Participant, contact_date: date, text: str
) -> CaseNote:
    """Records a case note; one entered more than seven days after the contact is flagged late."""
    today = timezone.localdate()
    text = checked_text(text, label="the case note", limit=10_000)
    if not text:
        raise PortalError("Write the case note.", code="empty_note")
    if contact_date > today:
        raise PortalError("The contact date is in the future.", code="future_note")
    check_contact_date(participant, contact_date)
    with transaction.atomic():
        locked = access_participant(actor, participant.pk)
        ensure_can_edit(actor=actor, participant=locked)
        # `ensure_can_edit` refused an actor logged into no office.
        assert actor.current_office_id is not None
        note = CaseNote(
            participant=locked,
            contact_date=contact_date,
            text=text,
            office_id=actor.current_office_id,
            author=actor,
            entered_at=timezone.now(),
            is_late=is_late_entry(service_date=contact_date, entered_on=today),
            names_condition=named_condition(text) is not None,
        )
        with audit_reason("case note recorded" + (" late" if note.is_late else ""), actor=actor):
            note.save()
    return note


# --- Correcting a slip: the person who recorded it, soon after, while the quarter is open ------------

# What a correction without a ticket may not do: what a ticket would be denied for, periods above all.
NEEDS_A_TICKET = {
    Reason.PAST_DEADLINE,
    Reason.FUTURE_SERVICE,
    Reason.REMOVES_PERIOD,
    Reason.SPLITS_PERIOD,
    Reason.MERGES_PERIODS,
    Reason.CREATES_PERIOD,
    Reason.ENTRY_QUARTER_CHANGED,
    Reason.EXIT_QUARTER_CHANGED,
}


def _refuse_unless_self_correctable(
    actor: "Staff", *, recorded_by_id: int, entered_at: datetime, dates: Iterable[date]
) -> None:
    refusal = self_correction_refusal(
        actor, recorded_by_id=recorded_by_id, entered_at=entered_at, dates=dates, now=timezone.now()
    )
    if refusal:
        raise PortalError(refusal, code="needs_a_ticket")


def _refuse_if_periods_change(participant: Participant, change: Change) -> None:
    """The pre-check, as for a ticket: a correction may not create, remove, split or merge a period."""
    services = (
        Service.objects.filter(participant=participant)
        .select_related("service_type")
        .select_for_update(of=("self",))
    )
    decision = decide([fact(s) for s in services], change, filed_on=timezone.localdate())
    blocking = [reason for reason in decision.reasons if reason in NEEDS_A_TICKET]
    if blocking:
        raise PortalError(
            "This needs a data-edit ticket: " + " ".join(r.text for r in blocking),
            code="needs_a_ticket",
        )


def _locked_service(actor: "Staff", service: Service) -> Service:
    participant = access_participant(actor, service.participant_id, lock=True)
    ensure_can_edit(actor=actor, participant=participant)
    return access_service(actor, service.pk, lock=True)


def service_correct(
    *,
    actor: "Staff",
    service: Service,
    service_type: ServiceType,
    program: str,
    start_date: date,
    end_date: date,
    reason: str,
) -> Service:
    """The person who recorded a service corrects it, with a reason (see `self_correction_refusal`)."""
    reason = checked_text(reason, label="the reason for the correction", required=True, limit=1000)
    if program not in Program.values:
        raise PortalError(
            "Choose the program the service is provided under.", code="unknown_program"
        )
    if not service_type.is_active:
        raise PortalError(
            "This service type is no longer offered: choose another.", code="inactive_type"
        )
    with transaction.atomic():
        locked = _locked_service(actor, service)
        _refuse_unless_self_correctable(
            actor,
            recorded_by_id=locked.entered_by_id,
            entered_at=locked.entered_at,
            dates=[locked.start_date, locked.end_date, start_date, end_date],
        )
        check_service_dates(locked.participant, start_date, end_date)
        _refuse_if_periods_change(
            locked.participant,
            ModifyService(
                str(locked.pk),
                type=service_type.code,
                counted=service_type.counts_toward_participation,
                start=start_date,
                end=end_date,
            ),
        )
        changed = [
            name
            for name, value in (
                ("service_type", service_type),
                ("program", program),
                ("start_date", start_date),
                ("end_date", end_date),
            )
            if getattr(locked, name) != value
        ]
        if not changed:
            raise PortalError(
                "Nothing would change: correct the service's type, program or dates.",
                code="no_change",
            )
        for name in changed:
            setattr(
                locked,
                name,
                {
                    "service_type": service_type,
                    "program": program,
                    "start_date": start_date,
                    "end_date": end_date,
                }[name],
            )
        with audit_reason(
            f"service corrected by the person who recorded it: {reason}", actor=actor
        ):
            locked.save(update_fields=changed)
    return locked


def service_remove(*, actor: "Staff", service: Service, reason: str) -> None:
    """The person who recorded a service removes it (recorded by mistake), with a reason."""
    reason = checked_text(reason, label="the reason for removing it", required=True, limit=1000)
    with transaction.atomic():
        locked = _locked_service(actor, service)
        _refuse_unless_self_correctable(
            actor,
            recorded_by_id=locked.entered_by_id,
            entered_at=locked.entered_at,
            dates=[locked.start_date, locked.end_date],
        )
        open_ticket = locked.tickets.exclude(status__in=["approved", "denied"]).first()
        if open_ticket is not None:
            raise PortalError(
                f"Data-edit ticket #{open_ticket.pk} is about this service: it is settled there.",
                code="in_a_ticket",
            )
        _refuse_if_periods_change(locked.participant, DeleteService(str(locked.pk)))
        with audit_reason(f"service removed by the person who recorded it: {reason}", actor=actor):
            locked.delete()


def _locked_note(actor: "Staff", note: CaseNote) -> CaseNote:
    participant = access_participant(actor, note.participant_id, lock=True)
    ensure_can_edit(actor=actor, participant=participant)
    return access_case_note(actor, note.pk, lock=True)


def case_note_correct(
    *, actor: "Staff", note: CaseNote, contact_date: date, text: str, reason: str
) -> CaseNote:
    """The author of a case note corrects its date or text, with a reason."""
    reason = checked_text(reason, label="the reason for the correction", required=True, limit=1000)
    text = checked_text(text, label="the case note", required=True, limit=10_000)
    with transaction.atomic():
        locked = _locked_note(actor, note)
        _refuse_unless_self_correctable(
            actor,
            recorded_by_id=locked.author_id,
            entered_at=locked.entered_at,
            dates=[locked.contact_date, contact_date],
        )
        check_contact_date(locked.participant, contact_date)
        changed = [
            name
            for name, value in (("contact_date", contact_date), ("text", text))
            if getattr(locked, name) != value
        ]
        if not changed:
            raise PortalError(
                "Nothing would change: correct the date or the text.", code="no_change"
            )
        locked.contact_date, locked.text = contact_date, text
        locked.names_condition = named_condition(text) is not None
        changed.append("names_condition")
        with audit_reason(f"case note corrected by its author: {reason}", actor=actor):
            locked.save(update_fields=changed)
    return locked


def case_note_remove(*, actor: "Staff", note: CaseNote, reason: str) -> None:
    """The author removes a case note written by mistake (on the wrong seeker, say), with a reason."""
    reason = checked_text(reason, label="the reason for removing it", required=True, limit=1000)
    with transaction.atomic():
        locked = _locked_note(actor, note)
        _refuse_unless_self_correctable(
            actor,
            recorded_by_id=locked.author_id,
            entered_at=locked.entered_at,
            dates=[locked.contact_date],
        )
        ticket = locked.tickets.first()
        if ticket is not None:
            raise PortalError(
                f"This case note supports data-edit ticket #{ticket.pk}: it stays.",
                code="in_a_ticket",
            )
        with audit_reason(f"case note removed by its author: {reason}", actor=actor):
            locked.delete()
