from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from portal.views import paginate
from portal.web import CapabilityRequiredMixin

from .filters import AuditTrailFilter
from .forms import AuditFilterForm


def trail_entries() -> QuerySet[LogEntry]:
    """Every entry of the trail, newest first."""
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")


class AuditTrailView(CapabilityRequiredMixin, View):
    """The audit trail for auditors: every change and every opened record, by seeker, user and date.

    The filters are POSTed (a customer ID or username never reaches a URL or the access log) and
    answered with a redirect to the page of the filtered trail, whose address holds ids only.
    """

    capability = "can_read_audit_trail"

    def get(self, request: HttpRequest) -> HttpResponse:
        trail = AuditTrailFilter(request.GET, queryset=trail_entries())
        if not trail.is_valid():
            for errors in trail.errors.values():
                for error in errors:
                    messages.error(request, f"This filter cannot be used: {error}")
            return self.page(request, AuditFilterForm(), trail_entries(), status=400)
        return self.page(request, AuditFilterForm(initial=trail.form_initial()), trail.qs)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AuditFilterForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, trail_entries(), status=400)
        return redirect(f"{reverse('audit:trail')}?{urlencode(form.query())}")

    def page(
        self,
        request: HttpRequest,
        form: AuditFilterForm,
        entries: QuerySet[LogEntry],
        status: int = 200,
    ) -> HttpResponse:
        page = paginate(request, entries, settings.PARTICIPANTS_PER_PAGE * 2)
        return render(request, "audit/trail.html", {"form": form, "page": page}, status=status)
