"""The audit trail's "why", and who acted when no person did.

django-auditlog records who and when (the request's user, or the actor a service sets) and what
changed; `audit_reason` adds why, and every audited model of the portal stores it beside the change.
An entry written by a Celery task (the access sweep, a reminder) names the task as its actor
(`actor_task`), and carries a correlation id: the request's, bounded and sanitised, or the task's id.
"""

import contextlib
import functools
import re
import uuid
from contextvars import ContextVar
from typing import Any

from auditlog import get_logentry_model
from auditlog.context import auditlog_value, set_actor
from auditlog.diff import get_field_value, is_primitive, model_instance_diff, track_field
from django.conf import settings
from django.db import models
from django.utils.encoding import smart_str

_reason: ContextVar[str | None] = ContextVar("audit_reason", default=None)
_task: ContextVar[str | None] = ContextVar("audit_task", default=None)
_correlation: ContextVar[str | None] = ContextVar("audit_correlation_id", default=None)
# What a client may send as its correlation id; anything else is replaced by one of ours.
CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@contextlib.contextmanager
def audit_reason(reason: str, *, actor=None):
    """Within this block, audit entries carry `reason` (and `actor`, when outside a request)."""
    token = _reason.set(reason)
    try:
        if actor is not None:
            with _acting(actor):
                yield
        else:
            yield
    finally:
        _reason.reset(token)


@contextlib.contextmanager
def _acting(actor):
    """django-auditlog's set_actor, keeping the request's client address and port.

    A nested set_actor starts from nothing (the entries inside would lose the address) and, when
    it ends, leaves the request's own context switched off: the outer one is put back here.
    """
    outer = auditlog_value.get(None)
    try:
        with set_actor(
            actor,
            remote_addr=(outer or {}).get("remote_addr"),
            remote_port=(outer or {}).get("remote_port"),
        ):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def current_reason() -> str | None:
    return _reason.get()


class AuditedModel:
    """Mixin for audited models: each audit entry records the reason given by the service."""

    def get_additional_data(self) -> dict:
        reason = current_reason()
        return {"reason": reason} if reason else {}


def correlation_id_from(header: str | None) -> str:
    """The client's correlation id if it is a sane one, else a new random one (never an error)."""
    return header if header and CORRELATION_ID.fullmatch(header) else uuid.uuid4().hex


@contextlib.contextmanager
def correlation(cid: str | None):
    token = _correlation.set(cid)
    try:
        yield
    finally:
        _correlation.reset(token)


def current_correlation_id() -> str | None:
    """django-auditlog's correlation id getter (AUDITLOG_CID_GETTER)."""
    return _correlation.get()


@contextlib.contextmanager
def audit_task(name: str, task_id: str | None = None):
    """Within this block, audit entries without a person as actor name the task `name`."""
    token = _task.set(name)
    try:
        with correlation(task_id):
            yield
    finally:
        _task.reset(token)


def name_the_task(sender, instance, **kwargs):
    """pre_save of every audit entry: one a task writes, with no person as actor, names the task."""
    task = _task.get()
    if task and instance.actor_id is None:
        instance.additional_data = (instance.additional_data or {}) | {"actor_task": task}


# --- the changes of a created row, for writers that bulk-insert and audit themselves ------------


@functools.cache
def _creation_plan(model: type[models.Model]) -> list[tuple[Any, str]] | None:
    """The fields django-auditlog records for `model`, each with how its value is read; None
    when the model masks a field (then its own diff is used, which masks)."""
    from auditlog.registry import auditlog

    options = auditlog.get_model_fields(model)
    if options["mask_fields"]:
        return None
    fields = [f for f in model._meta.get_fields() if track_field(f)]
    if options["include_fields"]:
        fields = [f for f in fields if f.name in options["include_fields"]]
    fields = [f for f in fields if f.name not in options["exclude_fields"]]
    plan = []
    for field in fields:
        if field.one_to_many and not field.concrete:
            # A reverse foreign key reads as its manager's name, the same for every row.
            kind = "constant"
        elif not getattr(field, "concrete", False):
            kind = "auditlog"  # another reverse relation: read as django-auditlog reads it
        elif isinstance(field, (models.DateTimeField, models.JSONField)):
            kind = "auditlog"
        elif (
            not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
            and (field.one_to_one or field.many_to_one)
            and hasattr(field, "rel_class")
        ):
            kind = "key"
        else:
            kind = "plain"
        plan.append((field, kind))
    return plan


_constants: dict[tuple[type, str], Any] = {}


def created_changes(instance: models.Model) -> dict[str, tuple[Any, Any]] | None:
    """What django-auditlog records as the changes of `instance` created (JSON changes), as
    `model_instance_diff(None, instance, use_json_for_changes=True)` does, at a fraction of its
    cost per row: the fields to read are worked out once per model."""
    plan = _creation_plan(type(instance))
    if plan is None:
        return model_instance_diff(None, instance, use_json_for_changes=True)
    changes = {}
    for field, kind in plan:
        if kind == "constant":
            key = (type(instance), field.name)
            if key not in _constants:
                _constants[key] = get_field_value(instance, field, True)
            value = _constants[key]
        elif kind == "key":
            value = smart_str(getattr(instance, field.attname), strings_only=True)
        elif kind == "plain":
            value = getattr(instance, field.name)
        else:
            value = get_field_value(instance, field, True)
        if value is not None:
            changes[field.name] = (None, value if is_primitive(value) else smart_str(value))
    return changes or None


def audit_access(instance, *, actor, reason: str, participant=None, **details):
    """An access entry: `actor` read `instance`, for `reason` ("services and case notes opened").

    The entry names the seeker whose data was read: the one `instance` concerns, or `participant`
    for a read about one seeker through another record (an export filtered by a seeker). `details`
    say more, such as how many seekers an export listed and by which filter; never an SSN.
    Returns the entry.
    """
    entries = get_logentry_model()
    about = {"participant": participant} if participant is not None else {}
    # Where the reader worked then, for the accounting of disclosures: a move later changes nothing.
    for place in ("organization", "current_office"):
        if getattr(actor, f"{place}_id", None) is not None:
            details.setdefault(place.removeprefix("current_"), str(getattr(actor, place)))
    return entries.objects.log_create(
        instance,
        force_log=True,
        action=entries.Action.ACCESS,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data={"reason": reason, **details},
        **about,
    )
