"""The office's data-integrity page and the quarterly counts (page and CSV)."""

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
from ..selectors import late_entries, quarterly_counts


class DataIntegrityView(CapabilityRequiredMixin, View):
    capability = "can_read_data_integrity"

    def get(self, request):
        form = DataIntegrityForm(
            request.GET or {"office": request.user.current_office_id}, user=request.user
        )
        rows = []
        if form.is_valid():
            rows = late_entries(
                office=form.cleaned_data["office"],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        return render(
            request,
            "dataedits/data_integrity.html",
            {
                "form": form,
                "page": paginate(request, rows, 50),
            },
            status=200 if form.is_valid() else 400,
        )


class QuarterlyCountsView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"

    def counts(self, request):
        data = request.GET or {
            "office": request.user.current_office_id,
            "quarter": str(recent_quarters()[0]),
        }
        form = OfficeQuarterForm(data, user=request.user)
        if not form.is_valid():
            return form, None
        return form, quarterly_counts(
            user=request.user,
            office=form.cleaned_data["office"],
            quarter=form.cleaned_data["quarter"],
            as_of=timezone.localdate(),
        )

    def get(self, request):
        form, counts = self.counts(request)
        context = {"form": form, "counts": counts}
        if counts:
            context["page"] = paginate(
                request, counts.listed_seekers, settings.PARTICIPANTS_PER_PAGE
            )
            query = urlencode({"office": counts.office.pk, "quarter": str(counts.quarter)})
            context["csv_url"] = f"{reverse('dataedits:quarterly_counts_csv')}?{query}"
        return render(
            request, "dataedits/quarterly_counts.html", context, status=200 if counts else 400
        )


class QuarterlyCountsCsvView(QuarterlyCountsView):
    def get(self, request):
        form, counts = self.counts(request)
        if counts is None:
            return HttpResponse(
                "Choose one of your offices and a program year quarter.",
                status=400,
                content_type="text/plain",
            )
        audit_access(
            counts.office,
            actor=request.user,
            reason="quarterly counts exported",
            seekers=counts.seekers_served,
            filter=f"office {counts.office.pk}, {counts.quarter}",
        )
        response = HttpResponse(content_type="text/csv")
        filename = (
            f"quarterly-counts-{counts.office.pk}-{str(counts.quarter).replace(' ', '-')}.csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        csv.writer(response).writerows(counts.csv_rows())
        return response
