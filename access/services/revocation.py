"""Ending access: at once when a contract expires or a disable takes effect, in batches by the sweep, with warnings ahead."""

from datetime import datetime

from auditlog.cid import get_cid
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import pre_save
from django.utils import timezone

from audit.models import AuditEntry, Kind
from notifications.services import email_queue
from portal.audit import audit_reason
from portal.bulk import copy_insert

from ..models import (
    ACCESS_REQUESTS,
    AccessRequest,
    Contract,
    ContractWarning,
    Staff,
    StaffSession,
    WorkforceDevelopmentArea,
)
from ..selectors import (
    AccessEnd,
    access_end_reasons,
    due_disable_requests,
    expiring_contracts,
    staff_losing_access,
    staff_whose_access_ended,
)
from .common import administrator_emails, requester_emails

WARNING_DAYS = (30, 7)


def staff_sessions_end(*, people: list[Staff] | QuerySet[Staff]) -> int:
    """Deletes every session of `people` (staff, or a queryset of them): each browser they use is signed out."""
    keys = StaffSession.objects.filter(staff__in=people).values("session_key")
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    StaffSession.objects.filter(staff__in=people).delete()
    return deleted


def staff_end_access(*, staff_id: int, now: datetime | None = None) -> bool:
    """Ends one person's access if it has ended (see `staff_batch_end_access`); returns whether it did."""
    return staff_id in staff_batch_end_access(staff_ids=[staff_id], now=now)


def staff_batch_end_access(*, staff_ids: list[int], now: datetime | None = None) -> set[int]:
    """Ends the access of those of `staff_ids` whose access has ended: deactivated, sessions deleted, audited.

    One transaction for the batch. Idempotent and safe to run at the same time as itself: the
    rows are locked and the rule asked again, so each person is deactivated, with one audit
    event, exactly once. Disable requests of theirs that have come due are completed, and anyone
    in the batch already inactive loses any session left. Returns the ids this call deactivated.
    """
    now = now or timezone.now()
    with transaction.atomic():
        people = list(
            Staff.objects.select_for_update(of=("self",)).filter(pk__in=staff_ids).order_by("pk")
        )
        # Asked before the disable requests below are completed: a due one is a reason.
        reasons = access_end_reasons([person for person in people if person.is_active], now)
        for request in due_disable_requests(now).select_for_update().filter(staff__in=people):
            # Approved before its time it is done now; not yet approved, it waits to be confirmed.
            approved = request.status == AccessRequest.Status.SCHEDULED
            with audit_reason(
                "disable request took effect" + ("" if approved else " before its approval")
            ):
                action = (
                    AccessRequest.Action.DISABLE if approved else AccessRequest.Action.TAKE_EFFECT
                )
                request.status = ACCESS_REQUESTS.next_state(request.status, action)
                request.completed_at = now
                request.save(update_fields=["status", "completed_at"])
        ended = [person for person in people if person.pk in reasons]
        if ended:
            Staff.objects.filter(pk__in=reasons).update(is_active=False)
            _log_deactivations(ended, reasons)
        staff_sessions_end(
            people=[person for person in people if person.pk in reasons or not person.is_active]
        )
    return set(reasons)


def _log_deactivations(people: list[Staff], reasons: dict[int, AccessEnd]) -> None:
    """The audit event of each deactivation, as saving `is_active` would write it, in one COPY.

    The entries go through AuditEntry's pre_save signal first, as a save would, so that the
    request's user (when a request ends its own user's access) is recorded as the actor.
    """
    content_type = ContentType.objects.get_for_model(Staff)
    entries = [
        AuditEntry(
            content_type=content_type,
            object_pk=str(person.pk),
            object_id=person.pk,
            object_repr=str(person),
            action=AuditEntry.Action.UPDATE,
            kind=Kind.ACCESS_ENDED,
            changes={"is_active": [True, False]},
            cid=get_cid(),
            additional_data={"reason": f"access ended: {reasons[person.pk].message}"},
        )
        for person in people
    ]
    for entry in entries:
        pre_save.send(
            sender=AuditEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None
        )
    copy_insert(AuditEntry, entries)


def access_sweep(*, now: datetime | None = None) -> dict:
    """The reconciliation the beat runs every 5 minutes: ends access that has ended, warns of expiry.

    People are ended in batches (`ACCESS_SWEEP_BATCH`), each its own transaction, so a sweep
    stopped half way keeps every batch it finished, and the next run does the rest (and nothing twice).
    """
    now = now or timezone.now()
    no_contracts, disabled, inactive = staff_whose_access_ended(now)
    ids = sorted(
        set(no_contracts.values_list("pk", flat=True))
        | set(disabled.values_list("pk", flat=True))
        | set(inactive.values_list("pk", flat=True))
    )
    # Disable requests of people who are already inactive still have to be marked done.
    ids += sorted(set(due_disable_requests(now).values_list("staff_id", flat=True)) - set(ids))
    ended, size = 0, settings.ACCESS_SWEEP_BATCH
    for first in range(0, len(ids), size):
        ended += len(staff_batch_end_access(staff_ids=ids[first : first + size], now=now))
    # Sessions of people deactivated some other way, and the bookkeeping of expired sessions.
    staff_sessions_end(people=Staff.objects.filter(is_active=False, session_keys__isnull=False))
    StaffSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    warned = contract_warnings_send(now=now)
    return {"ended": ended, "warnings": warned}


def contract_warnings_send(*, now: datetime | None = None) -> int:
    """Emails the administrators and the area's requesters 30 and 7 days before a contract expires.

    Each warning is sent once: the record of it and the queued email commit together, so a run
    that dies before committing queues it again on the next run, and never twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for contract in expiring_contracts(now, days=max(WARNING_DAYS)):
        days_left = (contract.expiry_date - today).days
        tier = min(days for days in WARNING_DAYS if days >= days_left)
        with transaction.atomic():
            # Two sweeps at once wait for each other here: the second finds the warning sent.
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            _, created = ContractWarning.objects.get_or_create(contract=contract, days_ahead=tier)
            if not created:
                continue
            losing = list(staff_losing_access(contract, now))
            areas = WorkforceDevelopmentArea.objects.filter(
                offices__staff__organization=contract.organization_id
            ).distinct()
            email_queue(
                to=sorted(administrator_emails() | requester_emails(areas)),
                subject=f"Contract expires in {days_left} days: {contract.organization}",
                body=_expiry_warning_body(contract, days_left, losing),
            )
            sent += 1
    return sent


def _expiry_warning_body(contract: Contract, days_left: int, losing: list[Staff]) -> str:
    names = (
        "\n".join(f"- {person} ({person.username})" for person in losing) or "- nobody at present"
    )
    return (
        f"The {contract.get_kind_display()} of {contract.organization} expires on "
        f"{contract.expiry_date:%m/%d/%Y}, in {days_left} days. At 00:00 that day these users lose "
        f"access to the WorkSource portal unless a renewed contract is recorded:\n\n{names}\n"
    )
