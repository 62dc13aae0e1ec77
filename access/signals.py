"""Bookkeeping of who holds which session, so that ending access can delete all of them."""

from .models import StaffSession


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
