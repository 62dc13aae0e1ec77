"""Signing in (policy 1021): the office worked in, the authenticator app, recovery codes and the confidentiality agreement."""

import math
from datetime import datetime

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from audit.models import AuditEntry, Kind
from portal.audit import audit_reason
from portal.errors import PortalError

from .. import mfa
from ..models import (
    AuthenticatorApp,
    ConfidentialityAgreement,
    Office,
    RecoveryCodes,
    Staff,
)

NDA_VERSION = "2026-1"


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


def _code_refusal(device: AuthenticatorApp | RecoveryCodes | None, code: str) -> PortalError | None:
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
            AuditEntry.objects.log_create(
                actor,
                force_log=True,
                action=AuditEntry.Action.UPDATE,
                kind=Kind.SIGN_IN,
                actor=actor,
                changes={"recovery_code": ["unused", "used"]},
                additional_data={"reason": "signed in with a recovery code"},
            )
    if refusal is not None:
        raise refusal
    return used


def sign_in_complete(*, staff: Staff, now: datetime | None = None) -> None:
    """Password and code both given: this, not the password step, is a use of the account.

    The inactivity rule (ACCESS_INACTIVITY_DAYS) counts from here, the failed attempts counted
    against the username are cleared, and the sign-in is in the audit trail.
    """
    from axes.utils import reset

    staff.last_login = now or timezone.now()
    Staff.objects.filter(pk=staff.pk).update(last_login=staff.last_login)
    reset(username=staff.get_username())
    AuditEntry.objects.log_create(
        staff,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        kind=Kind.SIGN_IN,
        actor=staff,
        additional_data={"reason": "signed in"},
    )


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
            offices=", ".join(office.name for office in offices),
        )
        actor.nda_signed_at = now
        actor.save(update_fields=["nda_signed_at"])
    return agreement
