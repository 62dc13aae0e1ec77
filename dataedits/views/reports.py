"""The data-integrity page and the quarterly counts (page and CSV), of an office, an area or the
whole state (dataedits.selectors.ReportScope); each starts on the office the person is logged into."""

import csv
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.audit import audit_access
from portal.views import paginate
from portal.web import CapabilityRequiredMixin

from ..forms import DataIntegrityForm, OfficeQuarterForm, recent_quarters
from ..policies import reads_statewide_reports
from ..selectors import late_entries, quarterly_counts


def current_office(request) -> dict[str, str]:
    """The first choice of each report: the office the person is logged into."""
    return {"where": f"office:{request.user.current_office_id}"}


class DataIntegrityView(CapabilityRequiredMixin, View):
    capability = "can_read_data_integrity"

    def get(self, request):
        form = DataIntegrityForm(request.GET or current_office(request), user=request.user)
        rows = []
        if form.is_valid():
            rows = late_entries(
                scope=form.cleaned_data["where"],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        return render(
            request,
            "dataedits/data_integrity.html",
            {
                "form": form,
                "page": paginate(request, rows, 50),
                "wide": reads_statewide_reports(request.user),
            },
            status=200 if form.is_valid() else 400,
        )


class QuarterlyCountsView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"

    def counts(self, request):
        data = request.GET or current_office(request) | {"quarter": str(recent_quarters()[0])}
        form = OfficeQuarterForm(data, user=request.user)
        if not form.is_valid():
            return form, None
        return form, quarterly_counts(
            user=request.user,
            scope=form.cleaned_data["where"],
            quarter=form.cleaned_data["quarter"],
            as_of=timezone.localdate(),
        )

    def get(self, request):
        form, counts = self.counts(request)
        context = {"form": form, "counts": counts, "wide": reads_statewide_reports(request.user)}
        if counts:
            context["page"] = paginate(
                request, counts.listed_seekers, settings.PARTICIPANTS_PER_PAGE
            )
            query = urlencode({"where": counts.scope.value, "quarter": str(counts.quarter)})
            context["csv_url"] = f"{reverse('dataedits:quarterly_counts_csv')}?{query}"
        return render(
            request, "dataedits/quarterly_counts.html", context, status=200 if counts else 400
        )


class QuarterlyCountsCsvView(QuarterlyCountsView):
    def get(self, request):
        form, counts = self.counts(request)
        if counts is None:
            return HttpResponse(
                "Choose where to count (an office you may choose, an area or the state) and a "
                "program year quarter.",
                status=400,
                content_type="text/plain",
            )
        # The entry is about the office counted; an area's or the state's, about the person.
        office = counts.scope.offices().first() if counts.scope.kind == "office" else None
        audit_access(
            office or request.user,
            actor=request.user,
            reason="quarterly counts exported",
            seekers=counts.seekers_served,
            filter=f"{counts.scope.label}, {counts.quarter}",
        )
        response = HttpResponse(content_type="text/csv")
        where = counts.scope.value.replace(":", "-")
        filename = f"quarterly-counts-{where}-{str(counts.quarter).replace(' ', '-')}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        csv.writer(response).writerows(counts.csv_rows())
        return response
