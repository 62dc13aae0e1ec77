"""Access requests as MIS access management decides them: approve (creating, changing or disabling the user) or reject."""

import re
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.audit import audit_reason
from portal.dates import shown
from portal.errors import PortalError
from portal.text import checked_text, in_sentence

from ..models import (
    ACCESS_REQUESTS,
    AccessRequest,
    AuthenticatorApp,
    RecoveryCodes,
    Staff,
)
from ..policies import decide_refusal
from .common import notify
from .requests import check_contracts
from .revocation import staff_end_access


def _lock_for_decision(actor: Staff, request_id: int) -> AccessRequest:
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "staff", "organization", "logs_into")
        .get(pk=request_id)
    )
    if refusal := decide_refusal(actor, request):
        raise refusal
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
            check_contracts(request.organization)
        if request.kind == AccessRequest.Kind.ADD:
            _approve_add(actor, request, now)
        elif request.kind == AccessRequest.Kind.CHANGE:
            _approve_change(actor, request, now)
        else:
            _approve_disable(actor, request, now)
    if request.kind == AccessRequest.Kind.DISABLE:
        # A disable is filed for a user and a time (access_request_disable refuses it without).
        assert request.effective_at is not None and request.staff_id is not None
        if request.effective_at <= now:
            staff_end_access(staff_id=request.staff_id, now=now)
            request.refresh_from_db()
    return request


def _decided(
    request: AccessRequest, actor: Staff, action: AccessRequest.Action, now: datetime
) -> None:
    request.status = ACCESS_REQUESTS.next_state(request.status, action)
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
        # The office the requester chose for them to log into (older requests named none: the first).
        staff.current_office = request.logs_into if request.logs_into in offices else offices[0]
        staff.save()
        staff.offices.set(offices)
        request.staff, request.logon_id = staff, staff.username
        _decided(request, actor, AccessRequest.Action.APPROVE, now)
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
    assert request.staff_id is not None  # a change is filed for one of the requester's users
    staff = Staff.objects.select_for_update().get(pk=request.staff_id)
    offices = list(request.offices.all())
    with audit_reason(f"access request {request.pk} approved: user changed", actor=actor):
        staff.role = request.role
        if staff.current_office not in offices:
            staff.current_office = offices[0]
        staff.save(update_fields=["role", "current_office"])
        staff.offices.set(offices)
        request.logon_id = staff.username
        _decided(request, actor, AccessRequest.Action.APPROVE, now)
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
    # A disable is filed for one of the requester's users, with the time it takes effect.
    assert request.staff is not None and request.effective_at is not None
    if request.status == AccessRequest.Status.IN_EFFECT:
        # It took effect at its time; the approval confirms what was done.
        with audit_reason(f"access request {request.pk} approved: disable confirmed", actor=actor):
            request.logon_id = request.staff.username
            _decided(request, actor, AccessRequest.Action.CONFIRM, now)
            request.save(
                update_fields=["logon_id", "status", "decided_by", "decided_at", "completed_at"]
            )
        return
    with audit_reason(f"access request {request.pk} approved: disable scheduled", actor=actor):
        request.logon_id = request.staff.username
        _decided(request, actor, AccessRequest.Action.SCHEDULE, now)
        request.save(
            update_fields=["logon_id", "status", "decided_by", "decided_at", "completed_at"]
        )
    body = f"The WorkSource portal account {request.staff.username} ({request.staff}) will be disabled on {shown(request.effective_at)}."
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
        if request.kind == AccessRequest.Kind.DISABLE:
            # A disable is filed with the time it takes effect (access_request_disable).
            assert request.effective_at is not None
            if request.effective_at <= now:
                raise PortalError(
                    f"This disable took effect on {shown(request.effective_at)}: it can no "
                    "longer be cancelled. To give the person access again, their requester files an add request.",
                    code="disable_in_effect",
                )
        with audit_reason(f"access request {request.pk} rejected", actor=actor):
            _decided(request, actor, AccessRequest.Action.REJECT, now)
            request.rejection_reason = reason
            request.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
        notify(
            to=[request.requested_by.email, request.email],
            subject=f"Access request rejected: {request.person_name}",
            body=f"The request to {in_sentence(request.get_kind_display())} ({request.person_name}) was rejected by MIS access management.\n\nReason: {request.rejection_reason}",
        )
    return request
