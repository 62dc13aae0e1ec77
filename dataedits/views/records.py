"""The seeker's services, periods and case notes, and recording them."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from participants.access import access_participant
from participants.models import Participant
from participants.services import ensure_can_edit
from portal.audit import audit_access
from portal.views import paginate
from portal.web import CapabilityRequiredMixin, FormView, refusal

from ..access import access_case_note, access_service
from ..forms import (
    CaseNoteCorrectionForm,
    CaseNoteForm,
    RemovalForm,
    SeekerLookupForm,
    ServiceCorrectionForm,
    ServiceForm,
)
from ..models import CaseNote, DataEditTicket, Service
from ..policies import self_correction_refusal
from ..precheck import ticket_precheck, timeline
from ..selectors import seeker_services, visible_tickets
from ..services import (
    case_note_correct,
    case_note_create,
    case_note_remove,
    service_correct,
    service_create,
    service_remove,
)


def editable_seeker(user: Any, pk: int) -> Participant:
    """The seeker, if the person may record on them: 404 if hidden, 403 if not in their office."""
    participant = access_participant(user, pk)
    if message := refusal(ensure_can_edit, actor=user, participant=participant):
        raise PermissionDenied(message)
    return participant


class RecordingMixin:
    """Pages that record on a seeker: a role that edits, and the seeker in the person's office."""

    capability = "can_edit_seekers"
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        return editable_seeker(self.request.user, self.kwargs["pk"])


def seeker_timeline(participant: Participant) -> tuple[list[Service], Any]:
    """The seeker's services and periods as they stand today (no change)."""
    services = seeker_services(participant)
    blank = DataEditTicket(participant=participant, kind="correct_seeker_data")
    check = ticket_precheck(
        blank, services=services, filed_on=timezone.localdate(), supporting_notes=0, documents=0
    )
    return services, check


class IndexView(CapabilityRequiredMixin, View):
    """Services and data edits: open a seeker by customer ID; the person's tickets and queues.

    The customer ID is POSTed: an SSN typed into the box by mistake never reaches a URL or the log.
    """

    capability = "can_read_seekers"

    def get(self, request):
        return self.page(request, SeekerLookupForm())

    def post(self, request):
        form = SeekerLookupForm(request.POST)
        if form.is_valid():
            seeker = (
                Participant.objects.visible_to(request.user)
                .filter(customer_id=form.cleaned_data["customer_id"])
                .first()
            )
            if seeker is not None:
                return redirect("dataedits:seeker", pk=seeker.pk)
            form.add_error("customer_id", "No seeker you may see has this customer ID.")
        return self.page(request, form, status=400)

    def page(self, request, form, status=200):
        mine = (
            visible_tickets(request.user)
            .filter(filed_by=request.user)
            .order_by("-created_at", "-pk")
        )
        return render(
            request,
            "dataedits/index.html",
            {
                "form": form,
                "page": paginate(request, mine, settings.PARTICIPANTS_PER_PAGE),
            },
            status=status,
        )


class SeekerView(CapabilityRequiredMixin, View):
    """A seeker's services, periods of participation, case notes and data-edit tickets."""

    capability = "can_read_seekers"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = access_participant(request.user, pk)
        audit_access(participant, actor=request.user, reason="services and case notes opened")
        services, check = seeker_timeline(participant)
        edit_refusal = refusal(ensure_can_edit, actor=request.user, participant=participant)
        today, now = timezone.localdate(), timezone.now()
        notes = paginate(
            request,
            CaseNote.objects.readable_by(request.user)
            .filter(participant=participant)
            .select_related("author", "office"),
            10,
        )

        def correctable(record, recorded_by_id, dates):
            return (
                edit_refusal is None
                and self_correction_refusal(
                    request.user,
                    recorded_by_id=recorded_by_id,
                    entered_at=record.entered_at,
                    dates=dates,
                    now=now,
                )
                is None
            )

        return render(
            request,
            "dataedits/seeker.html",
            {
                "participant": participant,
                "services": services,
                "timeline": timeline(check, filed_on=today, compare=False),
                "notes": notes,
                # Slips their recorder may still correct without a ticket.
                "correctable_services": {
                    s.pk
                    for s in services
                    if correctable(s, s.entered_by_id, [s.start_date, s.end_date])
                },
                "correctable_notes": {
                    n.pk for n in notes if correctable(n, n.author_id, [n.contact_date])
                },
                "tickets": visible_tickets(request.user)
                .filter(participant=participant)
                .order_by("-created_at", "-pk"),
                "refusal": edit_refusal,
                "today": today,
            },
        )


class ServiceCreateView(RecordingMixin, FormView):
    template_name = "dataedits/service_form.html"
    form_class = ServiceForm

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"participant": self.object, "form": form}

    def perform(self, form: ServiceForm) -> Service:
        return service_create(actor=self.request.user, participant=self.object, **form.recorded())

    def succeeded(self, service: Service) -> HttpResponse:
        messages.success(
            self.request,
            f"Service recorded: {service}."
            + (
                " It was entered more than seven days after it started and is flagged late."
                if service.is_late
                else ""
            ),
        )
        return redirect("dataedits:seeker", pk=self.object.pk)


class CaseNoteCreateView(RecordingMixin, FormView):
    template_name = "dataedits/case_note_form.html"
    form_class = CaseNoteForm

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"participant": self.object, "form": form}

    def perform(self, form: CaseNoteForm) -> CaseNote:
        return case_note_create(actor=self.request.user, participant=self.object, **form.recorded())

    def succeeded(self, note: CaseNote) -> HttpResponse:
        messages.success(
            self.request,
            "Case note recorded."
            + (
                " It was entered more than seven days after the contact and is flagged late."
                if note.is_late
                else ""
            ),
        )
        return redirect("dataedits:seeker", pk=self.object.pk)


# --- Correcting a slip without a ticket -----------------------------------------------------------


class SelfCorrectionView(RecordingMixin, FormView):
    """Correct or remove a service or case note one recorded oneself, soon after, while its quarter is open.

    Subclasses name the record (`record_name`, how to fetch it), the form, and the service that writes.
    """

    record_name = ""
    template_name = "dataedits/self_correction.html"
    removal = False

    def get_object(self) -> Service | CaseNote:
        self.participant = super().get_object()
        record = self.fetch(self.kwargs["record_pk"], participant=self.participant)
        refused = self_correction_refusal(
            self.request.user,
            recorded_by_id=self.recorded_by(record),
            entered_at=record.entered_at,
            dates=self.dates(record),
            now=timezone.now(),
        )
        if refused:
            raise PermissionDenied(refused)
        return record

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        return self.form(self.object, data)

    def perform(self, form: BaseForm) -> None:
        self.write(self.object, form.cleaned_data)

    def succeeded(self, result: None) -> HttpResponse:
        messages.success(
            self.request,
            f"The {self.record_name} was {'removed' if self.removal else 'corrected'}.",
        )
        return redirect("dataedits:seeker", pk=self.participant.pk)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "record": self.object,
            "form": form,
            "removal": self.removal,
            "record_name": self.record_name,
        }


class ServiceSelfCorrection(SelfCorrectionView):
    record_name = "service"

    def fetch(self, pk: int, *, participant: Participant) -> Service:
        return access_service(self.request.user, pk, participant=participant)

    def recorded_by(self, service: Service) -> int:
        return service.entered_by_id

    def dates(self, service: Service) -> list:
        return [service.start_date, service.end_date]


class ServiceCorrectView(ServiceSelfCorrection):
    def form(self, service: Service, data: Any = None) -> ServiceCorrectionForm:
        return ServiceCorrectionForm(
            data,
            initial={
                "service_type": service.service_type_id,
                "program": service.program,
                "start_date": service.start_date,
                "end_date": service.end_date,
            },
        )

    def write(self, service: Service, data: dict[str, Any]) -> None:
        service_correct(actor=self.request.user, service=service, **data)


class ServiceRemoveView(ServiceSelfCorrection):
    removal = True

    def form(self, service: Service, data: Any = None) -> RemovalForm:
        return RemovalForm(data)

    def write(self, service: Service, data: dict[str, Any]) -> None:
        service_remove(actor=self.request.user, service=service, **data)


class CaseNoteSelfCorrection(SelfCorrectionView):
    record_name = "case note"

    def fetch(self, pk: int, *, participant: Participant) -> CaseNote:
        return access_case_note(self.request.user, pk, participant=participant)

    def recorded_by(self, note: CaseNote) -> int:
        return note.author_id

    def dates(self, note: CaseNote) -> list:
        return [note.contact_date]


class CaseNoteCorrectView(CaseNoteSelfCorrection):
    def form(self, note: CaseNote, data: Any = None) -> CaseNoteCorrectionForm:
        return CaseNoteCorrectionForm(
            data, initial={"contact_date": note.contact_date, "text": note.text}
        )

    def write(self, note: CaseNote, data: dict[str, Any]) -> None:
        case_note_correct(actor=self.request.user, note=note, **data)


class CaseNoteRemoveView(CaseNoteSelfCorrection):
    removal = True

    def form(self, note: CaseNote, data: Any = None) -> RemovalForm:
        return RemovalForm(data)

    def write(self, note: CaseNote, data: dict[str, Any]) -> None:
        case_note_remove(actor=self.request.user, note=note, **data)
