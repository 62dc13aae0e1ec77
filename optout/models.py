"""Opt-out (seeds 000, 001, 002): the Opt-Out Lookup, opt-in requests, and the flag's history.

The flag itself is `participants.Participant.opted_out`; every change to it goes through
`optout.services.participant_set_opt_out` and leaves an `OptOutChange`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.audit import AuditedModel

from .querysets import OptInRequestQuerySet
from .states import Status


class OptOutLookup(AuditedModel, models.Model):
    """One use of the Opt-Out Lookup widget by partner staff: who, when, and what it answered.

    The lookup is an oracle on SSNs, so every use is kept and audited; the SSN is kept only as
    its blind index. `participant` is set only when the answer was CLIENT OPTED OUT, and is
    what an opt-in request filed from this answer is about.
    """

    class Result(models.TextChoices):
        OPTED_OUT = "opted_out", "CLIENT OPTED OUT"
        NO_OPT_OUT = "no_opt_out", "No opt-out on file"
        RATE_LIMITED = "rate_limited", "Refused: hourly lookup limit reached"

    staff = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, related_name="opt_out_lookups"
    )
    looked_up_at = models.DateTimeField(default=timezone.now, editable=False)
    ssn_index = models.CharField("SSN (blind index)", max_length=64, editable=False)
    result = models.CharField(max_length=16, choices=Result.choices, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-looked_up_at", "-pk"]
        indexes = [models.Index(fields=["staff", "looked_up_at"], name="optout_lookup_staff")]

    def __str__(self):
        return f"Opt-Out Lookup by {self.staff.username}: {self.get_result_display()}"

    @property
    def found_opted_out(self) -> bool:
        return self.result == self.Result.OPTED_OUT


class OptInRequest(AuditedModel, models.Model):
    """A partner case manager's request that an opted-out client be opted back in (seed 000).

    Filed from a CLIENT OPTED OUT answer of the Opt-Out Lookup, it goes to the ESD WIOA
    supervisors of the filer's workforce development area, who talk to the client and record the
    decision. It moves only along `states.OPT_IN_REQUESTS`, through `optout.services`. The filer sees only
    what the lookup showed (the client's name) and what they typed; never the seeker's record.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="opt_in_requests"
    )
    lookup = models.ForeignKey(
        OptOutLookup, on_delete=models.PROTECT, related_name="opt_in_requests"
    )
    filed_by = models.ForeignKey(
        "access.Staff", on_delete=models.PROTECT, related_name="opt_in_requests_filed"
    )
    office = models.ForeignKey("access.Office", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "access.WorkforceDevelopmentArea", on_delete=models.PROTECT, related_name="opt_in_requests"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    client_name = models.CharField(max_length=200)
    client_phone = models.CharField("client's phone", max_length=20)
    client_reason = models.TextField("why the client wants to opt in", max_length=1000)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FILED)
    decided_by = models.ForeignKey(
        "access.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opt_in_requests_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    client_contacted_on = models.DateField("date of contact with the client", null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=1000)
    esd_staff_offered = models.BooleanField(
        "working with an ESD WIOA staff member was offered", default=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField("last overdue reminder", null=True, blank=True)

    objects = OptInRequestQuerySet.as_manager()

    class Meta:
        ordering = ["filed_at", "pk"]
        indexes = [models.Index(fields=["status", "area", "filed_at"], name="optin_request_queue")]

    def __str__(self):
        return f"Opt-in request {self.pk}: {self.client_name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == Status.FILED

    @property
    def overdue_at(self):
        return self.filed_at + timedelta(days=settings.OPTOUT_REQUEST_OVERDUE_DAYS)

    @property
    def is_overdue(self) -> bool:
        """No supervisor action for the configured number of days (30 by default)."""
        return self.is_open and timezone.now() >= self.overdue_at


class OptOutChange(AuditedModel, models.Model):
    """One change of a seeker's opt-out flag: who, when, why, and the opt-in request it answers.

    Shown to state staff on the seeker's record as the flag's full history.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="opt_out_changes"
    )
    opted_out = models.BooleanField(help_text="The flag after the change.")
    changed_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=1000)
    opt_in_request = models.ForeignKey(
        OptInRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opt_out_changes",
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        state = "opted out" if self.opted_out else "opted in"
        return f"{self.participant.customer_id} {state} by {self.changed_by.username}"
