"""Every write of the quarter close: the close and its figures, an exception, an extract's download."""

from typing import TYPE_CHECKING

from auditlog.diff import model_instance_diff
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from dataedits.access import access_ticket
from dataedits.models import DataEditTicket
from dataedits.rules import Quarter
from portal.audit import audit_access, audit_reason
from portal.errors import PortalError
from portal.text import checked_text

from .models import CloseException, ExtractDownload, QuarterClose, QuarterFigure
from .policies import close_refusal, closes_quarters, exception_refusal
from .selectors import CHUNK, counted_service_types, quarter_figures

if TYPE_CHECKING:
    from access.models import Staff


def quarter_close(*, actor: "Staff", quarter: Quarter) -> QuarterClose:
    """Closes the quarter: its figures are written once, as they stand today, in one transaction."""
    now = timezone.now()
    today = timezone.localdate(now)
    if refusal := close_refusal(actor, quarter, today):
        raise refusal
    try:
        with transaction.atomic():
            close = QuarterClose(
                program_year=quarter.program_year,
                number=quarter.number,
                label=str(quarter),
                closed_by=actor,
                closed_at=now,
                as_of=today,
                rows=0,
                service_types=counted_service_types(),
            )
            # Inserted without its audit entry (bulk_create sends no signal): the entry is written
            # once the figures are, and so carries their count.
            QuarterClose.objects.bulk_create([close])
            batch: list[QuarterFigure] = []
            for figure in quarter_figures(quarter, as_of=today):
                batch.append(QuarterFigure(close=close, **figure.__dict__))
                if len(batch) >= CHUNK:
                    close.rows += len(QuarterFigure.objects.bulk_create(batch))
                    batch = []
            close.rows += len(QuarterFigure.objects.bulk_create(batch))
            QuarterClose.objects.filter(pk=close.pk).update(rows=close.rows)
            with audit_reason(
                f"{quarter} closed: {close.rows} rows kept for the federal extract", actor=actor
            ):
                AuditEntry.objects.log_create(
                    close,
                    action=AuditEntry.Action.CREATE,
                    changes=model_instance_diff(None, close),
                )
    except IntegrityError:
        # Two people pressed Close at once: the other one closed it.
        raise PortalError(
            f"{quarter} is already closed: it is closed once.", code="already_closed"
        ) from None
    return close


def close_exception_record(
    *, actor: "Staff", ticket: DataEditTicket, close: QuarterClose, reason: str
) -> CloseException:
    """The state records why a ticket may still change a closed quarter; it may then be approved."""
    reason = checked_text(reason, label="the reason", required=True, limit=2000)
    with transaction.atomic():
        locked = access_ticket(actor, ticket.pk, lock=True)
        if refusal := exception_refusal(actor, locked, close):
            raise refusal
        exception = CloseException(ticket=locked, close=close, reason=reason, recorded_by=actor)
        with audit_reason(
            f"exception recorded for data-edit ticket #{locked.pk} in {close.label}", actor=actor
        ):
            exception.save()
    return exception


def extract_download(*, actor: "Staff", close: QuarterClose) -> ExtractDownload:
    """Records a download of the quarter's extract. The extract lists seekers, so its trail entry
    is a read (one access entry, as every export's): which quarter, and how many rows."""
    if not closes_quarters(actor):
        raise PortalError(
            "Only the state's data-edit staff download the federal extract.",
            code="not_state_staff",
        )
    with transaction.atomic():
        download = ExtractDownload.objects.create(
            close=close, quarter=close.label, rows=close.rows, downloaded_by=actor
        )
        audit_access(
            download,
            actor=actor,
            reason=f"federal extract of {close.label} downloaded: {close.rows} rows",
            rows=close.rows,
            filter=close.label,
        )
    return download
