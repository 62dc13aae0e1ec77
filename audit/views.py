"""The auditor's pages: the trail and its export, a seeker's accounting of disclosures, browsing."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from participants.access import access_participant
from participants.models import Participant
from portal.audit import audit_access
from portal.views import paginate
from portal.web import CapabilityRequiredMixin

from . import policies
from .export import BATCH, streamed_csv
from .filters import AuditTrailFilter
from .forms import AuditFilterForm, BrowsingReportForm
from .models import AuditEntry
from .render import action_text, changes_text, details_text, seen, state_time_text
from .selectors import browsing, disclosures, trail_entries

TRAIL_HEADER = [
    "entry",
    "when (state time)",
    "who",
    "organization",
    "action",
    "kind",
    "record type",
    "record",
    "seeker",
    "why",
    "details",
    "changes",
    "address",
    "correlation id",
]
DISCLOSURE_HEADER = ["when (state time)", "staff member", "organization", "office", "what they saw"]


def trail_row(entry: AuditEntry) -> list[object]:
    data = entry.additional_data or {}
    return [
        entry.pk,
        state_time_text(entry.timestamp),
        entry.actor.username if entry.actor else data.get("actor_task", "system"),
        entry.actor.organization if entry.actor and entry.actor.organization_id else "",
        action_text(entry),
        entry.get_kind_display(),
        entry.content_type.name,
        entry.object_repr,
        entry.participant.customer_id if entry.participant else "",
        data.get("reason", ""),
        details_text(entry),
        changes_text(entry),
        entry.remote_addr or "",
        entry.cid or "",
    ]


class AuditTrailView(CapabilityRequiredMixin, View):
    """The audit trail for auditors: every change, read and sign-in, by seeker, person, place and date.

    The filters are POSTed (a customer ID or username never reaches a URL or the access log) and
    answered with a redirect to the page of the filtered trail, whose address holds ids only.
    """

    capability = staticmethod(policies.may_read_audit_trail)

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
        entries: QuerySet[AuditEntry],
        status: int = 200,
    ) -> HttpResponse:
        page = paginate(request, entries, settings.PARTICIPANTS_PER_PAGE * 2)
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "csv_query": query.urlencode()}
        return render(request, "audit/trail.html", context, status=status)


class AuditTrailCsvView(CapabilityRequiredMixin, View):
    """The filtered trail as CSV, streamed; the export is itself an entry of the trail."""

    capability = staticmethod(policies.may_read_audit_trail)

    def get(self, request: HttpRequest) -> HttpResponse:
        trail = AuditTrailFilter(request.GET, queryset=trail_entries())
        if not trail.is_valid():
            return HttpResponse(
                "These filters cannot be used: filter the trail on its page, then export.",
                status=400,
                content_type="text/plain",
            )
        entries = trail.qs
        seeker = trail.form.cleaned_data["participant"]
        export = audit_access(
            seeker or request.user,
            actor=request.user,
            reason="audit trail exported",
            rows=entries.count(),
            filter=trail.described(),
        )
        # The trail as it stood when the export began: entries written meanwhile are not in it.
        rows = (
            trail_row(entry)
            for entry in entries.filter(pk__lt=export.pk).iterator(chunk_size=BATCH)
        )
        stamp = timezone.localdate().isoformat()
        return streamed_csv(f"audit-trail-{stamp}.csv", TRAIL_HEADER, rows)


class SeekerDisclosuresMixin(CapabilityRequiredMixin):
    """A seeker's accounting of disclosures, for state staff and the auditor; reading it is audited."""

    capability = staticmethod(policies.may_read_disclosures)
    refusal = "The accounting of disclosures is for state staff and the auditor."
    reading = "accounting of disclosures read"

    def seeker(self, request: HttpRequest, pk: int) -> Participant:
        participant = access_participant(request.user, pk)  # 404 for a seeker hidden from them
        audit_access(participant, actor=request.user, reason=self.reading)
        return participant


def disclosure_row(entry: AuditEntry) -> list[object]:
    data = entry.additional_data or {}
    actor = entry.actor
    return [
        state_time_text(entry.timestamp),
        f"{actor} ({actor.username})" if actor else "",
        data.get("organization") or (actor.organization if actor and actor.organization_id else ""),
        data.get("office", ""),
        seen(entry),
    ]


class DisclosuresView(SeekerDisclosuresMixin, View):
    template_name = "audit/disclosures.html"
    per_page: int | None = 50

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = self.seeker(request, pk)
        entries = disclosures(participant)
        context = {
            "participant": participant,
            "page": paginate(request, entries, self.per_page) if self.per_page else None,
            "entries": None if self.per_page else entries,
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)


class DisclosuresPrintView(DisclosuresView):
    """The whole accounting on one page, laid out for printing and handing to the seeker."""

    template_name = "audit/disclosures_print.html"
    per_page = None
    reading = "accounting of disclosures printed"


class DisclosuresCsvView(SeekerDisclosuresMixin, View):
    reading = "accounting of disclosures exported"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = self.seeker(request, pk)
        rows = (
            disclosure_row(entry) for entry in disclosures(participant).iterator(chunk_size=BATCH)
        )
        return streamed_csv(f"disclosures-{participant.customer_id}.csv", DISCLOSURE_HEADER, rows)


class BrowsingReportView(CapabilityRequiredMixin, View):
    """Staff who opened records of seekers enrolled in none of their offices, ranked by count."""

    capability = staticmethod(policies.may_read_browsing_report)

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        data = (
            request.GET
            if "date_from" in request.GET
            else {
                "date_from": today - timedelta(days=30),
                "date_to": today,
            }
        )
        form = BrowsingReportForm(data)
        page = None
        if form.is_valid():
            page = paginate(
                request,
                browsing(
                    date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"]
                ),
                settings.PARTICIPANTS_PER_PAGE,
            )
        return render(
            request,
            "audit/browsing.html",
            {"form": form, "page": page},
            status=200 if form.is_valid() else 400,
        )
