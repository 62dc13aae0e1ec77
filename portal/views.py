from datetime import datetime, time

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from .forms import AuditFilterForm, AuditQuery


class CapabilityRequiredMixin(AccessMixin):
    """Refuses (403) people whose role lacks `capability`, a boolean property of Staff."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not getattr(request.user, self.capability):
            raise PermissionDenied("Your role does not include this page.")
        return super().dispatch(request, *args, **kwargs)


def staff_entries(*staff_ids) -> Q:
    """Audit entries about these staff members' accounts."""
    return Q(
        content_type__app_label="access",
        content_type__model="staff",
        object_pk__in=[str(pk) for pk in staff_ids],
    )


def paginate(request, items, per_page):
    """A page of `items` from ?page=N; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class DashboardView(TemplateView):
    """Each person's start page: the widgets their role works with."""

    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs):
        from participants.forms import QuickSearchForm

        return super().get_context_data(**kwargs) | {
            "quick_search_form": QuickSearchForm(office=self.request.user.current_office),
        }


class AuditTrailView(CapabilityRequiredMixin, View):
    """The audit trail for auditors: every change and every opened record, by seeker, user and date.

    The filters are POSTed (a customer ID or username never reaches a URL or the access log) and
    answered with a redirect to the page of the filtered trail, whose address holds ids only.
    """

    capability = "can_read_audit_trail"

    def get(self, request):
        query = AuditQuery(request.GET)
        if not query.is_valid():
            for errors in query.errors.values():
                for error in errors:
                    messages.error(request, f"This filter cannot be used: {error}")
            return self.page(request, AuditFilterForm(), {}, status=400)
        return self.page(request, AuditFilterForm(initial=query.form_initial()), query.cleaned_data)

    def post(self, request):
        form = AuditFilterForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, {}, status=400)
        return redirect(f"{reverse('portal:audit_trail')}?{urlencode(form.query())}")

    def page(self, request, form, data, status=200):
        entries = LogEntry.objects.select_related("actor", "content_type").order_by(
            "-timestamp", "-pk"
        )
        if data.get("participant"):
            entries = entries.filter(
                content_type__app_label="participants",
                content_type__model="participant",
                object_pk=str(data["participant"].pk),
            )
        if data.get("user"):
            # What the person did, and what was done to their account (such as access ending).
            entries = entries.filter(Q(actor=data["user"]) | staff_entries(data["user"].pk))
        if data.get("organization"):
            staff_ids = data["organization"].staff.values_list("pk", flat=True)
            entries = entries.filter(
                Q(actor__organization=data["organization"]) | staff_entries(*staff_ids)
            )
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            entries = entries.filter(
                timestamp__gte=datetime.combine(data["date_from"], time.min, tz)
            )
        if data.get("date_to"):
            entries = entries.filter(timestamp__lte=datetime.combine(data["date_to"], time.max, tz))
        page = paginate(request, entries, settings.PARTICIPANTS_PER_PAGE * 2)
        return render(
            request, "portal/audit_trail.html", {"form": form, "page": page}, status=status
        )
