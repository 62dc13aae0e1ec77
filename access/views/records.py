"""Records requests, subpoenas, security breaches and system abuse reports (policy 1021 k, l)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal.views import paginate
from portal.web import FormView

from .. import services
from ..forms import (
    ReportForm,
    ReportMoveForm,
)
from ..models import (
    Report,
)
from ..policies import report_refusal
from .common import PER_PAGE


def visible_reports(user):
    if user.can_administer_contracts:
        return Report.objects.all()
    return Report.objects.filter(reported_by=user)


class ReportsView(View):
    def get(self, request):
        reports = visible_reports(request.user).select_related("reported_by", "organization")
        status = request.GET.get("status")
        if status in Report.Status.values:
            reports = reports.filter(status=status)
        return render(
            request,
            "access/reports.html",
            {
                "page": paginate(request, reports, PER_PAGE),
                "statuses": Report.Status.choices,
                "status": status,
                "open": visible_reports(request.user)
                .filter(~Q(status=Report.Status.CLOSED))
                .count(),
            },
        )


class ReportAddView(FormView):
    template_name = "access/report_form.html"
    form_class = ReportForm
    invalid_status = 200

    def perform(self, form: ReportForm) -> Report:
        return services.report_file(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, report: Report) -> HttpResponse:
        messages.success(self.request, "Reported. The MIS security administrator has been alerted.")
        return redirect("access:report_detail", report.pk)


class ReportDetailView(FormView):
    """A report and its history; the MIS security administrator moves it on."""

    template_name = "access/report_detail.html"
    form_class = ReportMoveForm
    invalid_status = 200

    def get_object(self) -> Report:
        report = get_object_or_404(
            visible_reports(self.request.user).select_related("reported_by", "organization"),
            pk=self.kwargs["pk"],
        )
        if self.request.method == "POST" and (refusal := report_refusal(self.request.user, report)):
            raise PermissionDenied(refusal.message)
        return report

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {
            "report": self.object,
            "events": self.object.events.select_related("by"),
            "form": form,
        }

    def perform(self, form: ReportMoveForm) -> None:
        services.report_move(actor=self.request.user, report_id=self.object.pk, **form.cleaned_data)

    def succeeded(self, result: None) -> HttpResponse:
        messages.success(self.request, "The report's status is updated.")
        return redirect("access:report_detail", self.object.pk)
