"""The data-edit ticket workflow, one transition table (models.TICKETS): draft -> local board
review -> state queue (Title I or Title III) -> approved (the change applied) or denied; the filer
is notified at each step. Each step locks the ticket, asks the policy and the table, writes, audits."""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_send
from participants.access import access_participant
from participants.models import Participant
from portal.audit import audit_reason
from portal.errors import PortalError
from portal.text import checked_text
from reporting.policies import closed_quarter_refusal

from ..access import access_ticket
from ..models import (
    DENIAL_REASON_TEXT,
    TICKETS,
    ChangeKind,
    DataEditTicket,
    SeekerField,
    Service,
    SkillsGain,
    TicketAction,
    TicketState,
)
from ..policies import acknowledge_refusal, decide_refusal, filer_refusal, review_refusal
from ..precheck import Precheck, reason_sentences, ticket_precheck
from ..rules import Quarter, Reason, counted_received_at, is_late_entry, touched_dates

if TYPE_CHECKING:
    from access.models import Staff


def _recheck(ticket: DataEditTicket, *, lock_services: bool = False) -> Precheck:
    """The pre-check as of the day the ticket was filed with the state (today, until it is)."""
    services = Service.objects.filter(participant=ticket.participant).select_related("service_type")
    if lock_services:
        services = services.select_for_update(of=("self",))
    return ticket_precheck(
        ticket,
        services=list(services),
        filed_on=ticket.filed_on or timezone.localdate(),
        supporting_notes=ticket.supporting_notes.count(),
        documents=ticket.documents.count(),
    )


def _refuse_if_late(check: Precheck) -> None:
    """The state never receives a request after its deadline (seed 004): it can only be denied."""
    if Reason.PAST_DEADLINE in check.decision.reasons:
        deadline = check.decision.deadline
        raise PortalError(
            f"This ticket would reach the state after its deadline, {deadline:%m/%d/%Y} (20 days after its quarter "
            "ended): it can only be denied.",
            code="past_deadline",
        )


def _refuse_unless_approvable(check: Precheck) -> None:
    if check.decision.reasons:
        texts = " ".join(reason.text for reason in check.decision.reasons)
        raise PortalError(f"The pre-check denies this request: {texts}", code="precheck_denies")


def _notify_filer(ticket: DataEditTicket, message: str) -> Notification:
    """A notice for the filer about the ticket, emailed once the step commits."""
    # Only the ticket's number and step: no seeker's name or number leaves the portal by email.
    return notification_send(
        recipient=ticket.filed_by,
        message=message,
        link=reverse("dataedits:ticket_detail", args=[ticket.pk]),
        participant=ticket.participant,
        email_subject=f"WorkSource data-edit ticket #{ticket.pk}",
    )


def state_local_reviewers(area_id: int) -> QuerySet["Staff"]:
    """The state agency's own staff designated as local reviewers of an area: they may see every seeker."""
    from access.models import Staff
    from access.roles import Role

    return Staff.objects.filter(
        role=Role.LWDB_REVIEWER,
        organization__is_state_agency=True,
        is_active=True,
        offices__area=area_id,
    ).distinct()


def _route_local_step(ticket: DataEditTicket, now: datetime) -> None:
    """Seed 002: opting out "in no way affect[s] a job seeker's eligibility for services". A ticket
    about a seeker the area's board reviewers may not see goes to a state-agency reviewer of the
    area for the local step; with none, straight to the state queue, the reason recorded."""
    if not ticket.participant.opted_out or ticket.status != TicketState.LOCAL_REVIEW:
        return
    area = ticket.office.area
    if state_local_reviewers(area.pk).exists():
        ticket.routing_note = (
            f"The seeker opted out of data sharing: the state agency's local reviewers of {area} "
            "do the local step."
        )
        return
    ticket.status = TICKETS.next_state(ticket.status, TicketAction.SKIP_LOCAL)
    ticket.routing_note = (
        f"The seeker opted out of data sharing and no state-agency local reviewer serves {area}: "
        "sent straight to the state, whose staff also answer the local board's questions."
    )
    ticket.filed_on = timezone.localdate(now)
    ticket.received_at = now
    ticket.counted_received_at = counted_received_at(timezone.localtime(now))


def tickets_route_for_opted_out(*, participant: Participant) -> int:
    """After a seeker opts out: their tickets waiting for a board that may no longer see them move on."""
    moved = 0
    with transaction.atomic():
        for ticket in (
            DataEditTicket.objects.select_for_update()
            .select_related("office__area", "participant")
            .filter(participant=participant, status=TicketState.LOCAL_REVIEW)
        ):
            before = (ticket.status, ticket.routing_note)
            _route_local_step(ticket, timezone.now())
            if (ticket.status, ticket.routing_note) != before:
                with audit_reason("data-edit ticket routed: the seeker opted out of data sharing"):
                    ticket.save()
                moved += 1
    return moved


# Reasons the filer must fix before submitting: the request is not complete without them.
INCOMPLETE = (Reason.MISSING_FIELD, Reason.MISSING_JUSTIFICATION, Reason.NO_SUPPORTING_CASE_NOTE)


def ticket_submit(
    *, actor: "Staff", ticket: DataEditTicket, confirmed_reasons: Collection[str] = ()
) -> DataEditTicket:
    """The filer sends the draft to the local board; the required fields must all be there.

    A ticket the pre-check would deny is sent only once the filer confirms it, naming the reasons
    they were shown (`confirmed_reasons`): a reason they were not shown (the pre-check changed
    since, or the confirmation was skipped) is refused and named.
    """
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := filer_refusal(actor, locked):
            raise refusal
        next_state = TICKETS.next_state(locked.status, TicketAction.SUBMIT)
        now = timezone.now()
        # Not yet filed with the state: the pre-check is as if the local board sent it on today.
        check = _recheck(locked)
        missing = [r for r in check.decision.reasons if r in INCOMPLETE]
        if missing:
            raise PortalError(
                "Complete the ticket before submitting it: " + " ".join(r.text for r in missing),
                code="incomplete",
            )
        unconfirmed = [r for r in check.decision.reasons if str(r) not in set(confirmed_reasons)]
        if unconfirmed:
            raise PortalError(
                "The pre-check would deny this ticket. "
                + reason_sentences(unconfirmed, check.decision)
                + " Confirm that you submit it all the same.",
                code="unconfirmed_denial",
            )
        locked.status, locked.submitted_at, locked.precheck = next_state, now, check.as_json()
        locked.deadline = check.decision.deadline
        _route_local_step(locked, now)
        with audit_reason(
            "data-edit ticket submitted for local board review"
            + (
                ", the filer confirming the pre-check's reasons to deny it"
                if check.decision.reasons
                else ""
            ),
            actor=actor,
        ):
            locked.save()
        if locked.status == TicketState.STATE_QUEUE:
            _notify_filer(
                locked,
                f"Data-edit ticket #{locked.pk} was sent straight to the state's "
                f"{locked.get_title_display()} queue: {locked.routing_note}",
            )
        else:
            _notify_filer(
                locked,
                f"Data-edit ticket #{locked.pk} was submitted and awaits local board review.",
            )
    return locked


def ticket_withdraw(*, actor: "Staff", ticket: DataEditTicket) -> DataEditTicket:
    """The filer takes back a submitted ticket, until the local board acts on it (the table's
    `withdraw` move is from local board review only)."""
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := filer_refusal(actor, locked):
            raise refusal
        locked.status = TICKETS.next_state(locked.status, TicketAction.WITHDRAW)
        with audit_reason("data-edit ticket withdrawn by its filer", actor=actor):
            locked.save(update_fields=["status", "updated_at"])
        _notify_filer(locked, f"Data-edit ticket #{locked.pk} was withdrawn.")
    return locked


def ticket_local_review(
    *,
    actor: "Staff",
    ticket: DataEditTicket,
    approve: bool,
    justified: bool,
    documented: bool,
    aligned: bool,
    reasons: Sequence[str] = (),
    note: str = "",
) -> DataEditTicket:
    """The local board's review: approve (sent to the state queue) or deny with reasons."""
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := review_refusal(actor, locked):
            raise refusal
        now = timezone.now()
        locked.local_reviewer, locked.local_reviewed_at = actor, now
        locked.local_justified, locked.local_documented, locked.local_aligned = (
            justified,
            documented,
            aligned,
        )
        locked.local_note = note = checked_text(note, label="the note")
        if approve:
            next_state = TICKETS.next_state(locked.status, TicketAction.LOCAL_APPROVE)
            if not (justified and documented and aligned):
                raise PortalError(
                    "Approve only a request that is justified, documented and aligned with policy; "
                    "deny it otherwise.",
                    code="questions_unanswered",
                )
            # Sent on, it is filed with the state today: the deadline is measured now.
            locked.filed_on = timezone.localdate(now)
            check = _recheck(locked)
            _refuse_if_late(check)
            _refuse_unless_approvable(check)
            locked.precheck, locked.deadline = check.as_json(), check.decision.deadline
            locked.received_at = now
            locked.counted_received_at = counted_received_at(timezone.localtime(now))
            message = (
                f"Data-edit ticket #{locked.pk} was approved by the local board and sent to the state's "
                f"{locked.get_title_display()} queue."
            )
            why = "data-edit ticket approved by the local board"
        else:
            next_state = TICKETS.next_state(locked.status, TicketAction.LOCAL_DENY)
            locked.denial_reasons = _denial_reasons(reasons)
            locked.decision_note = note
            locked.decided_at = now
            message = f"Data-edit ticket #{locked.pk} was denied by the local board: " + " ".join(
                DENIAL_REASON_TEXT[r] for r in locked.denial_reasons
            )
            why = "data-edit ticket denied by the local board"
        locked.status = next_state
        with audit_reason(why, actor=actor):
            locked.save()
        _notify_filer(locked, message)
    return locked


def _denial_reasons(reasons: Sequence[str]) -> list[str]:
    chosen = [r for r in DENIAL_REASON_TEXT if r in set(reasons)]
    if not chosen or len(chosen) != len(set(reasons)):
        raise PortalError(
            "Give at least one of the listed reasons for the denial.", code="no_reason"
        )
    return chosen


def ticket_decide(
    *,
    actor: "Staff",
    ticket: DataEditTicket,
    approve: bool,
    reasons: Sequence[str] = (),
    note: str = "",
) -> DataEditTicket:
    """State data-edit staff approve (the change is applied, in the same transaction) or deny."""
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := decide_refusal(actor, locked):
            raise refusal
        now = timezone.now()
        locked.decided_by, locked.decided_at = actor, now
        locked.decision_note = checked_text(note, label="the note")
        if approve:
            locked.status = TICKETS.next_state(locked.status, TicketAction.APPROVE)
            # The seeker's row is locked first, so that no service is recorded between the
            # pre-check and the change it approves.
            access_participant(actor, locked.participant_id, lock=True)
            check = _recheck(locked, lock_services=True)
            _refuse_if_late(check)
            _refuse_unless_approvable(check)
            # A quarter already closed into the federal extract changes only by the state's
            # recorded exception (reconciliation then lists the difference).
            assert check.change is not None  # an incomplete change is a missing field, refused
            touched = {Quarter.of(day) for day in touched_dates(check.facts_before, check.change)}
            if refusal := closed_quarter_refusal(locked, touched):
                raise refusal
            locked.precheck = check.as_json()
            with audit_reason(
                f"data-edit ticket #{locked.pk} approved: change applied", actor=actor
            ):
                _apply_change(locked, actor=actor)
                locked.save()
            message = f"Data-edit ticket #{locked.pk} was approved by the state and the change was applied."
        else:
            locked.status = TICKETS.next_state(locked.status, TicketAction.DENY)
            locked.denial_reasons = _denial_reasons(reasons)
            with audit_reason(f"data-edit ticket #{locked.pk} denied by the state", actor=actor):
                locked.save()
            message = f"Data-edit ticket #{locked.pk} was denied by the state: " + " ".join(
                DENIAL_REASON_TEXT[r] for r in locked.denial_reasons
            )
        _notify_filer(locked, message)
    return locked


def _apply_change(ticket: DataEditTicket, *, actor: "Staff") -> None:
    """Applies an approved ticket's change to the seeker's data (inside the approval's transaction).

    The approval's pre-check refused an incomplete change (`change_of` is None: a missing field),
    so what each kind needs is there."""
    match ticket.kind:
        case ChangeKind.ADD_SERVICE:
            # An added service has its type and dates (else a missing field, refused).
            assert ticket.new_service_type is not None
            assert ticket.new_start_date is not None and ticket.new_end_date is not None
            today = timezone.localdate()
            ticket.service = Service.objects.create(
                participant=ticket.participant,
                service_type=ticket.new_service_type,
                program=ticket.new_program,
                start_date=ticket.new_start_date,
                end_date=ticket.new_end_date,
                office=ticket.office,
                entered_by=ticket.filed_by,
                entered_at=timezone.now(),
                is_late=is_late_entry(service_date=ticket.new_start_date, entered_on=today),
            )
        case ChangeKind.MODIFY_SERVICE:
            service = ticket.service
            assert service is not None  # a modify ticket without its service: a missing field
            changed = []
            for field, value in (
                ("service_type", ticket.new_service_type),
                ("start_date", ticket.new_start_date),
                ("end_date", ticket.new_end_date),
            ):
                if value is not None and getattr(service, field) != value:
                    setattr(service, field, value)
                    changed.append(field)
            service.save(update_fields=changed)
        case ChangeKind.DELETE_SERVICE:
            # A delete ticket without its service: a missing field.
            assert ticket.service is not None
            ticket.service.delete()
            ticket.service = None
        case ChangeKind.CORRECT_SEEKER_DATA:
            participant = ticket.participant
            text = ticket.seeker_value.strip()
            correct: str | date = (
                date.fromisoformat(text)
                if ticket.seeker_field == SeekerField.DATE_OF_BIRTH
                else text
            )
            setattr(participant, ticket.seeker_field, correct)
            participant.save(update_fields=[ticket.seeker_field, "updated_at"])
        case ChangeKind.MEASURABLE_SKILLS_GAIN:
            assert ticket.gain_date is not None  # a gain without its date: a missing field
            SkillsGain.objects.create(
                participant=ticket.participant,
                program=ticket.new_program,
                gain_type=ticket.gain_type,
                achieved_on=ticket.gain_date,
                ticket=ticket,
            )


def ticket_acknowledge(*, actor: "Staff", ticket: DataEditTicket) -> DataEditTicket:
    """The state replies that it received the ticket (Attachment II: "OESC will reply and inform the
    local area the ticket request was received"); the filer is told. Once per ticket."""
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := acknowledge_refusal(actor, locked):
            raise refusal
        locked.acknowledged_at, locked.acknowledged_by = timezone.now(), actor
        with audit_reason("data-edit ticket receipt acknowledged by the state", actor=actor):
            locked.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        _notify_filer(
            locked,
            f"The state received data-edit ticket #{locked.pk} and works it in the order received.",
        )
    return locked
