"""The audit trail: django-auditlog's entry (AUDITLOG_LOGENTRY_MODEL), with the seeker it concerns.

Every entry about a seeker's data names that seeker in an indexed column, so that the trail of one
seeker among a million is one index read. The seeker is derived when the entry is written, from
the record the entry is about (`SEEKER_OF`); names of related records are kept as they were then,
so that the trail reads the same after a record is renamed.

PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the trail, whoever asks (NIST AU-9). The portal
serves as a role that does not own the table (README, Security), so it cannot drop or disable these
triggers either; and since a database superuser still could, the trail is also sealed in order
of entry id, a batch at a time (`audit.services.trail_seal`, every minute): each `Seal` holds the
digest of every entry of its run of ids and a hash over them and the seal before it. Changing,
deleting or inserting an entry in a sealed run, or a seal itself, breaks the chain there
(`audit.chain`, `manage.py audit_verify`). Seals and verifications are append-only like the trail.
Staff are deactivated, never deleted, and seekers are never deleted: an entry
keeps the seeker's id whatever happens to the seeker's row (no cascade, no database constraint).
"""

from typing import Any

import pgtrigger
from auditlog.models import AbstractLogEntry, LogEntryManager
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str

from portal.audit import AuditedModel


def append_only(table: str) -> list[pgtrigger.Trigger]:
    """The trail's triggers, for it and its companion tables: no UPDATE, DELETE or TRUNCATE."""
    return [
        pgtrigger.Protect(name=f"{table}_no_update", operation=pgtrigger.Update),
        pgtrigger.Protect(name=f"{table}_no_delete", operation=pgtrigger.Delete),
        # TRUNCATE fires no row trigger: it needs a statement-level one of its own, written out
        # because Protect's statement-level form reads transition tables, which TRUNCATE has not.
        pgtrigger.Trigger(
            name=f"{table}_no_truncate",
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table', TG_TABLE_NAME; RETURN NULL;",
        ),
    ]


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
        triggers = append_only("audit_entry")


class Seal(models.Model):
    """One link of the chain: the entries with ids in (after_entry_id, last_entry_id].

    `digests` holds, for each entry of the run in id order, its id (8 bytes, big-endian) and the
    SHA-256 of its columns (32 bytes): the verifier tells a changed entry from a missing or an
    inserted one by it. `cut_entry_id` and `cut_at` are where the sealing run that made this seal
    drew its line (the trail's id sequence, and the clock, when it read it): an entry with a
    higher id was written after that time, so one dated much earlier was inserted behind the
    application's back. `hash` covers all of this and the previous seal's hash.
    """

    after_entry_id = models.BigIntegerField(unique=True, editable=False)
    last_entry_id = models.BigIntegerField(unique=True, editable=False)
    entry_count = models.PositiveIntegerField(editable=False)
    digests = models.BinaryField(editable=False)
    cut_entry_id = models.BigIntegerField(editable=False)
    cut_at = models.DateTimeField(editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["after_entry_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_entry_id__gt=models.F("after_entry_id")),
                name="audit_seal_run_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(cut_entry_id__gte=models.F("last_entry_id")),
                name="audit_seal_within_its_cut",
            ),
        ]
        triggers = append_only("audit_seal")

    def __str__(self):
        return f"Seal {self.pk} (entries {self.after_entry_id + 1}–{self.last_entry_id})"


class ChainVerification(AuditedModel, models.Model):
    """One walk of the chain (`manage.py audit_verify` or the daily task), and where it got to.

    The latest verification is the checkpoint the next one resumes from: the seal it verified
    through, with that seal's hash as it read it (a seal rewritten since is a break). Creating
    one writes the audit entry that records the verifying.
    """

    class Outcome(models.TextChoices):
        INTACT = "intact", "Intact"
        BROKEN = "broken", "Broken"

    class Kind(models.TextChoices):
        CHANGED = "changed", "An entry was changed"
        MISSING = "missing", "An entry is missing"
        INSERTED = "inserted", "An entry was inserted"
        SEAL = "seal", "A seal was changed, removed or added"

    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(editable=False)
    from_start = models.BooleanField(editable=False)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, editable=False)
    # The last seal found sound, and its hash: the checkpoint (none before the first seal).
    through_seal_id = models.BigIntegerField(null=True, editable=False)
    through_hash = models.CharField(max_length=64, blank=True, editable=False)
    through_entry_id = models.BigIntegerField(default=0, editable=False)
    seals_checked = models.PositiveIntegerField(editable=False)
    entries_checked = models.PositiveBigIntegerField(editable=False)
    # The first break, when there is one.
    break_kind = models.CharField(max_length=8, choices=Kind.choices, blank=True, editable=False)
    break_entry_id = models.BigIntegerField(null=True, editable=False)
    break_at = models.DateTimeField(null=True, editable=False)
    break_detail = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        triggers = append_only("audit_chainverification")

    def __str__(self):
        return f"Chain verification {self.pk}: {self.get_outcome_display()}"
