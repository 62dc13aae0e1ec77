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

from participants.models import Participant
from portal.audit import audit_access
from portal.views import PagedByIds, paginate
from portal.web import (
    ActionView,
    CapabilityRequiredMixin,
    ConfirmedActionView,
    FormView,
    refusal,
)

from ..access import access_document, access_ticket
from ..forms import DecisionForm, DocumentForm, LocalReviewForm, TicketForm
from ..models import (
    TICKETS,
    ChangeKind,
    DataEditTicket,
    Service,
    SupportingDocument,
    TicketAction,
    TicketState,
    Title,
)
from ..policies import (
    filer_refusal,
    may_acknowledge,
    may_add_document,
    may_decide,
    may_delete,
    may_edit,
    may_review,
    may_submit,
    may_withdraw,
    review_refusal,
)
from ..precheck import CHECKS, Precheck, stored_precheck, ticket_precheck, timeline, verdict
from ..rules import Reason
from ..selectors import local_board_queue, seeker_services, state_queue
from ..services import (
    document_add,
    ticket_acknowledge,
    ticket_create,
    ticket_decide,
    ticket_delete,
    ticket_local_review,
    ticket_submit,
    ticket_update,
    ticket_withdraw,
)
from .records import RecordingMixin, editable_seeker


def precheck_page(check: Precheck, *, filed_on: date) -> dict[str, Any]:
    """What the pre-check partial draws: the verdict in sentences, the deadline and the timeline."""
    return {
        "decision": check.decision,
        "verdict": verdict(check.decision),
        "timeline": timeline(check, filed_on=filed_on),
        "filed_on": filed_on,
        "checks": CHECKS,
    }


def precheck_context(form: Any, participant: Participant, *, documents: int = 0) -> dict[str, Any]:
    """The live pre-check of the form as filled so far: every reason, the deadline, the timeline.

    A model form puts each valid value on its instance as it validates; the rest stay empty,
    and the pre-check says what is missing. Before a kind of change is chosen, it says what it
    will check instead. `documents` are those already attached to the draft being edited.
    """
    ticket = form.instance
    ticket.participant = participant
    data = getattr(form, "cleaned_data", {})
    today = timezone.localdate()
    check = ticket_precheck(
        ticket,
        services=seeker_services(participant, with_entries=False),
        filed_on=today,
        supporting_notes=len(data.get("supporting_notes") or []),
        documents=documents + (1 if data.get("document") else 0),
    )
    return precheck_page(check, filed_on=today) | {"nothing_chosen": not ticket.kind}


def attach_document(request: HttpRequest, ticket: DataEditTicket, upload: Any) -> None:
    """Attaches the form's document to the saved draft; a refused one is said, the draft kept."""
    if upload and (
        problem := refusal(document_add, actor=request.user, ticket=ticket, upload=upload)
    ):
        messages.error(request, f"The document was not attached: {problem}")


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
        attach_document(self.request, ticket, form.cleaned_data.get("document"))
        return ticket

    def succeeded(self, ticket: DataEditTicket) -> HttpResponse:
        messages.success(
            self.request,
            f"Draft saved as ticket #{ticket.pk}. Check it and submit it for local board review.",
        )
        return redirect("dataedits:ticket_detail", pk=ticket.pk)


def filers_ticket(user: Any, pk: int) -> DataEditTicket:
    """The ticket, for what only its filer does: 404 if its seeker is hidden, 403 if not theirs."""
    ticket = access_ticket(user, pk)
    if refused := filer_refusal(user, ticket):
        raise PermissionDenied(refused.message)
    return ticket


class TicketEditView(FormView):
    """The filer edits their draft on the ticket form, the pre-check redrawn as they go."""

    capability = "can_edit_seekers"
    refusal = "Your role does not file data-edit tickets."
    template_name = "dataedits/ticket_form.html"

    def get_object(self) -> DataEditTicket:
        """The filer's ticket (403 for anyone else), its seeker still in the office they are
        logged into (403, as for filing one)."""
        ticket = filers_ticket(self.request.user, self.kwargs["pk"])
        editable_seeker(self.request.user, ticket.participant_id)
        return ticket

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if not may_edit(request.user, self.object):
            return self.not_a_draft()
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if not may_edit(request.user, self.object):
            return self.not_a_draft()
        return super().post(request, *args, **kwargs)

    def not_a_draft(self) -> HttpResponse:
        messages.error(
            self.request,
            TICKETS.refusal(self.object.status, TicketAction.EDIT)
            + " A submitted ticket is withdrawn, not edited.",
        )
        return redirect("dataedits:ticket_detail", pk=self.object.pk)

    def get_form(self, data: Any = None, files: Any = None) -> TicketForm:
        ticket = self.object
        return TicketForm(
            data, files, participant=ticket.participant, user=self.request.user, instance=ticket
        )

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        ticket = self.object
        documents = ticket.documents.count()
        return {"participant": ticket.participant, "form": form, "ticket": ticket} | (
            precheck_context(form, ticket.participant, documents=documents)
        )

    def perform(self, form: TicketForm) -> DataEditTicket:
        ticket = ticket_update(
            actor=self.request.user,
            ticket=self.object,
            changed=form.instance,
            supporting_notes=form.cleaned_data["supporting_notes"],
        )
        attach_document(self.request, ticket, form.cleaned_data.get("document"))
        return ticket

    def succeeded(self, ticket: DataEditTicket) -> HttpResponse:
        messages.success(self.request, f"Draft ticket #{ticket.pk} saved.")
        return redirect("dataedits:ticket_detail", pk=ticket.pk)


@method_decorator(require_POST, name="dispatch")
class TicketPrecheckView(RecordingMixin, CapabilityRequiredMixin, View):
    """The pre-check partial (htmx): the form as filled so far, never saved.

    `?ticket=` names the draft being edited, whose attached documents support it too.
    """

    refusal = "Your role does not file data-edit tickets."

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = self.get_object()
        documents = 0
        if (draft := request.GET.get("ticket", "")).isdigit():
            ticket = filers_ticket(request.user, int(draft))
            if ticket.participant_id == participant.pk:
                documents = ticket.documents.count()
        form = TicketForm(request.POST, request.FILES, participant=participant, user=request.user)
        form.is_valid()  # the partial shows what the rules say of whatever is filled in so far
        return render(
            request,
            "dataedits/_precheck.html",
            precheck_context(form, participant, documents=documents) | {"oob": True},
        )


class TicketDetailView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = access_ticket(request.user, pk)
        audit_access(ticket, actor=request.user, reason="data-edit ticket opened")
        filed_on = ticket.filed_on or timezone.localdate()
        user = request.user
        context: dict[str, Any] = {}
        if ticket.status in (TicketState.APPROVED, TicketState.DENIED, TicketState.WITHDRAWN):
            # Done: the pre-check as it stood last (an approved change is already applied).
            if kept := stored_precheck(ticket.precheck):
                context |= {"kept": precheck_page(kept, filed_on=kept.decision.filed_on)}
            else:
                context["decided_precheck"] = stored_periods(ticket.precheck)
        else:
            check = ticket_precheck(
                ticket,
                services=seeker_services(ticket.participant, with_entries=False),
                filed_on=filed_on,
                supporting_notes=ticket.supporting_notes.count(),
                documents=ticket.documents.count(),
            )
            context |= precheck_page(check, filed_on=filed_on)
        return render(
            request,
            "dataedits/ticket_detail.html",
            context
            | {
                "ticket": ticket,
                "participant": ticket.participant,
                "crumb": f"Ticket #{ticket.pk}",
                "documents": ticket.documents.all(),
                "notes": ticket.supporting_notes.readable_by(user).select_related("author"),
                "document_form": DocumentForm(),
                # The buttons are offered by the same policies the services ask.
                "can_edit": may_edit(user, ticket),
                "can_delete": may_delete(user, ticket),
                "can_submit": may_submit(user, ticket),
                "can_withdraw": may_withdraw(user, ticket),
                "can_add_document": may_add_document(user, ticket),
                "can_review": may_review(user, ticket),
                "can_decide": may_decide(user, ticket),
                "can_acknowledge": may_acknowledge(user, ticket),
            },
        )


def stored_periods(data: dict) -> dict:
    """A pre-check kept without its services (older tickets): its reasons and periods in text."""

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
        return filers_ticket(self.request.user, self.kwargs["pk"])


class FilerConfirmedView(FilerActionView, ConfirmedActionView):
    """A filer's button that asks first: GET draws the confirmation, POST acts. A move the table
    does not allow now gets no confirmation page, only the refusal (the service refuses the POST)."""

    confirm_template_name = "dataedits/ticket_confirm.html"
    action: TicketAction
    allowed: Any = None  # the policy the page asks (policies.may_*)
    verb = ""
    button = ""

    def confirm(self) -> HttpResponse:
        if not type(self).allowed(self.request.user, self.object):
            messages.error(self.request, TICKETS.refusal(self.object.status, self.action))
            return redirect(self.redirect_url())
        return super().confirm()

    def confirm_context(self) -> dict[str, Any]:
        ticket = self.object
        return {
            "ticket": ticket,
            "participant": ticket.participant,
            "crumb": f"Ticket #{ticket.pk}",
            "verb": self.verb,
            "button": self.button,
            "action_url": self.request.path,
        }


class TicketSubmitView(FilerConfirmedView):
    """Submit for local board review. A ticket the pre-check would deny is confirmed first, on a
    page naming the reasons; the service refuses a reason the filer was not shown."""

    action = TicketAction.SUBMIT
    allowed = staticmethod(may_submit)
    verb = "Submit"
    button = "Submit for local board review"

    def confirm_context(self) -> dict[str, Any]:
        ticket = self.object
        check = ticket_precheck(
            ticket,
            services=seeker_services(ticket.participant),
            filed_on=timezone.localdate(),
            supporting_notes=ticket.supporting_notes.count(),
            documents=ticket.documents.count(),
        )
        return super().confirm_context() | {
            "verdict": verdict(check.decision),
            "button": "Submit it all the same" if check.decision.reasons else self.button,
        }

    def perform(self, form: None) -> None:
        ticket_submit(
            actor=self.request.user,
            ticket=self.object,
            confirmed_reasons=self.request.POST.getlist("confirmed_reasons"),
        )

    def success_message(self, result: None) -> str:
        return f"Ticket #{self.object.pk} was submitted for local board review."


class TicketWithdrawView(FilerConfirmedView):
    action = TicketAction.WITHDRAW
    allowed = staticmethod(may_withdraw)
    verb = "Withdraw"
    button = "Withdraw the ticket"

    def perform(self, form: None) -> None:
        ticket_withdraw(actor=self.request.user, ticket=self.object)

    def success_message(self, result: None) -> str:
        return f"Ticket #{self.object.pk} was withdrawn: the local board will not review it."


class TicketDeleteView(FilerConfirmedView):
    action = TicketAction.DELETE
    allowed = staticmethod(may_delete)
    verb = "Delete"
    button = "Delete the draft"
    deleted = False

    def perform(self, form: None) -> None:
        ticket_delete(actor=self.request.user, ticket=self.object)
        self.deleted = True

    def success_message(self, result: None) -> str:
        return f"Draft ticket #{self.object.pk} was deleted."

    def redirect_url(self) -> str:
        # Once deleted, the ticket's page is gone: back to the seeker.
        if self.deleted:
            return reverse("dataedits:seeker", args=[self.object.participant_id])
        return super().redirect_url()


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
        """The pre-check's verdict and timeline as the filer saw them when they submitted it."""
        ticket = self.object
        context: dict[str, Any] = {"ticket": ticket, "form": form}
        if seen := stored_precheck(ticket.precheck):
            context |= precheck_page(seen, filed_on=seen.decision.filed_on) | {"as_seen": True}
        else:
            check = ticket_precheck(
                ticket,
                services=seeker_services(ticket.participant),
                filed_on=timezone.localdate(),
                supporting_notes=ticket.supporting_notes.count(),
                documents=ticket.documents.count(),
            )
            context |= precheck_page(check, filed_on=timezone.localdate())
        return context

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
        page = paginate(
            request, PagedByIds(local_board_queue(request.user)), settings.PARTICIPANTS_PER_PAGE
        )
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
        page = paginate(
            request, PagedByIds(state_queue(request.user, title)), settings.PARTICIPANTS_PER_PAGE
        )
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
