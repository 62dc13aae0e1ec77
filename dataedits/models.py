import uuid
from datetime import date
from pathlib import PurePath

from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone

from portal.audit import AuditedModel
from portal.states import Machine
from portal.text import in_sentence

from . import rules
from .querysets import (
    CaseNoteQuerySet,
    DocumentQuerySet,
    ParticipantChildQuerySet,
    TicketQuerySet,
)
from .rules import Reason
from .storage import private_storage


class Program(models.TextChoices):
    ADULT = "adult", "Title I Adult"
    DISLOCATED_WORKER = "dislocated_worker", "Title I Dislocated Worker"
    YOUTH = "youth", "Title I Youth"
    WAGNER_PEYSER = "wagner_peyser", "Title III Wagner-Peyser"


class Title(models.TextChoices):
    """The state queue a data-edit ticket goes to (seed 004: Title I and Title III requests)."""

    TITLE_I = "title_i", "Title I"
    TITLE_III = "title_iii", "Title III"


PROGRAM_TITLE = {
    Program.ADULT: Title.TITLE_I,
    Program.DISLOCATED_WORKER: Title.TITLE_I,
    Program.YOUTH: Title.TITLE_I,
    Program.WAGNER_PEYSER: Title.TITLE_III,
}


class ServiceType(AuditedModel, models.Model):
    """A type of service in the catalog; only types that count toward participation make periods."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    counts_toward_participation = models.BooleanField(
        help_text="Services of this type open and extend periods of participation (follow-up services do not)."
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive types cannot be chosen for new services."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FollowUpKind(models.TextChoices):
    """What a follow-up service was (seed 004, "Follow-up services"); the last two are not follow-ups."""

    WORKPLACE_COUNSELING = "workplace_counseling", "Counseling about the workplace"
    CAREER_PLANNING = "career_planning", "Additional career planning and counseling"
    EMPLOYER_CONTACT = (
        "employer_contact",
        "Contact with the employer, including help with work-related issues",
    )
    PEER_SUPPORT = "peer_support", "Peer support group"
    EDUCATION_REFERRAL = (
        "education_referral",
        "Information about Partner or Referral educational opportunities",
    )
    LABOR_MARKET_INFORMATION = "labor_market_information", "Labor market information"
    ATTEMPTED_CONTACT = "attempted_contact", "Attempted contact with the participant"
    DOCUMENTATION_CONTACT = (
        "documentation_contact",
        "Contact to collect documentation or performance measures",
    )


# Seed 004: "Attempted contact with the participant or contact made for the collection of
# documentation or performance measures are not acceptable follow-up services".
NOT_FOLLOW_UPS = (FollowUpKind.ATTEMPTED_CONTACT, FollowUpKind.DOCUMENTATION_CONTACT)
FOLLOW_UP_TYPE = "follow_up"


class Service(AuditedModel, models.Model):
    """A service delivered to an enrolled seeker (seed 004, "Service Entry").

    Recorded in the office the case manager is logged into; entered more than seven calendar
    days after its start it is kept but flagged late; a future start date is refused. Once
    recorded, a service changes only through an approved data-edit ticket.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="services"
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="services")
    program = models.CharField(max_length=32, choices=Program.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    office = models.ForeignKey("access.Office", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    is_late = models.BooleanField(
        default=False, help_text="Entered more than seven calendar days after its date."
    )
    follow_up_kind = models.CharField(max_length=32, choices=FollowUpKind.choices, blank=True)

    objects = ParticipantChildQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "end_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="service_ends_after_it_starts"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "start_date"], name="service_participant"),
            models.Index(fields=["office", "start_date"], name="service_office"),
        ]

    def __str__(self):
        if self.start_date == self.end_date:
            return f"{self.service_type} on {self.start_date:%m/%d/%Y}"
        return f"{self.service_type}, {self.start_date:%m/%d/%Y} to {self.end_date:%m/%d/%Y}"

    @property
    def title(self) -> str:
        return PROGRAM_TITLE[self.program]


class CaseNote(AuditedModel, models.Model):
    """A case note (seed 004, "Case notes"): due within seven calendar days of the contact date.

    A note that names a medical condition or disability (29 CFR 38.41(b)(3)) is flagged when it is
    written and is seen only in its author's office and by state staff (`readable_by`).
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="case_notes"
    )
    contact_date = models.DateField()
    text = models.TextField()
    office = models.ForeignKey("access.Office", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    is_late = models.BooleanField(
        default=False, help_text="Entered more than seven calendar days after the contact."
    )
    names_condition = models.BooleanField(
        "names a medical condition or disability",
        default=False,
        help_text="Seen only in its author's office and by state staff (29 CFR 38.41(b)(3)).",
    )

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_date", "-pk"]
        indexes = [
            models.Index(fields=["participant", "contact_date"], name="case_note_participant")
        ]

    def __str__(self):
        return f"Case note of {self.contact_date:%m/%d/%Y} by {self.author}"


class TicketState(models.TextChoices):
    DRAFT = "draft", "Draft"
    LOCAL_REVIEW = "local_review", "Local board review"
    STATE_QUEUE = "state_queue", "State queue"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn by the filer"
    DELETED = "deleted", "Deleted draft"


class TicketAction(models.TextChoices):
    EDIT = "edit", "edited"
    DELETE = "delete", "deleted"
    SUBMIT = "submit", "submitted for local board review"
    WITHDRAW = "withdraw", "withdrawn"
    LOCAL_APPROVE = "local_approve", "approved by the local board"
    LOCAL_DENY = "local_deny", "denied by the local board"
    SKIP_LOCAL = "skip_local", "sent straight to the state (no local reviewer may see the seeker)"
    APPROVE = "approve", "approved by the state"
    DENY = "deny", "denied by the state"


# The one transition table of data-edit tickets. Services change a ticket's state only through
# `dataedits.services`, which ask this table for every move. The filer edits or deletes a draft,
# and withdraws a submitted ticket until the local board acts on it; nothing else is undone.
# A deleted draft keeps its row (and its audit entries), seen by nobody.
# What the filer writes on a draft; the rest (seeker, office, filer, status) is the portal's.
TICKET_FILER_FIELDS = (
    "subject",
    "need_type",
    "filer_phone",
    "kind",
    "service",
    "new_service_type",
    "new_program",
    "new_start_date",
    "new_end_date",
    "seeker_field",
    "seeker_value",
    "gain_type",
    "gain_date",
    "what_is_wrong",
    "what_is_right",
    "justification",
)


TICKETS = Machine(
    noun="data-edit ticket",
    statuses=TicketState,
    actions=TicketAction,
    table={
        (TicketState.DRAFT, TicketAction.EDIT): TicketState.DRAFT,
        (TicketState.DRAFT, TicketAction.DELETE): TicketState.DELETED,
        (TicketState.DRAFT, TicketAction.SUBMIT): TicketState.LOCAL_REVIEW,
        (TicketState.LOCAL_REVIEW, TicketAction.WITHDRAW): TicketState.WITHDRAWN,
        (TicketState.LOCAL_REVIEW, TicketAction.LOCAL_APPROVE): TicketState.STATE_QUEUE,
        (TicketState.LOCAL_REVIEW, TicketAction.LOCAL_DENY): TicketState.DENIED,
        (TicketState.LOCAL_REVIEW, TicketAction.SKIP_LOCAL): TicketState.STATE_QUEUE,
        (TicketState.STATE_QUEUE, TicketAction.APPROVE): TicketState.APPROVED,
        (TicketState.STATE_QUEUE, TicketAction.DENY): TicketState.DENIED,
    },
)


class ChangeKind(models.TextChoices):
    ADD_SERVICE = "add_service", "Add a service"
    MODIFY_SERVICE = "modify_service", "Modify a service"
    DELETE_SERVICE = "delete_service", "Delete a service"
    CORRECT_SEEKER_DATA = "correct_seeker_data", "Correct a demographic field"
    MEASURABLE_SKILLS_GAIN = "measurable_skills_gain", "Record a measurable skills gain"


class SkillsGainType(models.TextChoices):
    """The five types of measurable skills gain of WIOA performance reporting."""

    EDUCATIONAL_FUNCTIONING_LEVEL = (
        "educational_functioning_level",
        "Educational functioning level achieved",
    )
    SECONDARY_DIPLOMA = "secondary_diploma", "Secondary school diploma or equivalent attained"
    TRANSCRIPT = "transcript", "Secondary or postsecondary transcript or report card"
    TRAINING_MILESTONE = "training_milestone", "Training milestone"
    SKILLS_PROGRESSION = "skills_progression", "Skills progression (passed an exam)"


class NeedType(models.TextChoices):
    """Attachment II: the type of case management need the ticket is about."""

    PARTICIPANT_DATA = "participant_data", "Participant data edit"
    DEMOGRAPHIC_SNAPSHOT = "demographic_snapshot", "Demographic snapshot"
    MEASURABLE_SKILLS_GAIN = "measurable_skills_gain", "Measurable skills gain"
    OTHER = "other", "Other case management need"


class SeekerField(models.TextChoices):
    """The seeker's demographic fields a data-edit ticket may correct."""

    FIRST_NAME = "first_name", "First name"
    MIDDLE_NAME = "middle_name", "Middle name"
    LAST_NAME = "last_name", "Last name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"


# A denial gives the rules' reasons, or this one from the policy's list (seed 004, "Processes").
NOT_POLICY_COMPLIANT = "not_policy_compliant"
DENIAL_REASONS = [(str(r), r.text) for r in Reason] + [
    (NOT_POLICY_COMPLIANT, "Does not comply with policy.")
]
DENIAL_REASON_TEXT = dict(DENIAL_REASONS)


class DataEditTicket(AuditedModel, models.Model):
    """A data-edit request about one seeker (seed 004, "Data Edit Request" and "Processes").

    Filed as a draft by a case manager, reviewed by the local board, then worked first in,
    first out by state data-edit staff in the Title I or Title III queue, who approve it (the
    change is applied) or deny it with reasons. Nobody reviews or approves a ticket they filed.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="data_edit_tickets"
    )
    office = models.ForeignKey("access.Office", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=TicketState.choices, default=TicketState.DRAFT)
    kind = models.CharField(max_length=24, choices=ChangeKind.choices)
    title = models.CharField(max_length=12, choices=Title.choices)

    # The change. Modify and delete name a service; the service's values when the ticket was
    # filed are kept too, since an approved deletion removes the service itself.
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    service_snapshot = models.JSONField(default=dict, blank=True)
    new_service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_program = models.CharField(max_length=32, choices=Program.choices, blank=True)
    new_start_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    seeker_field = models.CharField(max_length=32, choices=SeekerField.choices, blank=True)
    seeker_value = models.CharField(max_length=200, blank=True)

    # A measurable skills gain (its own kind of ticket, under the same 20-day rule).
    gain_type = models.CharField(max_length=32, choices=SkillsGainType.choices, blank=True)
    gain_date = models.DateField("date of the gain", null=True, blank=True)

    # Attachment II: the subject, the filer's work phone (digits only) and the type of need.
    subject = models.CharField(max_length=200, blank=True)
    filer_phone = models.CharField("work phone", max_length=10, blank=True)
    need_type = models.CharField(
        "type of need", max_length=32, choices=NeedType.choices, blank=True
    )

    what_is_wrong = models.TextField(blank=True)
    what_is_right = models.TextField(blank=True)
    justification = models.TextField(blank=True)
    supporting_notes = models.ManyToManyField(CaseNote, blank=True, related_name="tickets")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Seed 004: a request "must be submitted to the appropriate State Agency within 20 days after
    # the end of the applicable quarter": it counts as filed with the state when the local board
    # sends it on, and the deadline is measured on that day.
    filed_on = models.DateField(
        "filed with the state on",
        null=True,
        blank=True,
        help_text="The day the local board sent it to the state: the 20-day deadline is measured here.",
    )
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The last day the state may receive it: its applicable quarter's end plus 20 days.",
    )
    # Where the local step went, when not to the area's board (the seeker opted out of data sharing).
    routing_note = models.CharField(max_length=300, blank=True)
    # The state's reply that the ticket was received (Attachment II, "OESC will reply ...").
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The state queue's order: when the ticket arrived, and when it counts as received
    # (after 4:00 PM or on a weekend: the next business day at 7:00 AM).
    received_at = models.DateTimeField(null=True, blank=True)
    counted_received_at = models.DateTimeField(null=True, blank=True)

    local_reviewer = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_reviewed_at = models.DateTimeField(null=True, blank=True)
    local_justified = models.BooleanField(null=True, blank=True)
    local_documented = models.BooleanField(null=True, blank=True)
    local_aligned = models.BooleanField(null=True, blank=True)
    local_note = models.TextField(blank=True)

    decided_by = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    denial_reasons = models.JSONField(default=list, blank=True)
    decision_note = models.TextField(blank=True)
    # The latest pre-check (rules.Decision.as_json()), kept with the ticket for the reviewers.
    precheck = models.JSONField(default=dict, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "title", "counted_received_at"], name="ticket_state_queue"
            ),
            models.Index(fields=["status", "deadline", "submitted_at"], name="ticket_local_queue"),
        ]

    def __str__(self):
        return f"Data-edit ticket #{self.pk}: {in_sentence(self.get_kind_display())}"

    @property
    def receipt_wait_text(self) -> str:
        """Why the state queue counts the ticket as received later than it arrived, if it does:
        "received after 4:00 PM", "on a weekend" or "before 7:00 AM", only the one that applies."""
        if self.received_at is None:
            return ""
        wait = rules.receipt_wait(timezone.localtime(self.received_at))
        if wait is None:
            return ""
        if wait == rules.ReceiptWait.WEEKEND:
            return "received on a weekend"
        if wait == rules.ReceiptWait.AFTER_CLOSING:
            return f"received after {formats.time_format(rules.BUSINESS_CLOSES, 'TIME_FORMAT')}"
        return f"received before {formats.time_format(rules.BUSINESS_OPENS, 'TIME_FORMAT')}"

    @property
    def snapshot(self) -> dict:
        """The target service as it was when the ticket was filed, with real dates and the program's name."""
        if not self.service_snapshot:
            return {}
        return self.service_snapshot | {
            "start_date": date.fromisoformat(self.service_snapshot["start"]),
            "end_date": date.fromisoformat(self.service_snapshot["end"]),
            "program_name": Program(self.service_snapshot["program"]).label,
        }

    @property
    def denial_reason_texts(self) -> list[str]:
        return [DENIAL_REASON_TEXT.get(code, code) for code in self.denial_reasons]

    def days_left(self, today: date) -> int | None:
        """Days until the deadline at the state (0 on the day itself, negative once it has passed)."""
        return (self.deadline - today).days if self.deadline else None


class SkillsGain(AuditedModel, models.Model):
    """A measurable skills gain, recorded by an approved data-edit ticket (seed 004)."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="skills_gains"
    )
    program = models.CharField(max_length=32, choices=Program.choices)
    gain_type = models.CharField(max_length=32, choices=SkillsGainType.choices)
    achieved_on = models.DateField()
    ticket = models.OneToOneField(
        DataEditTicket, on_delete=models.PROTECT, related_name="skills_gain"
    )

    objects = ParticipantChildQuerySet.as_manager()

    class Meta:
        ordering = ["achieved_on", "pk"]

    def __str__(self):
        return f"{self.get_gain_type_display()} on {self.achieved_on:%m/%d/%Y}"


def document_path(instance, filename):
    """A random name: the uploaded name is kept for display only, never as a path."""
    suffix = PurePath(filename).suffix.lower()
    return f"dataedits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class SupportingDocument(AuditedModel, models.Model):
    """A document supporting a data-edit ticket (PDF, PNG or JPEG), kept in private storage."""

    ticket = models.ForeignKey(DataEditTicket, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
