"""Records requests, subpoenas, security breaches and system abuse reports (policy 1021 k, l)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal.errors import PortalError
from portal.views import paginate

from .. import services
from ..forms import (
    ReportForm,
    ReportMoveForm,
)
from ..models import (
    Report,
)
from ..policies import report_refusal
from .common import PER_PAGE, refused


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


class ReportAddView(View):
    def get(self, request):
        return render(request, "access/report_form.html", {"form": ReportForm()})

    def post(self, request):
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_file(actor=request.user, **form.cleaned_data)
            except PortalError as exc:
                refused(form, exc)
            else:
                messages.success(
                    request, "Reported. The MIS security administrator has been alerted."
                )
                return redirect("access:report_detail", report.pk)
        return render(request, "access/report_form.html", {"form": form})


class ReportDetailView(View):
    def get(self, request, pk, form=None):
        report = get_object_or_404(
            visible_reports(request.user).select_related("reported_by", "organization"), pk=pk
        )
        return render(
            request,
            "access/report_detail.html",
            {
                "report": report,
                "events": report.events.select_related("by"),
                "form": form or ReportMoveForm(),
            },
        )

    def post(self, request, pk):
        report = get_object_or_404(visible_reports(request.user), pk=pk)
        if refusal := report_refusal(request.user, report):
            raise PermissionDenied(refusal.message)
        form = ReportMoveForm(request.POST)
        if form.is_valid():
            try:
                services.report_move(actor=request.user, report_id=report.pk, **form.cleaned_data)
            except PortalError as exc:
                refused(form, exc)
            else:
                messages.success(request, "The report's status is updated.")
                return redirect("access:report_detail", report.pk)
        return self.get(request, pk, form)
