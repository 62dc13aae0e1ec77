"""Data-edit tickets: the form and its live pre-check, the ticket, its documents, reviews and queues."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_POST

from notifications.services import notifications_mark_read
from participants.models import Participant
from portal.audit import audit_access
from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, FormView, refusal

from ..access import access_document, access_ticket
from ..forms import DecisionForm, DocumentForm, LocalReviewForm, TicketForm
from ..models import (
    ChangeKind,
    DataEditTicket,
    Service,
    SupportingDocument,
    TicketState,
    Title,
)
from ..policies import (
    filer_refusal,
    may_acknowledge,
    may_add_document,
    may_decide,
    may_review,
    may_submit,
    review_refusal,
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
from .records import RecordingMixin


def precheck_context(form: Any, participant: Participant) -> dict[str, Any]:
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


class TicketCreateView(RecordingMixin, FormView):
    """File a data-edit ticket, with the pre-check redrawn as the form is filled in."""

    template_name = "dataedits/ticket_form.html"

    def get_form(self, data: Any = None, files: Any = None) -> TicketForm:
        participant, user = self.object, self.request.user
        if data is not None:
            return TicketForm(data, files, participant=participant, user=user)
        # "Correct" on a service opens the form about it, with the pre-check already drawn.
        draft = DataEditTicket(participant=participant)
        if self.request.GET.get("kind") in ChangeKind.values:
            draft.kind = self.request.GET["kind"]
        if self.request.GET.get("service", "").isdigit():
            draft.service = Service.objects.filter(
                participant=participant, pk=self.request.GET["service"]
            ).first()
        return TicketForm(participant=participant, user=user, instance=draft)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"participant": self.object, "form": form} | precheck_context(form, self.object)

    def perform(self, form: TicketForm) -> DataEditTicket:
        ticket = ticket_create(
            actor=self.request.user,
            participant=self.object,
            ticket=form.instance,
            supporting_notes=form.cleaned_data["supporting_notes"],
        )
        # The draft is saved even if its document is refused: the filer attaches another to it.
        if form.cleaned_data.get("document") and (
            problem := refusal(
                document_add,
                actor=self.request.user,
                ticket=ticket,
                upload=form.cleaned_data["document"],
            )
        ):
            messages.error(self.request, f"The document was not attached: {problem}")
        return ticket

    def succeeded(self, ticket: DataEditTicket) -> HttpResponse:
        messages.success(
            self.request,
            f"Draft saved as ticket #{ticket.pk}. Check it and submit it for local board review.",
        )
        return redirect("dataedits:ticket_detail", pk=ticket.pk)


@method_decorator(require_POST, name="dispatch")
class TicketPrecheckView(RecordingMixin, CapabilityRequiredMixin, View):
    """The pre-check partial (htmx): the form as filled so far, never saved."""

    refusal = "Your role does not file data-edit tickets."

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = self.get_object()
        form = TicketForm(request.POST, request.FILES, participant=participant, user=request.user)
        form.is_valid()  # the partial shows what the rules say of whatever is filled in so far
        return render(request, "dataedits/_precheck.html", precheck_context(form, participant))


class TicketDetailView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = access_ticket(request.user, pk)
        audit_access(ticket, actor=request.user, reason="data-edit ticket opened")
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


class TicketActionView(ActionView):
    """A button on a ticket's page, which it returns to."""

    def get_object(self) -> DataEditTicket:
        return access_ticket(self.request.user, self.kwargs["pk"])

    def redirect_url(self) -> str:
        return reverse("dataedits:ticket_detail", kwargs={"pk": self.kwargs["pk"]})


class FilerActionView(TicketActionView):
    """What only the ticket's filer does to it."""

    capability = "can_edit_seekers"
    refusal = "Your role does not file data-edit tickets."

    def get_object(self) -> DataEditTicket:
        ticket = super().get_object()
        if refused := filer_refusal(self.request.user, ticket):
            raise PermissionDenied(refused.message)
        return ticket


class TicketSubmitView(FilerActionView):
    def perform(self, form: None) -> None:
        ticket_submit(actor=self.request.user, ticket=self.object)

    def success_message(self, result: None) -> str:
        return f"Ticket #{self.object.pk} was submitted for local board review."


class TicketAcknowledgeView(TicketActionView):
    capability = "can_decide_data_edits"
    refusal = "Only the state's data-edit staff acknowledge tickets."

    def perform(self, form: None) -> None:
        ticket_acknowledge(actor=self.request.user, ticket=self.object)

    def success_message(self, result: None) -> str:
        return f"Receipt of ticket #{self.object.pk} acknowledged: the filer is told."


class DocumentAddView(FilerActionView):
    form_class = DocumentForm

    def perform(self, form: DocumentForm) -> SupportingDocument:
        return document_add(
            actor=self.request.user, ticket=self.object, upload=form.cleaned_data["document"]
        )

    def success_message(self, document: SupportingDocument) -> str:
        return f"Attached {document.original_name}."

    def refusal_message(self, text: str) -> str:
        return f"The document was not attached: {text}"


class DocumentDownloadView(CapabilityRequiredMixin, View):
    """A supporting document, only to people who may see the ticket's seeker (404 otherwise)."""

    capability = "can_read_seekers"
    refusal = "Your role does not open seekers' documents."

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        document = access_document(request.user, pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("The document's file is missing.") from None
        audit_access(document, actor=request.user, reason="supporting document downloaded")
        response = FileResponse(
            handle,
            content_type=document.content_type,
            as_attachment=True,
            filename=document.original_name,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class LocalReviewView(FormView):
    capability = "can_review_data_edits_locally"
    template_name = "dataedits/local_review.html"

    def get_object(self) -> DataEditTicket:
        """The ticket, if this reviewer may review it: 404 if its seeker is hidden, 403 if another
        board's or their own (the service asks the same policy, policies.review_refusal)."""
        ticket = access_ticket(self.request.user, self.kwargs["pk"])
        if refused := review_refusal(self.request.user, ticket):
            raise PermissionDenied(refused.message)
        return ticket

    def get_form(self, data: Any = None, files: Any = None) -> LocalReviewForm:
        days = self.object.days_left(timezone.localdate())
        return LocalReviewForm(data, past_deadline=days is not None and days < 0)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"ticket": self.object, "form": form}

    def perform(self, form: LocalReviewForm) -> bool:
        """Records the review; True if approved."""
        data = form.cleaned_data
        ticket_local_review(
            actor=self.request.user,
            ticket=self.object,
            approve=data["decision"] == "approve",
            justified=data["justified"] == "yes",
            documented=data["documented"] == "yes",
            aligned=data["aligned"] == "yes",
            reasons=data["reasons"],
            note=data["note"],
        )
        return data["decision"] == "approve"

    def succeeded(self, approved: bool) -> HttpResponse:
        messages.success(
            self.request,
            f"Ticket #{self.object.pk}: "
            + ("approved and sent to the state queue." if approved else "denied."),
        )
        return redirect("dataedits:local_queue")


class DecideView(FormView):
    capability = "can_decide_data_edits"
    template_name = "dataedits/decide.html"

    def get_object(self) -> DataEditTicket:
        return access_ticket(self.request.user, self.kwargs["pk"])

    def get_form(self, data: Any = None, files: Any = None) -> DecisionForm:
        if data is not None:
            return DecisionForm(data)
        return DecisionForm(initial={"reasons": self.object.precheck.get("reasons", [])})

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"ticket": self.object, "form": form}

    def perform(self, form: DecisionForm) -> bool:
        """Decides the ticket; True if approved."""
        data = form.cleaned_data
        ticket_decide(
            actor=self.request.user,
            ticket=self.object,
            approve=data["decision"] == "approve",
            reasons=data["reasons"],
            note=data["note"],
        )
        return data["decision"] == "approve"

    def succeeded(self, approved: bool) -> HttpResponse:
        messages.success(
            self.request,
            f"Ticket #{self.object.pk}: "
            + ("approved; the change was applied to the seeker's data." if approved else "denied."),
        )
        return redirect("dataedits:state_queue", title=self.object.title)


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
