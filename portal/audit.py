"""The audit trail's "why": services name the reason for the changes they make.

django-auditlog records who and when (the request's user, or the actor a task sets) and what
changed; `audit_reason` adds why, and every audited model of the portal stores it beside the change.
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import set_actor

_reason: ContextVar[str | None] = ContextVar("audit_reason", default=None)


@contextlib.contextmanager
def audit_reason(reason: str, *, actor=None):
    """Within this block, audit entries carry `reason` (and `actor`, when outside a request)."""
    token = _reason.set(reason)
    try:
        if actor is not None:
            with set_actor(actor):
                yield
        else:
            yield
    finally:
        _reason.reset(token)


def current_reason() -> str | None:
    return _reason.get()


class AuditedModel:
    """Mixin for audited models: each audit entry records the reason given by the service."""

    def get_additional_data(self) -> dict:
        reason = current_reason()
        return {"reason": reason} if reason else {}
