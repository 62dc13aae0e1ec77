"""The quarter pages: the quarters and their close, the federal extract, reconciliation."""

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from access.models import Staff
from dataedits.access import access_ticket
from dataedits.models import DataEditTicket
from dataedits.rules import Quarter
from portal.web import Capability, CapabilityRequiredMixin, ConfirmedActionView, FormView

from . import pirl, selectors, services
from .forms import ExceptionForm
from .models import CloseException, QuarterClose
from .policies import close_refusal, closes_quarters, exception_refusal


class StaffRequest(HttpRequest):
    user: Staff


class QuarterMixin(CapabilityRequiredMixin):
    """The quarter pages are for the state's data-edit staff (reporting.policies)."""

    capability: Capability = closes_quarters
    refusal = "Closing quarters and the federal extract are for the state's data-edit staff."
    request: StaffRequest
    kwargs: dict[str, Any]

    def quarter(self) -> Quarter:
        """The quarter the URL names; a quarter that cannot be is not found."""
        year, number = self.kwargs["program_year"], self.kwargs["number"]
        if not (1900 <= year <= 9998 and 1 <= number <= 4):
            raise Http404("There is no such program year quarter.")
        return Quarter(year, number)

    def closed(self) -> QuarterClose | None:
        quarter = self.quarter()
        return (
            selectors.closed_quarters()
            .filter(program_year=quarter.program_year, number=quarter.number)
            .first()
        )

    def not_closed(self) -> HttpResponse:
        messages.error(
            self.request,
            f"{self.quarter()} is not closed: its extract and reconciliation exist once it is.",
        )
        return redirect("reporting:quarters")


class QuartersView(QuarterMixin, View):
    def get(self, request: StaffRequest) -> HttpResponse:
        return render(request, "reporting/quarters.html", {"rows": selectors.quarter_rows()})


class CloseView(QuarterMixin, ConfirmedActionView):
    """Closing asks for a confirmation first; a quarter still open or already closed is refused."""

    confirm_template_name = "reporting/close_confirm.html"
    object: Quarter

    def get_object(self) -> Quarter:
        return self.quarter()

    def confirm(self) -> HttpResponse:
        if why := close_refusal(self.request.user, self.object, timezone.localdate()):
            messages.error(self.request, why.message)
            return redirect(self.redirect_url())
        return super().confirm()

    def confirm_context(self) -> dict[str, Any]:
        return {"quarter": self.object, "today": timezone.localdate()}

    def perform(self, form: BaseForm | None) -> QuarterClose:
        return services.quarter_close(actor=self.request.user, quarter=self.object)

    def success_message(self, result: QuarterClose) -> str:
        return (
            f"{result.label} is closed: {result.rows} row{'s' if result.rows != 1 else ''} "
            "kept for the federal extract."
        )

    def redirect_url(self) -> str:
        return reverse("reporting:quarters")


class Echo:
    """A file-like object whose write hands the line back: csv.writer over a stream."""

    def write(self, value: str) -> str:
        return value


class ExtractView(QuarterMixin, View):
    """The closed quarter's federal extract (PIRL layout), streamed: the figures are read in
    chunks, so a state's quarter of any size needs the same memory."""

    def get(self, request: StaffRequest, **kwargs: Any) -> HttpResponse | StreamingHttpResponse:
        close = self.closed()
        if close is None:
            return self.not_closed()
        services.extract_download(actor=request.user, close=close)
        writer = csv.writer(Echo())
        figures = close.figures.order_by("customer_id", "program").iterator(chunk_size=2000)
        lines: Iterator[str] = (
            writer.writerow(row) for row in pirl.records(figures, close.service_types)
        )
        response = StreamingHttpResponse(lines, content_type="text/csv")
        filename = f"pirl-extract-PY{close.program_year}-Q{close.number}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ReconciliationView(QuarterMixin, View):
    """Tickets approved after the quarter closed, each with the difference it makes to the closed
    figures; and the tickets waiting for an exception before they can be approved."""

    def get(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
        close = self.closed()
        if close is None:
            return self.not_closed()
        return render(
            request,
            "reporting/reconciliation.html",
            {
                "close": close,
                "reconciled": selectors.reconciliation(close),
                "waiting": selectors.tickets_awaiting_exception(request.user, close),
            },
        )


class ExceptionView(QuarterMixin, FormView):
    """The state records why a ticket may still change a closed quarter."""

    template_name = "reporting/exception.html"
    form_class = ExceptionForm
    object: DataEditTicket
    close: QuarterClose

    def get_object(self) -> DataEditTicket:
        close = self.closed()
        if close is None:
            raise Http404("This quarter is not closed.")
        self.close = close
        return access_ticket(self.request.user, self.kwargs["pk"])

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        why = exception_refusal(self.request.user, self.object, self.close)
        return {
            "form": form,
            "ticket": self.object,
            "close": self.close,
            "refusal": why.message if why else None,
        }

    def perform(self, form: BaseForm) -> CloseException:
        return services.close_exception_record(
            actor=self.request.user,
            ticket=self.object,
            close=self.close,
            reason=form.cleaned_data["reason"],
        )

    def succeeded(self, result: Any) -> HttpResponse:
        messages.success(
            self.request,
            f"Exception recorded: data-edit ticket #{self.object.pk} may now be decided.",
        )
        return redirect("dataedits:decide", self.object.pk)
