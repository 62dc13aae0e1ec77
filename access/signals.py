"""Bookkeeping of who holds which session, so that ending access can delete all of them; failed
sign-ins and lockouts audited."""

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEntry, Kind

from .models import Staff, StaffSession

LOCKOUT_CHANGE = "sign_in_lockout"


def remember_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        StaffSession.objects.update_or_create(session_key=key, defaults={"staff": user})


def forget_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        StaffSession.objects.filter(session_key=key).delete()


def session_key_changed(old_key, new_key):
    if old_key and new_key:
        StaffSession.objects.filter(session_key=old_key).update(session_key=new_key)


def audit_lockout(sender, request, username, ip_address=None, **kwargs):
    """The audit entry of a lockout, whether wrong passwords or wrong codes made it.

    django-axes signals again at each attempt while locked: one entry per lock is enough.
    """
    staff = Staff.objects.filter(username=username).first()
    if staff is None:
        return
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    earlier = AuditEntry.objects.get_for_object(staff).filter(
        timestamp__gte=since, changes__has_key=LOCKOUT_CHANGE
    )
    latest = earlier.order_by("-timestamp", "-pk").first()
    if latest is not None and latest.changes_dict.get(LOCKOUT_CHANGE) == ["unlocked", "locked"]:
        return
    AuditEntry.objects.log_create(
        staff,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        kind=Kind.SIGN_IN,
        changes={LOCKOUT_CHANGE: ["unlocked", "locked"]},
        additional_data={
            "reason": f"sign-in locked after {settings.AXES_FAILURE_LIMIT} failed attempts"
        },
    )


def audit_sign_in_failure(sender, credentials=None, request=None, **kwargs):
    """A wrong password or a wrong code, in the trail with the account it was tried on.

    Django's password check sends this signal from its auth module (a string); the code step
    sends it from its view (a class). A username no account has is kept by django-axes alone.
    """
    username = (credentials or {}).get("username")
    staff = Staff.objects.filter(username=username).first() if username else None
    if staff is None:
        return
    what = "wrong authenticator code" if isinstance(sender, type) else "wrong password"
    AuditEntry.objects.log_create(
        staff,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        kind=Kind.SIGN_IN,
        actor=None,
        additional_data={"reason": f"sign-in refused: {what}"},
    )
