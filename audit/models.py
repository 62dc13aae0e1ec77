"""The audit trail: django-auditlog's entry (AUDITLOG_LOGENTRY_MODEL), with the seeker it concerns.

Every entry about a seeker's data names that seeker in an indexed column, so that the trail of one
seeker among a million is one index read. The seeker is derived when the entry is written, from
the record the entry is about (`SEEKER_OF`); names of related records are kept as they were then,
so that the trail reads the same after a record is renamed.

PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the trail, whoever asks (NIST AU-9). The portal
serves as a role that does not own the table (README, Security), so it cannot drop or disable these
triggers either. Staff are deactivated, never deleted, and seekers are never deleted: an entry
keeps the seeker's id whatever happens to the seeker's row (no cascade, no database constraint).
"""

from typing import Any

import pgtrigger
from auditlog.models import AbstractLogEntry, LogEntryManager
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils.encoding import smart_str

# Where each audited record keeps the seeker it concerns ("app_label.model": attribute path).
SEEKER_OF = {
    "participants.participant": "pk",
    "participants.enrollment": "participant_id",
    "dataedits.service": "participant_id",
    "dataedits.casenote": "participant_id",
    "dataedits.dataeditticket": "participant_id",
    "dataedits.skillsgain": "participant_id",
    "dataedits.supportingdocument": "ticket.participant_id",
    "optout.optoutchange": "participant_id",
    "optout.optinrequest": "participant_id",
    "optout.optoutlookup": "participant_id",
    "intake.registration": "participant_id",
    "intake.heldregistration": "conflicting_participant_id",
}


def seeker_of(instance: models.Model) -> int | None:
    """The id of the seeker a record concerns, or None for records about no one seeker."""
    path = SEEKER_OF.get(instance._meta.label_lower)
    if path is None:
        return None
    value: Any = instance
    try:
        for attribute in path.split("."):
            value = getattr(value, attribute)
    except ObjectDoesNotExist:
        return None
    return value


class Kind(models.TextChoices):
    """What an entry records, as the auditor filters the trail."""

    CHANGE = "change", "Change"
    ACCESS = "access", "Access"
    SIGN_IN = "sign_in", "Sign-in"
    ACCESS_ENDED = "access_ended", "Access ended"


class AuditEntryManager(LogEntryManager):
    """django-auditlog's writer, naming the seeker, the kind of entry, and related records' names."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        changes = kwargs.get("changes")
        if isinstance(changes, dict):
            kwargs["changes"] = changes = recorded_changes(instance, changes)
            if not changes and not force_log:
                return None
        if "participant" not in kwargs:
            kwargs.setdefault("participant_id", seeker_of(instance))
        if kwargs.get("action") == self.model.Action.ACCESS:
            kwargs.setdefault("kind", Kind.ACCESS)
        kwargs.setdefault("names", related_names(instance, changes or {}) or None)
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("participant_id", seeker_of(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


def recorded_changes(instance: models.Model, changes: dict) -> dict:
    """The changes without the record's reverse relations: django-auditlog's diff of a new record
    also walks them, and records their managers as values ("optout.OptInRequest.None")."""
    reverse = {
        field.name
        for field in instance._meta.get_fields()
        if field.auto_created and not field.concrete
    }
    return {name: change for name, change in changes.items() if name not in reverse}


def related_names(instance: models.Model, changes: dict) -> dict[str, dict[str, str]]:
    """For each foreign key among the changes, the names of the records it pointed to, now."""
    names: dict[str, dict[str, str]] = {}
    for name, change in changes.items():
        if not isinstance(change, list | tuple):
            continue
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a change told in words ("sign_in_lockout") names no record
            continue
        if not (field.many_to_one or field.one_to_one) or field.related_model is None:
            continue
        ids = {smart_str(value) for value in change if value not in (None, "None", "")}
        known = {}
        cached = field.get_cached_value(instance, default=None)
        if cached is not None and smart_str(cached.pk) in ids:
            known[smart_str(cached.pk)] = smart_str(cached)
        missing = ids - known.keys()
        if missing:
            related = field.related_model._base_manager.filter(pk__in=missing)
            known |= {smart_str(record.pk): smart_str(record) for record in related}
        if known:
            names[name] = known
    return names


class AuditEntry(AbstractLogEntry):
    """One entry of the audit trail, with the seeker it concerns and what kind of entry it is."""

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="seeker",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHANGE)
    # {foreign key: {id: name}}: the names of the records the changed keys pointed to, then.
    names = models.JSONField(null=True, blank=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["participant", "timestamp"], name="audit_entry_seeker"),
            models.Index(fields=["kind", "timestamp"], name="audit_entry_kind"),
            models.Index(fields=["actor", "timestamp"], name="audit_entry_actor"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_entry_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="audit_entry_no_delete", operation=pgtrigger.Delete),
            # TRUNCATE fires no row trigger: it needs a statement-level one of its own, written out
            # because Protect's statement-level form reads transition tables, which TRUNCATE has not.
            pgtrigger.Trigger(
                name="audit_entry_no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table', TG_TABLE_NAME; RETURN NULL;",
            ),
        ]
