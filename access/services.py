"""Every write of MIS access administration: keyword-only, atomic, audited (policy 1021)."""

import math
import re
from datetime import date, datetime, timedelta

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import pre_save
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm

from notifications.services import email_queue
from portal.audit import audit_reason
from portal.errors import PortalError
from portal.text import checked_line, checked_text

from . import mfa
from .models import (
    ACCESS_REQUEST_TRANSITIONS,
    REPORT_TRANSITIONS,
    AccessRequest,
    AuthenticatorApp,
    ConfidentialityAgreement,
    Contract,
    ContractWarning,
    Office,
    Organization,
    RecoveryCodes,
    Report,
    ReportEvent,
    Staff,
    StaffSession,
    WorkforceDevelopmentArea,
)
from .roles import Role
from .selectors import (
    REQUEST_IN_AREA,
    REQUEST_IN_OFFICE,
    access_end_reasons,
    due_disable_requests,
    expiring_contracts,
    organization_has_contracts,
    requester_offices,
    staff_losing_access,
    staff_whose_access_ended,
)

# Roles a requester may ask for: the state's central roles are given through the administrator.
REQUESTABLE_ROLES = (
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.ACCESS_REQUESTER,
    Role.LWDB_REVIEWER,
    Role.STATE_DATAEDITS,
)
STATE_ONLY_ROLES = (Role.SUPERVISOR, Role.STATE_DATAEDITS)
DISABLE_NOTICE = timedelta(hours=24)
# A disable effective "now" is typed a minute or two before it is filed; earlier than that is a mistake.
PAST_EFFECTIVE_GRACE = timedelta(minutes=10)
WARNING_DAYS = (30, 7)
NDA_VERSION = "2026-1"


def notify(*, to: list[str], subject: str, body: str) -> None:
    """Email, queued with the change: sent after it commits, never about a change that rolled back."""
    email_queue(to=to, subject=subject, body=body)


def _transition(current: str, action: str, table: dict, what: str) -> str:
    try:
        return table[current, action]
    except KeyError:
        raise PortalError(
            f"This {what} is {current.replace('_', ' ')}: it cannot be changed that way.",
            code="bad_transition",
        ) from None


# --- Offices ------------------------------------------------------------------------------------


def staff_switch_office(*, actor: Staff, office_id: int) -> Office:
    """Logs the staff member into another of their assigned offices."""
    office = actor.offices.filter(pk=office_id).first()
    if office is None:
        raise PortalError(
            "You can only switch to an office you are assigned to.", code="not_assigned"
        )
    if actor.current_office_id != office.pk:
        with transaction.atomic(), audit_reason("switched current office", actor=actor):
            actor.current_office = office
            actor.save(update_fields=["current_office"])
    return office


# --- Ending access ------------------------------------------------------------------------------


def staff_sessions_end(*, people) -> int:
    """Deletes every session of `people` (staff, or a queryset of them): each browser they use is signed out."""
    keys = StaffSession.objects.filter(staff__in=people).values("session_key")
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    StaffSession.objects.filter(staff__in=people).delete()
    return deleted


def staff_end_access(*, staff_id: int, now: datetime | None = None) -> bool:
    """Ends one person's access if it has ended (see `staff_batch_end_access`); returns whether it did."""
    return staff_id in staff_batch_end_access(staff_ids=[staff_id], now=now)


def staff_batch_end_access(*, staff_ids, now: datetime | None = None) -> set[int]:
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
                request.status = _transition(
                    request.status,
                    "disable" if approved else "take_effect",
                    ACCESS_REQUEST_TRANSITIONS,
                    "request",
                )
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


def _log_deactivations(people: list[Staff], reasons: dict) -> None:
    """The audit event of each deactivation, as saving `is_active` would write it, in one insert.

    The entries go through LogEntry's pre_save signal first, as a save would, so that the
    request's user (when a request ends its own user's access) is recorded as the actor.
    """
    content_type = ContentType.objects.get_for_model(Staff)
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(person.pk),
            object_id=person.pk,
            object_repr=str(person),
            action=LogEntry.Action.UPDATE,
            changes={"is_active": [True, False]},
            cid=get_cid(),
            additional_data={"reason": f"access ended: {reasons[person.pk].message}"},
        )
        for person in people
    ]
    for entry in entries:
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None
        )
    LogEntry.objects.bulk_create(entries)


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
                to=sorted(_administrator_emails() | _requester_emails(areas)),
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


def _administrator_emails() -> set[str]:
    return set(
        Staff.objects.filter(
            role=Role.MIS_ADMIN, is_active=True, organization__is_state_agency=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _requester_emails(areas) -> set[str]:
    requesters = Staff.objects.filter(role=Role.ACCESS_REQUESTER, is_active=True).exclude(email="")
    return {
        person.email
        for person in requesters
        if requester_offices(person).filter(area__in=areas).exists()
    }


# --- Contracts ----------------------------------------------------------------------------------


def contract_record(
    *,
    actor: Staff,
    organization: Organization,
    kind: str,
    party: str,
    number: str,
    effective_date: date,
    expiry_date: date,
    business_case: str,
    data_owner_name: str,
    data_owner_signed_on: date | None,
) -> Contract:
    """Records and approves a contract; the administrator needs the data owner's signed approval first."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator approves contracts.",
            code="not_admin",
        )
    if expiry_date <= effective_date:
        raise PortalError("The expiry date must come after the effective date.", code="dates")
    number = checked_line(number, label="the contract number", limit=40)
    business_case = checked_text(business_case, label="the business case")
    data_owner_name = checked_line(data_owner_name, label="the data owner's name", limit=120)
    if not business_case:
        raise PortalError("State the business case for MIS access.", code="business_case")
    if not data_owner_name or data_owner_signed_on is None:
        raise PortalError(
            "A contract is approved only with the data owner's signed approval: name and date.",
            code="data_owner",
        )
    if data_owner_signed_on > timezone.localdate():
        raise PortalError(
            "The data owner's signature date cannot be in the future.", code="data_owner"
        )
    with transaction.atomic(), audit_reason("contract recorded and approved", actor=actor):
        return Contract.objects.create(
            organization=organization,
            kind=kind,
            party=party,
            number=number,
            effective_date=effective_date,
            expiry_date=expiry_date,
            business_case=business_case,
            data_owner_name=data_owner_name,
            data_owner_signed_on=data_owner_signed_on,
            approved_by=actor,
            approved_at=timezone.now(),
        )


def contract_end(*, actor: Staff, contract_id: int, reason: str) -> Contract:
    """Ends a contract today: it expires at 00:00 today, so its organization's access ends now."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator ends contracts.", code="not_admin"
        )
    reason = checked_text(reason, label="why the contract ends early")
    if not reason:
        raise PortalError("Say why the contract ends early.", code="reason")
    today = timezone.localdate()
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        if not contract.is_in_effect(today):
            raise PortalError("This contract is not in effect.", code="not_in_effect")
        if contract.effective_date >= today:
            raise PortalError("A contract that took effect today cannot end today.", code="dates")
        with audit_reason(f"contract ended early: {reason}", actor=actor):
            contract.expiry_date = today
            contract.save(update_fields=["expiry_date"])
    return contract


# --- Designated MIS access requesters -----------------------------------------------------------


def _requester_group(target) -> Group:
    label = (
        f"WDA {target.number}"
        if isinstance(target, WorkforceDevelopmentArea)
        else f"office {target.pk}"
    )
    group, _ = Group.objects.get_or_create(name=f"MIS access requesters, {label}")
    assign_perm(
        REQUEST_IN_AREA if isinstance(target, WorkforceDevelopmentArea) else REQUEST_IN_OFFICE,
        group,
        target,
    )
    return group


def requester_designate(
    *,
    actor: Staff,
    staff: Staff,
    area: WorkforceDevelopmentArea | None = None,
    office: Office | None = None,
) -> None:
    """Designates `staff` as MIS access requester for an area (all its offices) or one office."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator designates requesters.",
            code="not_admin",
        )
    if (area is None) == (office is None):
        raise PortalError("Choose either a workforce development area or an office.", code="target")
    if not staff.is_active or staff.role != Role.ACCESS_REQUESTER:
        raise PortalError(
            "Only active staff with the MIS access requester role can be designated.", code="role"
        )
    with (
        transaction.atomic(),
        audit_reason(f"designated MIS access requester for {area or office}", actor=actor),
    ):
        staff.groups.add(_requester_group(area or office))


def requester_undesignate(*, actor: Staff, staff: Staff, group_id: int) -> None:
    """Withdraws a designation: `staff` leaves the requesters' group of that area or office."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator designates requesters.",
            code="not_admin",
        )
    group = staff.groups.filter(pk=group_id, name__startswith="MIS access requesters").first()
    if group is None:
        raise PortalError("This person holds no such designation.", code="not_designated")
    with transaction.atomic(), audit_reason(f"withdrew designation: {group.name}", actor=actor):
        staff.groups.remove(group)


# --- Access requests: filing --------------------------------------------------------------------


def _check_requester(actor: Staff, offices) -> None:
    if not actor.can_request_access:
        raise PortalError(
            "Only designated MIS access requesters file access requests.", code="not_requester"
        )
    allowed = set(requester_offices(actor).values_list("pk", flat=True))
    if not allowed:
        raise PortalError(
            "You are not designated as MIS access requester for any workforce development area.",
            code="not_designated",
        )
    outside = [office.name for office in offices if office.pk not in allowed]
    if outside:
        raise PortalError(
            f"You are not designated as MIS access requester for {', '.join(sorted(outside))}.",
            code="not_designated",
        )


def _check_organization(actor: Staff, organization: Organization | None) -> None:
    """Requesters file for their own organization's staff; state staff only through the state's own."""
    if organization is None or organization.pk != actor.organization_id:
        raise PortalError(
            f"You file access requests only for staff of your own organization, {actor.organization}.",
            code="other_organization",
        )


def _check_contracts(organization: Organization) -> None:
    if not organization_has_contracts(organization, timezone.localdate()):
        raise PortalError(
            f"{organization} does not have both a service contract and an MIS data sharing contract in effect.",
            code="no_contracts",
        )


def _check_role(role: str, organization: Organization) -> None:
    if role not in REQUESTABLE_ROLES:
        raise PortalError(
            "This role is given through the MIS security and data sharing administrator.",
            code="role",
        )
    if role in STATE_ONLY_ROLES and not organization.is_state_agency:
        raise PortalError(
            f"The {Role(role).label} role is for state (ESD) staff only.", code="role"
        )


def _check_certified(supervisor_certified: bool) -> None:
    if not supervisor_certified:
        raise PortalError(
            "Certify that the user's supervisor approved the profile and office assignments.",
            code="not_certified",
        )


def _notify_filed(request: AccessRequest) -> None:
    recipients = Staff.objects.filter(
        role=Role.ACCESS_MANAGEMENT, is_active=True, organization__is_state_agency=True
    )
    notify(
        to=list(recipients.values_list("email", flat=True)),
        subject=f"New access request: {request.get_kind_display().lower()}",
        body=f"{request.requested_by} filed a request to {request.get_kind_display().lower()} ({request.person_name}). "
        f"It is in the access request queue.",
    )


def access_request_add(
    *,
    actor: Staff,
    first_name: str,
    last_name: str,
    email: str,
    organization: Organization,
    role: str,
    offices: list[Office],
    training_completed_on: date | None,
    supervisor_certified: bool,
) -> AccessRequest:
    """A designated requester asks for a new user (policy 1021 i)."""
    offices = list(offices)
    first_name = checked_line(first_name, label="the first name", limit=150)
    last_name = checked_line(last_name, label="the last name", limit=150)
    email = checked_line(email, label="the work email", limit=254)
    if not first_name or not last_name or not email:
        raise PortalError(
            "Give the user's first name, last name and work email.", code="incomplete"
        )
    if not offices:
        raise PortalError("Choose at least one office.", code="no_offices")
    _check_requester(actor, offices)
    _check_organization(actor, organization)
    _check_contracts(organization)
    _check_role(role, organization)
    if training_completed_on is None or training_completed_on > timezone.localdate():
        raise PortalError(
            "The user has not completed state-approved MIS training: give the date it was completed.",
            code="no_training",
        )
    _check_certified(supervisor_certified)
    if Staff.objects.filter(email__iexact=email.strip(), is_active=True).exists():
        raise PortalError(
            "A user with this work email already has access: file a change request instead.",
            code="exists",
        )
    if AccessRequest.objects.filter(
        kind=AccessRequest.Kind.ADD,
        status=AccessRequest.Status.PENDING,
        email__iexact=email.strip(),
    ).exists():
        raise PortalError("A request to add this user is already waiting.", code="duplicate")
    with transaction.atomic(), audit_reason("access request filed: add user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.ADD,
            requested_by=actor,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip().lower(),
            organization=organization,
            role=role,
            training_completed_on=training_completed_on,
            supervisor_certified=True,
        )
        request.offices.set(offices)
        _notify_filed(request)
    return request


def _check_user_in_scope(actor: Staff, staff: Staff) -> None:
    if not staff.is_active:
        raise PortalError(f"{staff} has no access to change or disable.", code="inactive")
    _check_organization(actor, staff.organization)
    if not staff.offices.filter(pk__in=requester_offices(actor)).exists():
        raise PortalError(
            f"{staff} works in no office you are designated for.", code="not_designated"
        )


def _check_nothing_pending(staff: Staff) -> None:
    waiting = [
        AccessRequest.Status.PENDING,
        AccessRequest.Status.SCHEDULED,
        AccessRequest.Status.IN_EFFECT,
    ]
    if AccessRequest.objects.filter(staff=staff, status__in=waiting).exists():
        raise PortalError(f"A request about {staff} is already waiting.", code="duplicate")


def access_request_change(
    *,
    actor: Staff,
    staff: Staff,
    role: str,
    offices: list[Office],
    supervisor_certified: bool,
) -> AccessRequest:
    """A designated requester asks for a new role and/or offices for one of their users."""
    offices = list(offices)
    _check_requester(actor, offices)
    _check_user_in_scope(actor, staff)
    if not offices:
        raise PortalError("Choose at least one office.", code="no_offices")
    if role == staff.role and {o.pk for o in offices} == set(
        staff.offices.values_list("pk", flat=True)
    ):
        raise PortalError(
            "Nothing would change: choose a new role or other offices.", code="no_change"
        )
    _check_contracts(staff.organization)
    _check_role(role, staff.organization)
    _check_certified(supervisor_certified)
    _check_nothing_pending(staff)
    with transaction.atomic(), audit_reason("access request filed: change user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.CHANGE,
            requested_by=actor,
            staff=staff,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=staff.email,
            organization=staff.organization,
            role=role,
            supervisor_certified=True,
        )
        request.offices.set(offices)
        _notify_filed(request)
    return request


def access_request_disable(
    *,
    actor: Staff,
    staff: Staff,
    reason: str,
    reason_other: str,
    effective_at: datetime | None,
) -> tuple[AccessRequest, str | None]:
    """A designated requester asks that a user be disabled at `effective_at`.

    The disable takes effect at that time whether or not MIS access management has approved it
    yet (access.selectors.due_disable_requests). The policy asks for at least 24 hours' notice
    "if possible": less is accepted, with a warning. A dismissal may take effect at once (no time
    given: now), and the MIS security and data sharing administrator is emailed at once.
    """
    now = timezone.now()
    dismissal = reason in AccessRequest.DISMISSALS
    if effective_at is None and dismissal:
        effective_at = now
    if not actor.can_request_access:
        raise PortalError(
            "Only designated MIS access requesters file access requests.", code="not_requester"
        )
    _check_user_in_scope(actor, staff)
    if reason not in AccessRequest.DisableReason.values:
        raise PortalError("Choose the reason the user no longer needs access.", code="reason")
    reason_other = checked_line(reason_other, label="the other reason", limit=200)
    if reason == AccessRequest.DisableReason.OTHER and not reason_other:
        raise PortalError("Describe the other reason.", code="reason")
    if effective_at is None:
        raise PortalError("Give the date and time access ends.", code="effective")
    if effective_at < now - PAST_EFFECTIVE_GRACE:
        raise PortalError(
            "The date and time access ends is in the past: give now or a later time.",
            code="effective_past",
        )
    _check_nothing_pending(staff)
    warning = None
    if effective_at < now + DISABLE_NOTICE and not dismissal:
        warning = (
            "The policy asks for at least 24 hours' notice before a user is disabled, if possible: "
            "this request gives less, and was filed."
        )
    with transaction.atomic(), audit_reason("access request filed: disable user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.DISABLE,
            requested_by=actor,
            staff=staff,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=staff.email,
            organization=staff.organization,
            disable_reason=reason,
            disable_reason_other=reason_other,
            effective_at=effective_at,
        )
        _notify_filed(request)
        if dismissal:
            when = timezone.localtime(effective_at)
            notify(
                to=list(_administrator_emails()),
                subject=f"Dismissed: access of {staff} ends {'now' if effective_at <= now else f'{when:%m/%d/%Y %I:%M %p}'}",
                body=(
                    f"{actor} ({actor.organization}) reports that {staff} ({staff.username}, {staff.organization}) "
                    f"was dismissed ({request.get_disable_reason_display().lower()}). Their access to the WorkSource "
                    f"portal ends {when:%m/%d/%Y at %I:%M %p}, without waiting for MIS access management."
                ),
            )
    if effective_at <= now:
        staff_end_access(staff_id=staff.pk, now=now)  # at once: every session of theirs ends now
        request.refresh_from_db()
    return request, warning


def access_request_withdraw(*, actor: Staff, request_id: int) -> AccessRequest:
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request_id)
        if request.requested_by_id != actor.pk:
            raise PortalError("Only the requester can withdraw a request.", code="not_requester")
        with audit_reason("access request withdrawn", actor=actor):
            request.status = _transition(
                request.status, "withdraw", ACCESS_REQUEST_TRANSITIONS, "request"
            )
            request.save(update_fields=["status"])
    return request


# --- Access requests: deciding (MIS access management) ------------------------------------------


def _lock_for_decision(actor: Staff, request_id: int) -> AccessRequest:
    if not actor.can_manage_access:
        raise PortalError(
            "Only MIS access management decides access requests.", code="not_access_management"
        )
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "staff", "organization")
        .get(pk=request_id)
    )
    if request.requested_by_id == actor.pk:
        raise PortalError("A second person decides: you filed this request.", code="four_eyes")
    return request


def _logon_id(first_name: str, last_name: str) -> str:
    base = re.sub(r"[^a-z0-9]", "", (first_name[:1] + last_name).lower()) or "user"
    candidate, n = base, 1
    while Staff.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def first_sign_in_url(staff: Staff) -> str:
    """The one-time link a new user follows to set a password (valid PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "access:welcome",
        args=[
            urlsafe_base64_encode(force_bytes(staff.pk)),
            default_token_generator.make_token(staff),
        ],
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def access_request_approve(
    *, actor: Staff, request_id: int, now: datetime | None = None
) -> AccessRequest:
    """Approves a request: the account is created or changed now; a disable is scheduled.

    The conditions are asked again: a contract may have expired since the request was filed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock_for_decision(actor, request_id)
        if request.kind != AccessRequest.Kind.DISABLE:
            _check_contracts(request.organization)
        if request.kind == AccessRequest.Kind.ADD:
            _approve_add(actor, request, now)
        elif request.kind == AccessRequest.Kind.CHANGE:
            _approve_change(actor, request, now)
        else:
            _approve_disable(actor, request, now)
    if request.kind == AccessRequest.Kind.DISABLE and request.effective_at <= now:
        staff_end_access(staff_id=request.staff_id, now=now)
        request.refresh_from_db()
    return request


def _decided(request: AccessRequest, actor: Staff, action: str, now: datetime) -> None:
    request.status = _transition(request.status, action, ACCESS_REQUEST_TRANSITIONS, "request")
    request.decided_by, request.decided_at = actor, now
    if request.status == AccessRequest.Status.COMPLETED and request.completed_at is None:
        request.completed_at = now


def _approve_add(actor: Staff, request: AccessRequest, now: datetime) -> None:
    offices = list(request.offices.all())
    with audit_reason(f"access request {request.pk} approved: user added", actor=actor):
        staff = Staff.objects.filter(email__iexact=request.email, is_active=False).first()
        if staff is None:
            staff = Staff(
                username=_logon_id(request.first_name, request.last_name), date_joined=now
            )
            staff.set_unusable_password()
        else:
            # A returning user keeps their logon ID; they set a new password and sign the agreement again.
            staff.set_unusable_password()
            staff.nda_signed_at = None
            staff.last_login = None
            staff.date_joined = now
            AuthenticatorApp.objects.filter(user=staff).delete()
            RecoveryCodes.objects.filter(user=staff).delete()
        staff.first_name, staff.last_name, staff.email = (
            request.first_name,
            request.last_name,
            request.email,
        )
        staff.organization, staff.role, staff.is_active = request.organization, request.role, True
        staff.current_office = offices[0]
        staff.save()
        staff.offices.set(offices)
        request.staff, request.logon_id = staff, staff.username
        _decided(request, actor, "approve", now)
        request.save(
            update_fields=[
                "staff",
                "logon_id",
                "status",
                "decided_by",
                "decided_at",
                "completed_at",
            ]
        )
    notify(
        to=[staff.email],
        subject="Your WorkSource portal account",
        body=(
            f"Hello {staff.first_name},\n\nYour WorkSource portal account is ready. Your logon ID is {staff.username}.\n\n"
            f"Sign in the first time with this link, which works once and for three days:\n{first_sign_in_url(staff)}\n\n"
            "You will set a password, set up an authenticator app, and sign the confidentiality agreement."
        ),
    )
    notify(
        to=[request.requested_by.email],
        subject=f"Access request approved: {staff}",
        body=f"Your request to add {staff} was approved by MIS access management. Logon ID: {staff.username}.",
    )


def _approve_change(actor: Staff, request: AccessRequest, now: datetime) -> None:
    staff = Staff.objects.select_for_update().get(pk=request.staff_id)
    offices = list(request.offices.all())
    with audit_reason(f"access request {request.pk} approved: user changed", actor=actor):
        staff.role = request.role
        if staff.current_office not in offices:
            staff.current_office = offices[0]
        staff.save(update_fields=["role", "current_office"])
        staff.offices.set(offices)
        request.logon_id = staff.username
        _decided(request, actor, "approve", now)
        request.save(
            update_fields=["logon_id", "status", "decided_by", "decided_at", "completed_at"]
        )
    body = f"The access of {staff} ({staff.username}) was changed: {staff.get_role_display()}, offices {', '.join(o.name for o in offices)}."
    notify(
        to=[staff.email, request.requested_by.email],
        subject="WorkSource portal access changed",
        body=body,
    )


def _approve_disable(actor: Staff, request: AccessRequest, now: datetime) -> None:
    if request.status == AccessRequest.Status.IN_EFFECT:
        # It took effect at its time; the approval confirms what was done.
        with audit_reason(f"access request {request.pk} approved: disable confirmed", actor=actor):
            request.logon_id = request.staff.username
            _decided(request, actor, "confirm", now)
            request.save(
                update_fields=["logon_id", "status", "decided_by", "decided_at", "completed_at"]
            )
        return
    with audit_reason(f"access request {request.pk} approved: disable scheduled", actor=actor):
        request.logon_id = request.staff.username
        _decided(request, actor, "schedule", now)
        request.save(
            update_fields=["logon_id", "status", "decided_by", "decided_at", "completed_at"]
        )
    when = timezone.localtime(request.effective_at)
    body = f"The WorkSource portal account {request.staff.username} ({request.staff}) will be disabled on {when:%m/%d/%Y at %H:%M}."
    notify(
        to=[request.staff.email, request.requested_by.email],
        subject="WorkSource portal access ending",
        body=body,
    )


def access_request_reject(
    *, actor: Staff, request_id: int, reason: str, now: datetime | None = None
) -> AccessRequest:
    reason = checked_text(reason, label="the reason for rejecting")
    if not reason:
        raise PortalError(
            "Give the reason for rejecting the request: the requester reads it.", code="reason"
        )
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock_for_decision(actor, request_id)
        if request.kind == AccessRequest.Kind.DISABLE and request.effective_at <= now:
            raise PortalError(
                f"This disable took effect on {timezone.localtime(request.effective_at):%m/%d/%Y at %I:%M %p}: it can no "
                "longer be cancelled. To give the person access again, their requester files an add request.",
                code="disable_in_effect",
            )
        with audit_reason(f"access request {request.pk} rejected", actor=actor):
            _decided(request, actor, "reject", now)
            request.rejection_reason = reason
            request.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
        notify(
            to=[request.requested_by.email, request.email],
            subject=f"Access request rejected: {request.person_name}",
            body=f"The request to {request.get_kind_display().lower()} ({request.person_name}) was rejected by MIS access management.\n\nReason: {request.rejection_reason}",
        )
    return request


# --- First sign-in: authenticator app, confidentiality agreement --------------------------------


def mfa_enrolment_start(*, actor: Staff) -> AuthenticatorApp:
    """A new secret for the person's authenticator app, waiting for its first code."""
    with transaction.atomic():
        app = AuthenticatorApp.objects.select_for_update().filter(user=actor).first()
        if app is not None and app.confirmed:
            raise PortalError("Your authenticator app is already set up.", code="enrolled")
        if app is None:
            app = AuthenticatorApp(user=actor, name="Authenticator app", confirmed=False)
            app.set_secret(mfa.new_secret())
            app.save()
    return app


def mfa_enrolment_confirm(*, actor: Staff, code: str) -> list[str]:
    """Confirms the app with its first code; returns the recovery codes, shown this once."""
    with transaction.atomic():
        app = (
            AuthenticatorApp.objects.select_for_update().filter(user=actor, confirmed=False).first()
        )
        if app is None:
            raise PortalError("Start setting up your authenticator app again.", code="no_enrolment")
        # A wrong code is counted on the device (its throttle), so it is not raised in here,
        # where the refusal would roll the count back.
        refusal = _code_refusal(app, code)
        if refusal is None:
            codes = mfa.new_recovery_codes()
            with audit_reason("authenticator app set up", actor=actor):
                app.confirmed = True
                app.save(update_fields=["confirmed"])
            recovery, _ = RecoveryCodes.objects.get_or_create(
                user=actor, defaults={"name": "Recovery codes"}
            )
            recovery.replace_codes(codes)
    if refusal is not None:
        raise refusal
    return codes


WRONG_CODE = "That code does not match. Type the code your app shows now, or a recovery code."


def _code_refusal(device, code: str) -> PortalError | None:
    """None if `device` accepts `code`; otherwise why not (django-otp counts the wrong code)."""
    if device is None:
        return PortalError(WRONG_CODE, code="bad_code")
    allowed, wait = device.verify_is_allowed()
    if not allowed:
        seconds = max(1, math.ceil((wait["locked_until"] - timezone.now()).total_seconds()))
        return PortalError(
            f"After a wrong code, wait {seconds} second{pluralize(seconds)}, then type the code again.",
            code="throttled",
        )
    if isinstance(device, AuthenticatorApp) and not mfa.looks_like_app_code(code):
        return PortalError(
            "That code does not match: type the 6-digit code your app shows now.", code="bad_code"
        )
    if not device.verify_token(code):
        return PortalError(WRONG_CODE, code="bad_code")
    return None


def mfa_verify(*, actor: Staff, code: str) -> str:
    """The second factor at sign-in: the app's current code, or one unused recovery code.

    Returns "app" or "recovery". The device rows are locked, so that codes posted at the same
    time from several sessions are checked one after another and each wrong one counts; django-otp
    keeps each device's throttle (a growing wait after every wrong code), and the caller counts
    the refusal against the account (sign-in lockout).
    """
    code = "".join((code or "").split())
    with transaction.atomic():
        app = (
            AuthenticatorApp.objects.select_for_update().filter(user=actor, confirmed=True).first()
        )
        if app is None:
            raise PortalError("You have no authenticator app set up.", code="no_app")
        if mfa.looks_like_app_code(code):
            used, refusal = "app", _code_refusal(app, code)
        else:
            recovery = RecoveryCodes.objects.select_for_update().filter(user=actor).first()
            used, refusal = "recovery", _code_refusal(recovery, code)
        if refusal is None and used == "recovery":
            LogEntry.objects.log_create(
                actor,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                changes={"recovery_code": ["unused", "used"]},
                additional_data={"reason": "signed in with a recovery code"},
            )
    if refusal is not None:
        raise refusal
    return used


def mfa_throttle_reset(*, staff: Staff) -> None:
    """Clears django-otp's growing wait on the person's devices: a sign-in lockout takes over from it.

    Otherwise each lock (five wrong codes) would leave a longer wait behind, and someone who knows
    only the password could keep the real person waiting for hours after every unlock.
    """
    for device in (
        *AuthenticatorApp.objects.filter(user=staff),
        *RecoveryCodes.objects.filter(user=staff),
    ):
        device.throttle_reset(commit=True)


def sign_in_complete(*, staff: Staff, now: datetime | None = None) -> None:
    """Password and code both given: this, not the password step, is a use of the account.

    The inactivity rule (ACCESS_INACTIVITY_DAYS) counts from here, and the failed attempts
    counted against the username are cleared.
    """
    from axes.utils import reset

    staff.last_login = now or timezone.now()
    Staff.objects.filter(pk=staff.pk).update(last_login=staff.last_login)
    reset(username=staff.get_username())


def nda_sign(
    *, actor: Staff, typed_name: str, now: datetime | None = None
) -> ConfidentialityAgreement:
    """Signs the confidentiality agreement: the typed full name is the signature, with the time."""
    typed = " ".join(typed_name.split())
    expected = " ".join(actor.get_full_name().split())
    if not typed:
        raise PortalError("Type your first and last name to sign.", code="no_name")
    if typed.casefold() != expected.casefold():
        raise PortalError(
            f"Type your name as your account has it: {expected}.", code="name_mismatch"
        )
    now = now or timezone.now()
    offices = list(actor.offices.select_related("area"))
    area = ", ".join(sorted({str(office.area) for office in offices})) or "—"
    with transaction.atomic(), audit_reason("confidentiality agreement signed", actor=actor):
        # Attachment I's fields as they stand now: a later change of role or offices does not rewrite them.
        agreement = ConfidentialityAgreement.objects.create(
            staff=actor,
            typed_name=typed,
            version=NDA_VERSION,
            signed_at=now,
            first_name=actor.first_name,
            last_name=actor.last_name,
            role=actor.get_role_display(),
            user_id=actor.username,
            area=area,
            offices=", ".join(office.name for office in offices)[:500],
        )
        actor.nda_signed_at = now
        actor.save(update_fields=["nda_signed_at"])
    return agreement


# --- Sign-in lockout ----------------------------------------------------------------------------


def lockout_clear(*, actor: Staff, username: str) -> int:
    """MIS access management unlocks a username locked by repeated failed sign-ins."""
    from axes.utils import reset

    if not actor.can_manage_access:
        raise PortalError(
            "Only MIS access management unlocks sign-ins.", code="not_access_management"
        )
    with transaction.atomic():
        cleared = reset(username=username)
        if not cleared:
            raise PortalError("This username is not locked.", code="not_locked")
        staff = Staff.objects.filter(username=username).first()
        if staff is not None:
            mfa_throttle_reset(staff=staff)
            LogEntry.objects.log_create(
                staff,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                changes={"sign_in_lockout": ["locked", "unlocked"]},
                additional_data={"reason": "sign-in unlocked by MIS access management"},
            )
    return cleared


# --- Records requests, security breaches, system abuse ------------------------------------------


def report_file(
    *, actor: Staff, kind: str, occurred_on: date, summary: str, details: str
) -> Report:
    """Anyone reports; the administrator is alerted at once (policy 1021 d and h.ix)."""
    if kind not in Report.Kind.values:
        raise PortalError("Choose what you are reporting.", code="kind")
    summary = checked_line(summary, label="the summary", limit=200)
    details = checked_text(details, label="the details")
    if not summary or not details:
        raise PortalError("Give a summary and the details.", code="incomplete")
    if occurred_on > timezone.localdate():
        raise PortalError("The date cannot be in the future.", code="date")
    with transaction.atomic(), audit_reason("report filed", actor=actor):
        report = Report.objects.create(
            kind=kind,
            reported_by=actor,
            organization=actor.organization,
            occurred_on=occurred_on,
            summary=summary,
            details=details,
        )
        ReportEvent.objects.create(report=report, status=report.status, note="Reported.", by=actor)
        notify(
            to=list(_administrator_emails()),
            subject=f"{report.get_kind_display()} reported: {report.summary}",
            body=(
                f"{actor} ({actor.organization}) reported a {report.get_kind_display().lower()} on "
                f"{timezone.localtime(report.reported_at):%m/%d/%Y at %H:%M}.\n\n{report.summary}\n\n"
                "Open the report in the WorkSource portal for the details."
            ),
        )
    return report


def report_move(*, actor: Staff, report_id: int, action: str, note: str) -> Report:
    """The administrator moves a report on (in review, closed), with a note kept in its history."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator works reports.", code="not_admin"
        )
    note = checked_text(note, label="the note")
    if action == "close" and not note:
        raise PortalError("Say how the report was resolved before closing it.", code="note")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        with audit_reason(f"report {action}", actor=actor):
            report.status = _transition(report.status, action, REPORT_TRANSITIONS, "report")
            report.save(update_fields=["status"])
            ReportEvent.objects.create(report=report, status=report.status, note=note, by=actor)
        notify(
            to=[report.reported_by.email],
            subject=f"Your report is {report.get_status_display().lower()}: {report.summary}",
            body=f'The MIS security administrator moved your report to "{report.get_status_display()}".\n\n{note}',
        )
    return report
