"""Intake: seekers and opt-out selections sent by the state's other systems.

A sending system (Job Match's registration, the unemployment insurance claim) calls the intake
API with a service credential of its own; what it sends is kept as Registration rows (its
registration id ↔ the seeker), held registrations (an SSN already registered to another seeker),
and the intake log.
"""

from django.db import models
from django.utils import timezone

from participants.crypto import EncryptedSSN
from portal.audit import AuditedModel


class Scope(models.TextChoices):
    REGISTRATION = "registration", "Registrations (seekers' accounts created or changed)"
    OPT_OUT_SELECTION = "opt_out_selection", "Opt-out selections made in the UI claim"


class SendingSystem(AuditedModel, models.Model):
    """One of the state's systems that sends seekers or opt-out selections to the portal.

    It acts through `service_account`, a Staff row that cannot sign in (inactive, unusable
    password, no organization, no office): the audit trail and the opt-out history name the
    system as the actor of what it sent, with the same foreign keys a person's changes use, so
    neither needs a second kind of actor.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    service_account = models.OneToOneField(
        "access.Staff", on_delete=models.PROTECT, related_name="sending_system"
    )
    created_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceCredential(AuditedModel, models.Model):
    """A sending system's secret, shown once when created; only its hash is kept.

    The token is `<key_id>.<secret>`: the key id finds the row, the secret is compared with
    `secret_hash` in constant time. Scopes say what the system may send. Revoked means refused
    from the very next call: every call reads this row.
    """

    system = models.ForeignKey(SendingSystem, on_delete=models.PROTECT, related_name="credentials")
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(help_text="The Scope values this system may send.")
    created_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "-created_at"]

    def __str__(self) -> str:
        return f"Credential {self.key_id} of {self.system}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Registration(AuditedModel, models.Model):
    """A sending system's registration id and the seeker it registered: the key of updates.

    Kept here rather than as a column of the seeker: a seeker may be known to several systems,
    and a registration id means nothing outside the system that issued it.
    """

    system = models.ForeignKey(SendingSystem, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="registrations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["system", "external_id"], name="one_seeker_per_registration_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} registration {self.external_id}"


class HeldRegistration(AuditedModel, models.Model):
    """A registration whose SSN is already another seeker's: held, never merged silently.

    State staff resolve it on the intake page: it is the same person (the registration id is
    linked to the existing seeker), or another person (the seeker the registration id already
    names is updated, or else a new seeker is created, without the SSN, which stays with the
    seeker who had it first until the state corrects one of them).
    `fields` holds the registration's validated fields, the SSN excepted; the SSN is kept
    encrypted like a seeker's.
    """

    class Status(models.TextChoices):
        HELD = "held", "Held for review"
        LINKED = "linked", "Linked to the existing seeker"
        CREATED = "created", "Created as a new seeker"
        KEPT = "kept", "Kept with the seeker its registration id names"

    system = models.ForeignKey(SendingSystem, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    fields = models.JSONField()
    ssn_ciphertext = models.BinaryField(null=True, editable=False)
    ssn_index = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    conflicting_participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    resolved_by = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    ssn = EncryptedSSN()

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            # One registration id waits at most once: a repeat updates the held one.
            models.UniqueConstraint(
                fields=["system", "external_id"],
                condition=models.Q(status="held"),
                name="one_held_per_registration_id",
            )
        ]

    def __str__(self) -> str:
        return f"Held {self.system} registration {self.external_id}"

    @property
    def name(self) -> str:
        return f"{self.fields.get('last_name', '')}, {self.fields.get('first_name', '')}"


class IntakeEvent(models.Model):
    """One call of a sending system, or one row of a bulk load: the intake log.

    `message` is what the sender was told, never the value it sent (it may hold an SSN).
    """

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "Registration"
        OPT_OUT_SELECTION = "opt_out_selection", "Opt-out selection"

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        HELD = "held", "Held for review"
        APPLIED = "applied", "Applied"
        NOT_APPLIED = "not_applied", "Not applied: a newer decision stands"
        REFUSED = "refused", "Refused"

    system = models.ForeignKey(SendingSystem, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    code = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["system", "at"], name="intake_event_system_at")]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.outcome}"


class IdempotentCall(models.Model):
    """A call's Idempotency-Key, the hash of its body and the answer it got, to answer a repeat.

    The answer never holds an SSN (no response of the API does), so it may be kept as is.
    """

    system = models.ForeignKey(SendingSystem, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=20)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "key"], name="one_call_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.system} call {self.key}"


class ImportRun(models.Model):
    """A bulk load of one file: how far it got, so that a load stopped half-way resumes there.

    A file is known by its SHA-256: the same file run again continues after `lines_done`,
    whose rows (and counts) were committed together with this row, batch by batch.
    """

    system = models.ForeignKey(SendingSystem, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    lines_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["system", "file_sha256"], name="one_import_run_per_file"
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"
