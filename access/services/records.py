"""Records requests, subpoenas, security breaches and system abuse: filed, reviewed and closed (policy 1021 k, l)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_reason
from portal.dates import shown
from portal.errors import PortalError
from portal.text import checked_line, checked_text, in_sentence

from ..models import (
    REPORTS,
    Report,
    ReportEvent,
    Staff,
)
from ..policies import report_refusal
from .common import administrator_emails, notify


def report_file(
    *, actor: Staff, kind: str, occurred_on: date, summary: str, details: str
) -> Report:
    """Anyone reports; the administrator is alerted at once (policy 1021 d and h.ix)."""
    if kind not in Report.Kind.values:
        raise PortalError("Choose what you are reporting.", code="kind")
    summary = checked_line(summary, label="the summary", limit=200)
    details = checked_text(details, label="the details")
    if not summary or not details:
        raise PortalError("Give a summary and the details.", code="incomplete")
    if occurred_on > timezone.localdate():
        raise PortalError("The date cannot be in the future.", code="date")
    with transaction.atomic(), audit_reason("report filed", actor=actor):
        report = Report.objects.create(
            kind=kind,
            reported_by=actor,
            organization=actor.organization,
            occurred_on=occurred_on,
            summary=summary,
            details=details,
        )
        ReportEvent.objects.create(report=report, status=report.status, note="Reported.", by=actor)
        notify(
            to=list(administrator_emails()),
            subject=f"{report.get_kind_display()} reported: {report.summary}",
            body=(
                f"{actor} ({actor.organization}) reported a {in_sentence(report.get_kind_display())} on "
                f"{shown(report.reported_at)}.\n\n{report.summary}\n\n"
                "Open the report in the WorkSource portal for the details."
            ),
        )
    return report


def report_move(*, actor: Staff, report_id: int, action: str, note: str) -> Report:
    """The administrator moves a report on (in review, closed), with a note kept in its history."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if refusal := report_refusal(actor, report):
            raise refusal
        note = checked_text(note, label="the note")
        if action == Report.Action.CLOSE and not note:
            raise PortalError("Say how the report was resolved before closing it.", code="note")
        with audit_reason(f"report {action}", actor=actor):
            report.status = REPORTS.next_state(report.status, action)
            report.save(update_fields=["status"])
            ReportEvent.objects.create(report=report, status=report.status, note=note, by=actor)
        notify(
            to=[report.reported_by.email],
            subject=f"Your report is {in_sentence(report.get_status_display())}: {report.summary}",
            body=f'The MIS security administrator moved your report to "{report.get_status_display()}".\n\n{note}',
        )
    return report
