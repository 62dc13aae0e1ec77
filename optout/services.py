"""Every write of opt-out: the lookup, the opt-in request's transitions, the flag itself.

Keyword-only, atomic, audited; refusals raise PortalError before anything is written (or inside
the transaction, which then rolls back). Emails leave only after the transaction commits.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dataedits.services import tickets_route_for_opted_out
from notifications.services import notification_send, notifications_settle
from participants.access import access_participant
from participants.crypto import blind_index, normalize_ssn, ssn_refusal
from participants.models import Participant
from portal.audit import audit_reason
from portal.dates import shown
from portal.errors import PortalError
from portal.text import checked_line, checked_text, phone_number

from . import emails
from .models import OptInRequest, OptOutChange, OptOutLookup
from .policies import (
    change_opt_out_refusal,
    decide_refusal,
    file_refusal,
    uses_opt_out_lookup,
    withdraw_refusal,
)
from .querysets import area_supervisors
from .states import DECISIONS, OPT_IN_REQUESTS, Action

if TYPE_CHECKING:
    from access.models import Staff

LOOKUP_WINDOW_SECONDS = 3600
TEXT_LIMIT = 1000


# --- checks shared by the services ------------------------------------------------------------


def _text(value: str, *, label: str, required: bool, limit: int = TEXT_LIMIT) -> str:
    """Trimmed free text without an SSN: these texts go into emails and the audit trail."""
    return checked_text(value, label=label, required=required, limit=limit)


def _phone(value: str) -> str:
    phone = phone_number(value)
    if phone is None:
        raise PortalError(
            "Enter the client's phone number: 10 digits, such as (360) 555-0100.",
            code="invalid_phone",
        )
    return phone


# --- the Opt-Out Lookup -----------------------------------------------------------------------


def _counter_key(actor: "Staff", window: int) -> str:
    # date_joined as well as the id: ids restart when a database is rebuilt (a restore, the test
    # suite), and one account's count must never carry over to another's.
    return f"optout:lookups:{actor.pk}:{int(actor.date_joined.timestamp())}:{window}"


def _count_lookup(actor: "Staff", now: datetime) -> tuple[int, datetime]:
    """Counts a lookup in the cache, per user and clock hour; returns the count and when it resets."""
    window = int(now.timestamp()) // LOOKUP_WINDOW_SECONDS
    resets_at = datetime.fromtimestamp((window + 1) * LOOKUP_WINDOW_SECONDS, tz=UTC)
    key = _counter_key(actor, window)
    ttl = LOOKUP_WINDOW_SECONDS + 60
    cache.add(key, 0, timeout=ttl)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=ttl)
        count = 1
    # Some cache backends reset the expiry on incr: pin it, so the count lasts the whole hour.
    cache.touch(key, ttl)
    return count, resets_at


def opt_out_lookup(*, actor: "Staff", ssn: str) -> OptOutLookup:
    """The Opt-Out Lookup (seed 001): has the seeker with this SSN opted out of data sharing?

    Partner staff only, rate-limited per person (OPTOUT_LOOKUPS_PER_HOUR). Each lookup, refused
    ones too, is kept and audited with the SSN's blind index, never the SSN. This is the one read
    of opted-out seekers by partner staff, and it answers only with the seeker's name.
    """
    if not uses_opt_out_lookup(actor):
        raise PortalError(
            "The Opt-Out Lookup is for partner staff: ESD staff find opted-out seekers with Quick Search.",
            code="not_partner_staff",
        )
    # Refused before it is counted: a mistyped number must not use up the hour's lookups.
    if refusal := ssn_refusal(ssn):
        raise PortalError(refusal, code="invalid_ssn")
    digits = normalize_ssn(ssn)
    assert digits is not None  # ssn_refusal refuses whatever does not normalize
    index = blind_index(digits)
    now = timezone.now()
    count, resets_at = _count_lookup(actor, now)
    limit = settings.OPTOUT_LOOKUPS_PER_HOUR
    if count > limit:
        with (
            transaction.atomic(),
            audit_reason("Opt-Out Lookup refused: hourly limit reached", actor=actor),
        ):
            OptOutLookup.objects.create(
                staff=actor,
                looked_up_at=now,
                ssn_index=index,
                result=OptOutLookup.Result.RATE_LIMITED,
            )
        again = shown(resets_at, time_only=True)
        raise PortalError(
            f"You have reached the limit of {limit} Opt-Out Lookups an hour. You can look up again at {again}.",
            code="rate_limited",
        )
    seeker = Participant.objects.with_ssn(digits).filter(opted_out=True).first()
    result = OptOutLookup.Result.OPTED_OUT if seeker else OptOutLookup.Result.NO_OPT_OUT
    with transaction.atomic(), audit_reason("Opt-Out Lookup", actor=actor):
        return OptOutLookup.objects.create(
            staff=actor, looked_up_at=now, ssn_index=index, result=result, participant=seeker
        )


# --- the opt-in request -----------------------------------------------------------------------


def _notify(
    recipients: Iterable["Staff"], opt_in_request: OptInRequest, message: str, letter: emails.Letter
) -> None:
    """A notice of the request for each recipient, each emailed `letter` once the change commits."""
    for recipient in recipients:
        notification_send(
            recipient=recipient,
            message=message,
            link=emails.request_page(opt_in_request),
            # Named to supervisors (state staff), and to the filer once the seeker opts in; the
            # filer follows their request's outcome whatever the seeker chose.
            participant=opt_in_request.participant,
            link_behind_gate=False,
            email_subject=letter.subject,
            email_body=letter.body,
        )


def _settle_notifications(opt_in_request: OptInRequest) -> None:
    """A request that no longer waits needs no one's attention: its open notifications are done."""
    notifications_settle(link=emails.request_page(opt_in_request))


def opt_in_request_file(
    *, actor: "Staff", lookup: OptOutLookup, client_name: str, client_phone: str, client_reason: str
) -> OptInRequest:
    """Seed 000 step 4: a partner case manager asks the area's ESD WIOA supervisors to opt a client in.

    Only from the case manager's own CLIENT OPTED OUT answer. The supervisors are emailed (no SSN)
    and find the request in their queue; the request is in the case manager's list.
    """
    if refusal := file_refusal(actor, lookup):
        raise refusal
    office = actor.current_office
    if office is None:
        raise PortalError(
            "Choose the office you are working in before filing an opt-in request.",
            code="no_office",
        )
    client_name = checked_line(client_name, label="the client's name", required=True, limit=200)
    client_phone = _phone(client_phone)
    client_reason = _text(client_reason, label="why the client wants to opt in", required=True)
    supervisors = list(area_supervisors(office.area))
    if not supervisors:
        raise PortalError(
            f"No ESD WIOA supervisor of {office.area} uses the portal yet: the request would reach nobody. "
            "Ask your MIS access requester to have one added.",
            code="no_supervisor",
        )
    with transaction.atomic():
        # Not through the gate: the seeker is hidden from the filer by definition (they opted out);
        # the filer's own lookup that found them is what lets the request name them.
        # A CLIENT OPTED OUT answer names its seeker, who cannot be deleted (PROTECT).
        assert lookup.participant_id is not None
        participant = Participant.objects.select_for_update().get(pk=lookup.participant_id)
        if not participant.opted_out:
            raise PortalError(
                "This client no longer opts out of data sharing: find them with Quick Search in WorkSource.",
                code="not_opted_out",
            )
        if OptInRequest.objects.open().filter(participant=participant, filed_by=actor).exists():
            raise PortalError(
                "You already have an open opt-in request for this client.", code="duplicate"
            )
        with audit_reason("opt-in request filed", actor=actor):
            opt_in_request = OptInRequest.objects.create(
                participant=participant,
                lookup=lookup,
                filed_by=actor,
                office=office,
                area=office.area,
                client_name=client_name,
                client_phone=client_phone,
                client_reason=client_reason,
            )
            _notify(
                supervisors,
                opt_in_request,
                f"New opt-in request from {actor} ({office}) for {client_name}.",
                emails.request_filed(opt_in_request),
            )
    return opt_in_request


def _lock_request(opt_in_request: OptInRequest) -> OptInRequest:
    return (
        OptInRequest.objects.select_for_update()
        .select_related("participant")
        .get(pk=opt_in_request.pk)
    )


def _change_opt_out(
    *,
    actor: "Staff",
    participant: Participant,
    opted_out: bool,
    reason: str,
    opt_in_request: OptInRequest | None,
) -> Participant:
    """Sets the flag on a locked seeker and keeps its history; call inside a transaction."""
    if refusal := change_opt_out_refusal(actor, participant):
        raise refusal
    if participant.opted_out == opted_out:
        return participant
    _write_opt_out(
        actor=actor,
        participant=participant,
        opted_out=opted_out,
        reason=reason,
        opt_in_request=opt_in_request,
        changed_at=timezone.now(),
    )
    # Re-check after a write that can move the seeker out of scope (NetBox's ObjectEditView):
    # the actor must still see the seeker, or the whole change rolls back.
    if not Participant.objects.visible_to(actor).filter(pk=participant.pk).exists():
        raise PortalError(
            "This change would hide the seeker from you, so it was not made.", code="out_of_scope"
        )
    return participant


def _write_opt_out(
    *,
    actor: "Staff",
    participant: Participant,
    opted_out: bool,
    reason: str,
    opt_in_request: OptInRequest | None,
    changed_at: datetime,
) -> None:
    """The flag, its history and what follows from it, however the change was decided."""
    changed = participant.opted_out != opted_out
    participant.opted_out = opted_out
    with audit_reason(reason, actor=actor):
        if changed:
            participant.save(update_fields=["opted_out", "updated_at"])
        OptOutChange.objects.create(
            participant=participant,
            opted_out=opted_out,
            changed_by=actor,
            changed_at=changed_at,
            reason=reason,
            opt_in_request=opt_in_request,
        )
    if changed and opted_out:
        # Work waiting for a local board that may no longer see the seeker moves to someone who may.
        tickets_route_for_opted_out(participant=participant)


def opt_in_request_decide(
    *,
    actor: "Staff",
    opt_in_request: OptInRequest,
    decision: str,
    client_contacted_on: date | None,
    note: str = "",
    esd_staff_offered: bool = False,
) -> OptInRequest:
    """Seed 000 a-h: the ESD WIOA supervisor records the contact with the client and the decision.

    "opt in" clears the seeker's opt-out at once (the supervisor must have the seeker enrolled in
    the office they are logged into); "remain opted out" records that working with an ESD WIOA
    staff member was offered. Either way the case manager is told, by email and in the portal.
    """
    if decision not in DECISIONS:
        raise PortalError(
            "Choose the client's decision: opt in, or remain opted out.", code="no_decision"
        )
    if refusal := decide_refusal(actor, opt_in_request):
        raise refusal
    note = _text(note, label="the note on the contact", required=False)
    with transaction.atomic():
        locked = _lock_request(opt_in_request)
        new_status = OPT_IN_REQUESTS.next_state(locked.status, decision)
        if client_contacted_on is None:
            raise PortalError("Enter the date you talked to the client.", code="no_contact_date")
        if client_contacted_on > timezone.localdate():
            raise PortalError(
                "The date of contact with the client cannot be in the future.",
                code="future_contact",
            )
        if client_contacted_on < timezone.localdate(locked.filed_at):
            raise PortalError(
                "The date of contact is before the request was filed.", code="contact_before_filing"
            )
        if decision == Action.REMAIN_OPTED_OUT and not esd_staff_offered:
            raise PortalError(
                "Record that you offered the client to work with an ESD WIOA staff member.",
                code="offer_not_recorded",
            )
        if decision == Action.OPT_IN:
            participant = access_participant(actor, locked.participant_id, lock=True)
            try:
                _change_opt_out(
                    actor=actor,
                    participant=participant,
                    opted_out=False,
                    opt_in_request=locked,
                    reason=f"opt-in request {locked.pk}: the client opted in",
                )
            except PortalError as exc:
                if exc.code == "not_enrolled_in_office":
                    office = actor.current_office
                    where = f"to {office}" if office else "to the office you are logged into"
                    raise PortalError(
                        f"Add the seeker {where} (Add Seeker to Office) before opting them in.",
                        code="not_enrolled_in_office",
                    ) from exc
                raise
        locked.status = new_status
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.client_contacted_on, locked.decision_note = client_contacted_on, note
        locked.esd_staff_offered = decision == Action.REMAIN_OPTED_OUT
        with audit_reason(f"opt-in request decided: {DECISIONS[Action(decision)]}", actor=actor):
            locked.save(
                update_fields=[
                    "status",
                    "decided_by",
                    "decided_at",
                    "client_contacted_on",
                    "decision_note",
                    "esd_staff_offered",
                ]
            )
            _settle_notifications(locked)
            if decision == Action.OPT_IN:
                message = (
                    f"{locked.client_name} opted in: find them with Quick Search in WorkSource."
                )
            else:
                message = f"{locked.client_name} asked to remain opted out."
            _notify([locked.filed_by], locked, message, emails.request_decided(locked))
    return locked


def opt_in_request_withdraw(*, actor: "Staff", opt_in_request: OptInRequest) -> OptInRequest:
    """The case manager who filed a request takes it back while it waits for the supervisor."""
    with transaction.atomic():
        locked = _lock_request(opt_in_request)
        if refusal := withdraw_refusal(actor, locked):
            raise refusal
        locked.status = OPT_IN_REQUESTS.next_state(locked.status, Action.WITHDRAW)
        locked.withdrawn_at = timezone.now()
        with audit_reason("opt-in request withdrawn", actor=actor):
            locked.save(update_fields=["status", "withdrawn_at"])
            _settle_notifications(locked)
    return locked


def opt_in_requests_remind_overdue(*, now: datetime | None = None) -> int:
    """Emails the area's supervisors about each overdue request, then again every few days.

    Safe to run any number of times: a request is reminded at most once per
    OPTOUT_REMINDER_EVERY_DAYS, and a request another run is working on is skipped.
    """
    now = now or timezone.now()
    due = OptInRequest.objects.overdue(now).filter(
        Q(reminded_at__isnull=True)
        | Q(reminded_at__lte=now - timedelta(days=settings.OPTOUT_REMINDER_EVERY_DAYS))
    )
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None:  # decided meanwhile, or being reminded by another run
                continue
            locked.reminded_at = now
            with audit_reason("overdue opt-in request: reminder emailed"):
                locked.save(update_fields=["reminded_at"])
            supervisors = list(area_supervisors(locked.area_id))
            emails.request_overdue(locked, supervisors)
            sent += 1
    return sent


# --- the flag on View / Edit participant --------------------------------------------------------


def participant_set_opt_out(
    *,
    actor: "Staff",
    participant: Participant,
    opted_out: bool,
    reason: str = "",
    opt_in_request: OptInRequest | None = None,
) -> Participant:
    """Seed 001 "Process for ESD staff": sets or clears a seeker's opt-out.

    Only non-restricted ESD staff, with the seeker enrolled in their current office. Setting it
    takes effect at once (partner staff lose the seeker on their next request). Clearing it needs
    a reason: the opt-in request it answers (which is then decided "opt in"), or free text.
    """
    reason = _text(reason, label="the reason", required=False)
    if opt_in_request is not None:
        if opted_out:
            raise PortalError(
                "An opt-in request is answered by clearing Opt-Out, not by setting it.",
                code="wrong_direction",
            )
        if opt_in_request.participant_id != participant.pk:
            raise PortalError("That opt-in request is about another seeker.", code="wrong_request")
        opt_in_request_decide(
            actor=actor,
            opt_in_request=opt_in_request,
            decision=Action.OPT_IN,
            client_contacted_on=timezone.localdate(),
            note=reason or "Opt-Out cleared on View / Edit participant.",
        )
        return Participant.objects.get(pk=participant.pk)
    with transaction.atomic():
        locked = access_participant(actor, participant.pk, lock=True)
        if refusal := change_opt_out_refusal(actor, locked):
            raise refusal
        if locked.opted_out == opted_out:
            return locked
        if not opted_out and not reason:
            raise PortalError(
                "Give the reason for clearing Opt-Out: the opt-in request it answers, or why the seeker now shares data.",
                code="reason_required",
            )
        return _change_opt_out(
            actor=actor,
            participant=locked,
            opted_out=opted_out,
            opt_in_request=None,
            reason=reason or "the seeker asked not to share data with partner staff",
        )


# --- the claimant's choice in the UI claim -----------------------------------------------------


def _latest_decision(participant: Participant) -> tuple[datetime, "Staff"] | None:
    """When the seeker's data sharing was last decided, and by whom: a change of the flag, or a
    supervisor's decision on an opt-in request (one to remain opted out changes nothing, and is
    a decision all the same)."""
    decisions = []
    change = OptOutChange.objects.filter(participant=participant).order_by("-changed_at").first()
    if change is not None:
        decisions.append((change.changed_at, change.changed_by))
    decided = (
        OptInRequest.objects.filter(participant=participant, decided_at__isnull=False)
        .order_by("-decided_at")
        .first()
    )
    if decided is not None and decided.decided_at is not None and decided.decided_by is not None:
        decisions.append((decided.decided_at, decided.decided_by))
    return max(decisions, key=lambda decision: decision[0], default=None)


def participant_apply_opt_out_selection(
    *, actor: "Staff", participant: Participant, opted_out: bool, decided_at: datetime, source: str
) -> bool:
    """Seed 001: the choice a claimant made when filing an unemployment insurance claim.

    `actor` is the sending system's service account; `source` names the claim ("UI claim 1234,
    2026-11-30"). The newest decision by its own time wins: a choice made before the seeker's
    last recorded change (an ESD supervisor's opt-in, say) arrives late and is not applied, and
    the history keeps it anyway, with why. Answers whether the choice was applied.
    """
    choice = "opted out" if opted_out else "shares data"
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        newest = _latest_decision(locked)
        if newest is not None and newest[0] > decided_at:
            when = shown(newest[0])
            _write_opt_out(
                actor=actor,
                participant=locked,
                opted_out=locked.opted_out,
                reason=f"{source}: {choice}; not applied, the decision of {when} "
                f"by {newest[1]} is newer",
                opt_in_request=None,
                changed_at=decided_at,
            )
            return False
        _write_opt_out(
            actor=actor,
            participant=locked,
            opted_out=opted_out,
            reason=f"{source}: {choice}",
            opt_in_request=None,
            changed_at=decided_at,
        )
    return True
