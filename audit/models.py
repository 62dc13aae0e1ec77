"""The audit trail's seal chain: tampering with the trail is found, not only refused.

The trail's triggers stop the application from rewriting it; a database superuser can still
switch them off. So the trail is sealed, in order of entry id, a batch at a time
(`audit.services.trail_seal`, every minute): each `Seal` holds the digest of every entry of its
run of ids and a hash over them and the seal before it. Changing, deleting or inserting an entry
in a sealed run, or a seal itself, breaks the chain there (`audit.chain`, `manage.py audit_verify`).
Seals and verifications are append-only like the trail.
"""

import pgtrigger
from django.db import models
from django.utils import timezone

from portal.audit import AuditedModel


def append_only(table: str) -> list[pgtrigger.Trigger]:
    """The trail's triggers for one of its companion tables: no UPDATE, DELETE or TRUNCATE."""
    return [
        pgtrigger.Protect(name=f"{table}_no_update", operation=pgtrigger.Update),
        pgtrigger.Protect(name=f"{table}_no_delete", operation=pgtrigger.Delete),
        # As on the trail (portal.models): TRUNCATE fires no row trigger and has no transition tables.
        pgtrigger.Trigger(
            name=f"{table}_no_truncate",
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table', TG_TABLE_NAME; RETURN NULL;",
        ),
    ]


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
