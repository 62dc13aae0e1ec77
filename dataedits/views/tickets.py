"""Data-edit tickets: the form and its live pre-check, the ticket, its documents, reviews and queues."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from notifications.services import notifications_mark_read
from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

from ..forms import DecisionForm, DocumentForm, LocalReviewForm, TicketForm
from ..models import ChangeKind, DataEditTicket, Service, SupportingDocument, TicketState, Title
from ..policies import (
    area_refusal,
    filer_refusal,
    may_acknowledge,
    may_add_document,
    may_decide,
    may_review,
    may_submit,
)
from ..precheck import ticket_precheck, timeline
from ..rules import Reason
from ..selectors import local_board_queue, seeker_services, state_queue
from ..services import (
    document_add,
    ticket_acknowledge,
    ticket_create,
    ticket_decide,
    ticket_local_review,
    ticket_submit,
)
from .records import editable_seeker, visible_ticket


def precheck_context(form, participant) -> dict:
    """The live pre-check of the form as filled so far: every reason, the deadline, the timeline.

    A model form puts each valid value on its instance as it validates; the rest stay empty,
    and the pre-check says what is missing.
    """
    ticket = form.instance
    ticket.participant = participant
    data = getattr(form, "cleaned_data", {})
    today = timezone.localdate()
    check = ticket_precheck(
        ticket,
        services=seeker_services(participant),
        filed_on=today,
        supporting_notes=len(data.get("supporting_notes") or []),
        documents=1 if data.get("document") else 0,
    )
    return {
        "decision": check.decision,
        "timeline": timeline(check, filed_on=today),
        "filed_on": today,
    }


class TicketCreateView(CapabilityRequiredMixin, View):
    """File a data-edit ticket, with the pre-check redrawn as the form is filled in."""

    capability = "can_edit_seekers"
    template_name = "dataedits/ticket_form.html"

    def render_form(self, participant, form, status=200):
        context = {"participant": participant, "form": form} | precheck_context(form, participant)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        participant = editable_seeker(request, pk)
        # "Correct" on a service opens the form about it, with the pre-check already drawn.
        draft = DataEditTicket(participant=participant)
        if request.GET.get("kind") in ChangeKind.values:
            draft.kind = request.GET["kind"]
        if request.GET.get("service", "").isdigit():
            draft.service = Service.objects.filter(
                participant=participant, pk=request.GET["service"]
            ).first()
        return self.render_form(
            participant, TicketForm(participant=participant, user=request.user, instance=draft)
        )

    def post(self, request, pk):
        participant = editable_seeker(request, pk)
        form = TicketForm(request.POST, request.FILES, participant=participant, user=request.user)
        if form.is_valid():
            try:
                ticket = ticket_create(
                    actor=request.user,
                    participant=participant,
                    ticket=form.instance,
                    supporting_notes=form.cleaned_data["supporting_notes"],
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                if form.cleaned_data.get("document"):
                    try:
                        document_add(
                            actor=request.user, ticket=ticket, upload=form.cleaned_data["document"]
                        )
                    except PortalError as exc:
                        messages.error(request, f"The document was not attached: {exc.message}")
                messages.success(
                    request,
                    f"Draft saved as ticket #{ticket.pk}. Check it and submit it for local board review.",
                )
                return redirect("dataedits:ticket_detail", pk=ticket.pk)
        return self.render_form(participant, form, status=400)


@require_POST
def ticket_precheck_view(request, pk):
    """The pre-check partial (htmx): the form as filled so far, never saved."""
    filers_only(request)
    participant = editable_seeker(request, pk)
    form = TicketForm(request.POST, request.FILES, participant=participant, user=request.user)
    form.is_valid()  # the partial shows what the rules say of whatever is filled in so far
    return render(request, "dataedits/_precheck.html", precheck_context(form, participant))


class TicketDetailView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"

    def get(self, request, pk):
        ticket = visible_ticket(request, pk)
        # Opening the ticket reads the person's notices about it.
        notifications_mark_read(
            actor=request.user, link=reverse("dataedits:ticket_detail", args=[ticket.pk])
        )
        filed_on = ticket.filed_on or timezone.localdate()
        user = request.user
        context = {}
        if ticket.status in (TicketState.APPROVED, TicketState.DENIED):
            # Decided: the pre-check as it stood at the decision (an approved change is already applied).
            context["decided_precheck"] = stored_precheck(ticket.precheck)
        else:
            check = ticket_precheck(
                ticket,
                services=seeker_services(ticket.participant),
                filed_on=filed_on,
                supporting_notes=ticket.supporting_notes.count(),
                documents=ticket.documents.count(),
            )
            context |= {"decision": check.decision, "timeline": timeline(check, filed_on=filed_on)}
        return render(
            request,
            "dataedits/ticket_detail.html",
            context
            | {
                "ticket": ticket,
                "participant": ticket.participant,
                "crumb": f"Ticket #{ticket.pk}",
                "filed_on": filed_on,
                "documents": ticket.documents.all(),
                "notes": ticket.supporting_notes.readable_by(user).select_related("author"),
                "document_form": DocumentForm(),
                # The buttons are offered by the same policies the services ask.
                "can_submit": may_submit(user, ticket),
                "can_add_document": may_add_document(user, ticket),
                "can_review": may_review(user, ticket),
                "can_decide": may_decide(user, ticket),
                "can_acknowledge": may_acknowledge(user, ticket),
            },
        )


def stored_precheck(data: dict) -> dict:
    """A pre-check kept with a ticket (rules.Decision.as_json()), with dates and reasons' texts for the page."""

    def day(value):
        return date.fromisoformat(value) if value else None

    def periods(rows):
        return [
            {
                "participation": day(p["participation"]),
                "last_end": day(p["last_end"]),
                "exit": day(p["exit"]),
                "services": len(p["services"]),
            }
            for p in rows
        ]

    return {
        "approved": data.get("decision") == "approve",
        "reasons": [(code, Reason(code).text) for code in data.get("reasons", [])],
        "deadline": day(data.get("deadline")),
        "period_tables": [
            ("before the change", periods(data.get("periods_before", []))),
            ("after the change", periods(data.get("periods_after", []))),
        ],
    }


def filer_ticket(request, pk) -> DataEditTicket:
    ticket = visible_ticket(request, pk)
    if refusal := filer_refusal(request.user, ticket):
        raise PermissionDenied(refusal.message)
    return ticket


def filers_only(request):
    if not request.user.can_edit_seekers:
        raise PermissionDenied("Your role does not file data-edit tickets.")


@require_POST
def ticket_submit_view(request, pk):
    filers_only(request)
    ticket = filer_ticket(request, pk)
    try:
        ticket_submit(actor=request.user, ticket=ticket)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Ticket #{ticket.pk} was submitted for local board review.")
    return redirect("dataedits:ticket_detail", pk=ticket.pk)


@require_POST
def ticket_acknowledge_view(request, pk):
    if not request.user.can_decide_data_edits:
        raise PermissionDenied("Only the state's data-edit staff acknowledge tickets.")
    ticket = visible_ticket(request, pk)
    try:
        ticket_acknowledge(actor=request.user, ticket=ticket)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Receipt of ticket #{ticket.pk} acknowledged: the filer is told."
        )
    return redirect("dataedits:ticket_detail", pk=ticket.pk)


@require_POST
def document_add_view(request, pk):
    filers_only(request)
    ticket = filer_ticket(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("document", []):
            messages.error(request, f"The document was not attached: {error}")
        return redirect("dataedits:ticket_detail", pk=ticket.pk)
    try:
        document = document_add(
            actor=request.user, ticket=ticket, upload=form.cleaned_data["document"]
        )
    except PortalError as exc:
        messages.error(request, f"The document was not attached: {exc.message}")
    else:
        messages.success(request, f"Attached {document.original_name}.")
    return redirect("dataedits:ticket_detail", pk=ticket.pk)


def document_download(request, pk):
    """A supporting document, only to people who may see the ticket's seeker (404 otherwise)."""
    if not request.user.can_read_seekers:
        raise PermissionDenied("Your role does not open seekers' documents.")
    document = get_object_or_404(SupportingDocument.objects.visible_to(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing.") from None
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class LocalReviewView(CapabilityRequiredMixin, View):
    capability = "can_review_data_edits_locally"
    template_name = "dataedits/local_review.html"

    def reviewable(self, request, pk):
        """The ticket, if it is this reviewer's board's: 404 if its seeker is hidden, 403 if another
        board's. Four eyes is the service's to refuse (policies.review_refusal)."""
        ticket = visible_ticket(request, pk)
        if refusal := area_refusal(request.user, ticket):
            raise PermissionDenied(refusal.message)
        return ticket

    @staticmethod
    def past_deadline(ticket) -> bool:
        days = ticket.days_left(timezone.localdate())
        return days is not None and days < 0

    def get(self, request, pk):
        ticket = self.reviewable(request, pk)
        form = LocalReviewForm(past_deadline=self.past_deadline(ticket))
        return render(request, self.template_name, {"ticket": ticket, "form": form})

    def post(self, request, pk):
        ticket = self.reviewable(request, pk)
        form = LocalReviewForm(request.POST, past_deadline=self.past_deadline(ticket))
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket_local_review(
                    actor=request.user,
                    ticket=ticket,
                    approve=data["decision"] == "approve",
                    justified=data["justified"] == "yes",
                    documented=data["documented"] == "yes",
                    aligned=data["aligned"] == "yes",
                    reasons=data["reasons"],
                    note=data["note"],
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Ticket #{ticket.pk}: "
                    + (
                        "approved and sent to the state queue."
                        if data["decision"] == "approve"
                        else "denied."
                    ),
                )
                return redirect("dataedits:local_queue")
        return render(request, self.template_name, {"ticket": ticket, "form": form}, status=400)


class DecideView(CapabilityRequiredMixin, View):
    capability = "can_decide_data_edits"
    template_name = "dataedits/decide.html"

    def get(self, request, pk):
        ticket = visible_ticket(request, pk)
        form = DecisionForm(initial={"reasons": ticket.precheck.get("reasons", [])})
        return render(request, self.template_name, {"ticket": ticket, "form": form})

    def post(self, request, pk):
        ticket = visible_ticket(request, pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket_decide(
                    actor=request.user,
                    ticket=ticket,
                    approve=data["decision"] == "approve",
                    reasons=data["reasons"],
                    note=data["note"],
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Ticket #{ticket.pk}: "
                    + (
                        "approved; the change was applied to the seeker's data."
                        if data["decision"] == "approve"
                        else "denied."
                    ),
                )
                return redirect("dataedits:state_queue", title=ticket.title)
        return render(request, self.template_name, {"ticket": ticket, "form": form}, status=400)


class LocalQueueView(CapabilityRequiredMixin, View):
    capability = "can_review_data_edits_locally"

    def get(self, request):
        page = paginate(request, local_board_queue(request.user), settings.PARTICIPANTS_PER_PAGE)
        return render(
            request,
            "dataedits/queue.html",
            {
                "page": page,
                "heading": "Local board review queue",
                "action": "review",
                "local": True,
            },
        )


class StateQueueView(CapabilityRequiredMixin, View):
    capability = "can_decide_data_edits"

    def get(self, request, title):
        if title not in Title.values:
            raise Http404("There is no such queue.")
        title = Title(title)
        page = paginate(request, state_queue(request.user, title), settings.PARTICIPANTS_PER_PAGE)
        return render(
            request,
            "dataedits/queue.html",
            {
                "page": page,
                "heading": f"State {title.label} data-edit queue",
                "title": title,
                "titles": Title,
                "action": "decide",
            },
        )
