"""The quarter close: a program-year quarter's figures kept as they stood, for the federal extract.

Seed 004: data edits are allowed until 20 days after a quarter ends so that the state can prepare
the quarterly report due about 45 days after it. From the 21st day, state data-edit staff close
the quarter: its figures (one row per seeker per program, PIRL's elements) are written once into
`QuarterFigure` and never change, so the extract made from them is the same whenever it is
downloaded. A data-edit ticket about a closed quarter is approved only through a
`CloseException` the state records, and reconciliation lists what each such approval changed.
"""

from django.db import models
from django.utils import timezone

from dataedits.models import Program
from dataedits.rules import Quarter
from portal.audit import AuditedModel


class QuarterClose(AuditedModel, models.Model):
    """A closed program-year quarter: who closed it, when, and what its figures were worked out on."""

    program_year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField("quarter")
    # Spelled out ("PY2026 Q1") so that the audit trail's entry names the quarter.
    label = models.CharField(max_length=12)
    closed_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField(
        help_text="The day the figures were worked out: exits are those determined on this day."
    )
    rows = models.PositiveIntegerField(help_text="Rows of the extract: seekers × programs.")
    # The counted service types when the quarter closed, [code, name] in the extract's order: the
    # extract's columns stay the same if the catalog changes later.
    service_types = models.JSONField(default=list)

    class Meta:
        ordering = ["-program_year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "number"], name="one_close_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.label} closed"

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.program_year, self.number)


class QuarterFigure(models.Model):
    """One seeker in one program in a closed quarter, as the figures stood at the close.

    Written once by the close and never changed; the seeker's own values (customer ID, state,
    ZIP code, date of birth) are copied too, so that a later correction does not reach a
    reported quarter. Opted-out seekers are here like everyone else (seed 002: their services
    "are counted or available to extract").
    """

    close = models.ForeignKey(QuarterClose, on_delete=models.PROTECT, related_name="figures")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    customer_id = models.CharField(max_length=12)
    program = models.CharField(max_length=32, choices=Program.choices)
    entry_date = models.DateField()
    exit_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Counted services of the quarter by catalog code: {"career_guidance": 2, ...}.
    services = models.JSONField(default=dict)

    class Meta:
        ordering = ["close", "customer_id", "program"]
        constraints = [
            models.UniqueConstraint(
                fields=["close", "participant", "program"], name="one_figure_per_seeker_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.get_program_display()}, {self.close.label}"


class CloseException(AuditedModel, models.Model):
    """The state's recorded exception that lets one data-edit ticket change a closed quarter."""

    ticket = models.ForeignKey(
        "dataedits.DataEditTicket", on_delete=models.PROTECT, related_name="close_exceptions"
    )
    close = models.ForeignKey(QuarterClose, on_delete=models.PROTECT, related_name="exceptions")
    reason = models.TextField()
    recorded_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "close"], name="one_exception_per_close")
        ]

    def __str__(self) -> str:
        return f"Exception for data-edit ticket #{self.ticket_id} in {self.close.label}"


class ExtractDownload(AuditedModel, models.Model):
    """A download of a closed quarter's extract: one audit entry naming the quarter and its rows."""

    close = models.ForeignKey(QuarterClose, on_delete=models.PROTECT, related_name="downloads")
    quarter = models.CharField(max_length=12)
    rows = models.PositiveIntegerField()
    downloaded_by = models.ForeignKey("access.Staff", on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Extract of {self.quarter} ({self.rows} rows)"
