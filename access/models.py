from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.models import GroupObjectPermissionBase

from portal.audit import AuditedModel
from portal.dates import shown
from portal.states import Machine

from . import mfa
from .roles import AUDIT_READERS, SEEKER_EDITORS, SEEKER_READERS, Role


class WorkforceDevelopmentArea(AuditedModel, models.Model):
    """A workforce development area (WDA), served by a local workforce development board."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["number"]
        permissions = [("request_access_in_area", "May file MIS access requests for this area")]

    def __str__(self):
        return f"WDA {self.number}: {self.name}"


class Organization(AuditedModel, models.Model):
    """An organization whose staff use the portal: the state agency (ESD), a partner or a local board.

    Staff of the state agency see every seeker; everyone else sees only seekers who share data.
    """

    name = models.CharField(max_length=200, unique=True)
    is_state_agency = models.BooleanField(
        default=False, help_text="The state agency (ESD): its staff see seekers who opted out."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Office(AuditedModel, models.Model):
    """A WorkSource office (one-stop center or affiliate) in a workforce development area."""

    name = models.CharField(max_length=200, unique=True)
    area = models.ForeignKey(
        WorkforceDevelopmentArea, on_delete=models.PROTECT, related_name="offices"
    )

    class Meta:
        ordering = ["name"]
        permissions = [("request_access_in_office", "May file MIS access requests for this office")]

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class AccessStanding:
    """What the access check asks about a person, as read at `at` (access.selectors)."""

    at: datetime
    organization_covered: bool  # their organization may hold access: both contracts in effect
    disable_due: bool  # a disable request of theirs has come due


class Staff(AuditedModel, AbstractUser):
    """A person who signs in: one organization, one role, assigned offices and a current office.

    The current office is the office the person is "logged into": searches "in" it, Add Seeker
    to Office and editing a seeker's record all act on it. It is always one of the assigned offices.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CASE_MANAGER)
    is_restricted = models.BooleanField(
        default=False, help_text="Restricted users can never change a seeker's opt-out."
    )
    offices = models.ManyToManyField(Office, related_name="staff", blank=True)
    current_office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the confidentiality agreement was signed (the signature itself is a ConfidentialityAgreement).
    # Kept here so that the visibility gate can ask without a query: unsigned staff see no seeker.
    nda_signed_at = models.DateTimeField("confidentiality agreement signed", null=True, blank=True)
    # Read with the person of a request (access.selectors.person_of_request): what the access
    # check asks, and the offices (pk and name) the header's switcher lists.
    access_standing: "AccessStanding | None" = None
    assigned_offices: "list[Office] | None" = None

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_state_staff(self) -> bool:
        """Staff of the state agency (ESD), the only ones who see seekers who opted out."""
        return self.organization_id is not None and self.organization.is_state_agency

    @property
    def can_read_seekers(self) -> bool:
        return self.role in SEEKER_READERS

    @property
    def can_edit_seekers(self) -> bool:
        return self.role in SEEKER_EDITORS

    @property
    def can_read_audit_trail(self) -> bool:
        return self.role in AUDIT_READERS and self.is_state_staff

    @property
    def authenticator_confirmed(self) -> bool:
        return AuthenticatorApp.objects.filter(user=self, confirmed=True).exists()

    @property
    def can_request_access(self) -> bool:
        """Files add / change / disable requests for their own organization's staff (policy 1021 i).

        A designated MIS access requester files for the offices and areas of the designation; the
        MIS security and data sharing administrator files for the state agency's own staff.
        """
        return self.role == Role.ACCESS_REQUESTER or self.can_administer_contracts

    @property
    def can_manage_access(self) -> bool:
        """MIS access management (state IT): works the access request queue, unlocks sign-ins."""
        return self.role == Role.ACCESS_MANAGEMENT and self.is_state_staff

    @property
    def can_administer_contracts(self) -> bool:
        """The MIS security and data sharing administrator: contracts, requesters, reports."""
        return self.role == Role.MIS_ADMIN and self.is_state_staff

    @property
    def can_review_data_edits_locally(self) -> bool:
        """The local board's review of data-edit tickets before they reach the state (seed 004)."""
        return self.role == Role.LWDB_REVIEWER

    @property
    def can_decide_data_edits(self) -> bool:
        """State data-edit staff: work the Title I and Title III queues, approve or deny."""
        return self.role == Role.STATE_DATAEDITS and self.is_state_staff

    @property
    def can_read_data_integrity(self) -> bool:
        from .roles import DATA_INTEGRITY_READERS

        return self.role in DATA_INTEGRITY_READERS


# --- MIS access administration (WorkSource System Policy 1021) ---------------------------------


class AreaGroupObjectPermission(GroupObjectPermissionBase):
    """A group's permission on one workforce development area (guardian, direct foreign key)."""

    content_object = models.ForeignKey(WorkforceDevelopmentArea, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "area permission of a group"


class OfficeGroupObjectPermission(GroupObjectPermissionBase):
    """A group's permission on one office (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Office, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "office permission of a group"


class ContractQuerySet(models.QuerySet):
    def in_effect(self, on: date) -> "ContractQuerySet":
        """Approved contracts covering the day `on`: from 00:00 on the effective date to 00:00 on the expiry date."""
        return self.filter(approved_at__isnull=False, effective_date__lte=on, expiry_date__gt=on)


class Contract(AuditedModel, models.Model):
    """A contract that lets an organization's staff hold MIS access (policy 1021, sections a-c).

    Staff of a non-state organization may hold access only while both a service contract and an
    MIS data sharing contract are in effect. A contract is in effect from 00:00 on its effective
    date until 00:00 on its expiry date (state time): access ends the moment the expiry date begins.
    The administrator approves a contract only with the data owner's signed approval.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", "Service contract (WIOA-affiliated services)"
        DATA_SHARING = "data_sharing", "MIS data sharing contract"

    class Party(models.TextChoices):
        LWDB = "lwdb", "A local workforce development board"
        ESD = "esd", "Employment Security Department"
        DOL = "dol", "U.S. Department of Labor"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contracts"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    party = models.CharField("with", max_length=8, choices=Party.choices)
    number = models.CharField("contract number", max_length=40, blank=True)
    effective_date = models.DateField()
    expiry_date = models.DateField(help_text="Access ends at 00:00 (state time) on this date.")
    business_case = models.TextField()
    data_owner_name = models.CharField("data owner", max_length=120)
    data_owner_signed_on = models.DateField("data owner signed on")
    approved_by = models.ForeignKey(
        "Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "kind", "-expiry_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expiry_date__gt=models.F("effective_date")),
                name="contract_expires_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.organization} ({self.effective_date:%m/%d/%Y}–{self.expiry_date:%m/%d/%Y})"

    def is_in_effect(self, on: date) -> bool:
        return self.approved_at is not None and self.effective_date <= on < self.expiry_date


class ContractWarning(models.Model):
    """A contract-expiry warning that was sent (30 and 7 days ahead), so that it is sent once."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="warnings")
    days_ahead = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "days_ahead"], name="one_warning_per_contract_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_ahead}-day warning for {self.contract}"


class StaffSession(models.Model):
    """Which sessions belong to whom, so that ending someone's access ends every one of their sessions."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="session_keys")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        # Never the key itself: it signs the session in.
        return f"A session of {self.staff}"


class AuthenticatorApp(TOTPDevice):
    """A staff member's authenticator app: django-otp's TOTP device (RFC 6238), the second factor.

    The device's `key` column holds the secret sealed with `MFA_KEYS` and bound to its owner
    (access.mfa), never the secret itself; django-otp reads it through `bin_key`.
    """

    class Meta:
        proxy = True
        verbose_name = "authenticator app"

    def __str__(self):
        return f"Authenticator app of {self.user}"

    @property
    def bin_key(self) -> bytes:
        return mfa.open_secret(self.key, self.user_id)

    def set_secret(self, secret: bytes) -> None:
        self.key = mfa.seal_secret(secret, self.user_id)

    @property
    def secret_base32(self) -> str:
        return mfa.base32(self.bin_key)


class RecoveryCodes(StaticDevice):
    """A staff member's one-time recovery codes: django-otp's static device.

    Each token is `mfa.recovery_token(code)`, a hash, so a code typed at sign-in is hashed before
    django-otp looks it up (and deletes it: a code works once).
    """

    class Meta:
        proxy = True
        verbose_name = "recovery codes"

    def __str__(self):
        return f"Recovery codes of {self.user}"

    def verify_token(self, token) -> bool:
        return super().verify_token(mfa.recovery_token(str(token)))

    def replace_codes(self, codes: list[str]) -> None:
        self.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=self, token=mfa.recovery_token(c)) for c in codes
        )

    @property
    def left(self) -> int:
        return self.token_set.count()


class ConfidentialityAgreement(AuditedModel, models.Model):
    """A signed non-disclosure / confidentiality agreement: the typed name is the signature."""

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="confidentiality_agreements"
    )
    typed_name = models.CharField(max_length=150)
    version = models.CharField(max_length=20)
    # Attachment I's fields, as they were when the agreement was signed.
    first_name = models.CharField("staff first name", max_length=150, blank=True)
    last_name = models.CharField("staff last name", max_length=150, blank=True)
    role = models.CharField("staff role", max_length=80, blank=True)
    user_id = models.CharField("staff user ID", max_length=150, blank=True)
    # Every area and office the person was assigned, however many: the record is kept as signed.
    area = models.TextField("local workforce development area")
    offices = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self):
        return f"Confidentiality agreement signed by {self.typed_name} on {self.signed_at:%m/%d/%Y}"


class AccessRequest(AuditedModel, models.Model):
    """A designated MIS access requester's request to add, change or disable a user (policy 1021 i-k).

    MIS access management works the queue oldest first; the person deciding is never the
    requester. Add and change requests are carried out when approved: granting access always
    waits for a second person. A disable takes effect at its effective date and time whether or
    not it was approved yet (taking access away never waits): approved before, it is scheduled;
    if it took effect first, the approval confirms it; rejected before its time, it is cancelled.
    """

    class Kind(models.TextChoices):
        ADD = "add", "Add a user"
        CHANGE = "change", "Change a user"
        DISABLE = "disable", "Disable a user"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for MIS access management"
        SCHEDULED = "scheduled", "Approved: disables at its effective date"
        IN_EFFECT = "in_effect", "Took effect: waiting for MIS access management to confirm"
        COMPLETED = "completed", "Done"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Action(models.TextChoices):
        APPROVE = "approve", "approved"  # add and change
        SCHEDULE = "schedule", "approved to disable at its effective date"
        REJECT = "reject", "rejected"
        WITHDRAW = "withdraw", "withdrawn"
        DISABLE = "disable", "carried out"
        TAKE_EFFECT = "take_effect", "put into effect before its approval"
        CONFIRM = "confirm", "confirmed"

    class DisableReason(models.TextChoices):
        RESIGNATION = "resignation", "Resignation"
        RETIREMENT = "retirement", "Retirement"
        TERMINATION = "termination", "Termination"
        DISMISSED_FOR_CAUSE = "dismissed_for_cause", "Dismissed for cause"
        END_OF_PROJECT = "end_of_project", "End of project"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Seed 004: "In the event that staff ... have been dismissed for any reason, the appropriate
    # State agency must be notified immediately": such a disable may take effect at once.
    DISMISSALS = (DisableReason.TERMINATION, DisableReason.DISMISSED_FOR_CAUSE)
    requested_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="access_requests_filed"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # The user: chosen for change and disable; for add, the account made when approved.
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="access_requests"
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField("work email", blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField("profile (role)", max_length=32, choices=Role.choices, blank=True)
    offices = models.ManyToManyField(Office, blank=True, related_name="+")
    # For an add: the office the user logs into, one of `offices` (the requester chooses it).
    logs_into = models.ForeignKey(
        Office,
        verbose_name="office the user logs into",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    training_completed_on = models.DateField("MIS training completed on", null=True, blank=True)
    supervisor_certified = models.BooleanField(default=False)
    disable_reason = models.CharField(max_length=20, choices=DisableReason.choices, blank=True)
    disable_reason_other = models.CharField("other reason", max_length=200, blank=True)
    effective_at = models.DateTimeField("effective", null=True, blank=True)
    decided_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    logon_id = models.CharField(max_length=150, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person_name} (request {self.pk})"

    @property
    def person_name(self) -> str:
        if self.staff_id:
            return str(self.staff)
        return f"{self.first_name} {self.last_name}".strip()


# The access request's state machine: services are the only callers, through `next_state()`.
_Status, _Action = AccessRequest.Status, AccessRequest.Action
ACCESS_REQUESTS = Machine(
    noun="access request",
    statuses=_Status,
    actions=_Action,
    table={
        (_Status.PENDING, _Action.APPROVE): _Status.COMPLETED,  # add and change
        (_Status.PENDING, _Action.SCHEDULE): _Status.SCHEDULED,  # disable
        (_Status.PENDING, _Action.REJECT): _Status.REJECTED,
        (_Status.PENDING, _Action.WITHDRAW): _Status.WITHDRAWN,
        (_Status.SCHEDULED, _Action.DISABLE): _Status.COMPLETED,
        # A disable not yet approved takes effect at its time all the same; the approval then
        # confirms it.
        (_Status.PENDING, _Action.TAKE_EFFECT): _Status.IN_EFFECT,
        (_Status.IN_EFFECT, _Action.CONFIRM): _Status.COMPLETED,
    },
)


class Report(AuditedModel, models.Model):
    """A report the policy requires to reach the MIS security administrator at once.

    Records requests and subpoenas (policy 1021 d) and security breaches or system abuse
    (policy 1021 h.ix). The administrator tracks each to closure; every status change is kept.
    """

    class Kind(models.TextChoices):
        RECORDS_REQUEST = "records_request", "Public records request"
        SUBPOENA = "subpoena", "Subpoena"
        SECURITY_BREACH = "security_breach", "MIS security breach"
        SYSTEM_ABUSE = "system_abuse", "MIS system abuse"

    class Status(models.TextChoices):
        REPORTED = "reported", "Reported"
        IN_REVIEW = "in_review", "In review"
        CLOSED = "closed", "Closed"

    class Action(models.TextChoices):
        REVIEW = "review", "taken into review"
        CLOSE = "close", "closed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="reports_filed")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField("received or discovered on")
    summary = models.CharField(max_length=200)
    details = models.TextField()
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}: {self.summary}"


REPORTS = Machine(
    noun="report",
    statuses=Report.Status,
    actions=Report.Action,
    table={
        (Report.Status.REPORTED, Report.Action.REVIEW): Report.Status.IN_REVIEW,
        (Report.Status.REPORTED, Report.Action.CLOSE): Report.Status.CLOSED,
        (Report.Status.IN_REVIEW, Report.Action.CLOSE): Report.Status.CLOSED,
    },
)


class ReportEvent(models.Model):
    """One step of a report's history: who moved it to which status, when, and the note they left."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} by {self.by} at {shown(self.at)}"
