"""Sign-in lockouts: MIS access management unlocks an account, and its second-factor counts start again."""

from django.db import transaction

from audit.models import AuditEntry, Kind
from portal.errors import PortalError

from ..models import (
    AuthenticatorApp,
    RecoveryCodes,
    Staff,
)


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
            AuditEntry.objects.log_create(
                staff,
                force_log=True,
                action=AuditEntry.Action.UPDATE,
                kind=Kind.SIGN_IN,
                actor=actor,
                changes={"sign_in_lockout": ["locked", "unlocked"]},
                additional_data={"reason": "sign-in unlocked by MIS access management"},
            )
    return cleared
