"""The seeker's services, periods and case notes, and recording them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from participants.models import Participant
from participants.services import ensure_can_edit
from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

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


def visible_seeker(request, pk) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)


def visible_ticket(request, pk) -> DataEditTicket:
    return get_object_or_404(
        visible_tickets(request.user).select_related(
            "service__service_type", "new_service_type", "local_reviewer", "decided_by"
        ),
        pk=pk,
    )


def editable_seeker(request, pk) -> Participant:
    """The seeker, if the person may record on them: 404 if hidden, 403 if not in their office."""
    participant = visible_seeker(request, pk)
    try:
        ensure_can_edit(actor=request.user, participant=participant)
    except PortalError as exc:
        raise PermissionDenied(exc.message) from exc
    return participant


def seeker_timeline(participant):
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

    def get(self, request, pk):
        participant = visible_seeker(request, pk)
        services, check = seeker_timeline(participant)
        try:
            ensure_can_edit(actor=request.user, participant=participant)
            refusal = None
        except PortalError as exc:
            refusal = exc.message
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
                refusal is None
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
                "refusal": refusal,
                "today": today,
            },
        )


class ServiceCreateView(CapabilityRequiredMixin, View):
    capability = "can_edit_seekers"
    template_name = "dataedits/service_form.html"

    def get(self, request, pk):
        participant = editable_seeker(request, pk)
        return render(
            request, self.template_name, {"participant": participant, "form": ServiceForm()}
        )

    def post(self, request, pk):
        participant = editable_seeker(request, pk)
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                service = service_create(
                    actor=request.user, participant=participant, **form.recorded()
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Service recorded: {service}."
                    + (
                        " It was entered more than seven days after it started and is flagged late."
                        if service.is_late
                        else ""
                    ),
                )
                return redirect("dataedits:seeker", pk=participant.pk)
        return render(
            request, self.template_name, {"participant": participant, "form": form}, status=400
        )


class CaseNoteCreateView(CapabilityRequiredMixin, View):
    capability = "can_edit_seekers"
    template_name = "dataedits/case_note_form.html"

    def get(self, request, pk):
        participant = editable_seeker(request, pk)
        return render(
            request, self.template_name, {"participant": participant, "form": CaseNoteForm()}
        )

    def post(self, request, pk):
        participant = editable_seeker(request, pk)
        form = CaseNoteForm(request.POST)
        if form.is_valid():
            try:
                note = case_note_create(
                    actor=request.user, participant=participant, **form.recorded()
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    "Case note recorded."
                    + (
                        " It was entered more than seven days after the contact and is flagged late."
                        if note.is_late
                        else ""
                    ),
                )
                return redirect("dataedits:seeker", pk=participant.pk)
        return render(
            request, self.template_name, {"participant": participant, "form": form}, status=400
        )


# --- Correcting a slip without a ticket -----------------------------------------------------------


class SelfCorrectionView(CapabilityRequiredMixin, View):
    """Correct or remove a service or case note one recorded oneself, soon after, while its quarter is open.

    Subclasses name the record (`model`, `record_name`), the form, and the service that writes.
    """

    capability = "can_edit_seekers"
    model = None
    record_name = ""
    template_name = "dataedits/self_correction.html"
    removal = False

    def record(self, request, pk, record_pk):
        participant = editable_seeker(request, pk)
        record = get_object_or_404(self.model.objects.filter(participant=participant), pk=record_pk)
        refusal = self_correction_refusal(
            request.user,
            recorded_by_id=self.recorded_by(record),
            entered_at=record.entered_at,
            dates=self.dates(record),
            now=timezone.now(),
        )
        if refusal:
            raise PermissionDenied(refusal)
        return participant, record

    def get(self, request, pk, record_pk):
        participant, record = self.record(request, pk, record_pk)
        return self.page(participant, record, self.form(record))

    def post(self, request, pk, record_pk):
        participant, record = self.record(request, pk, record_pk)
        form = self.form(record, request.POST)
        if form.is_valid():
            try:
                self.write(record, form.cleaned_data)
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"The {self.record_name} was {'removed' if self.removal else 'corrected'}.",
                )
                return redirect("dataedits:seeker", pk=participant.pk)
        return self.page(participant, record, form, status=400)

    def page(self, participant, record, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "participant": participant,
                "record": record,
                "form": form,
                "removal": self.removal,
                "record_name": self.record_name,
            },
            status=status,
        )


class ServiceSelfCorrection(SelfCorrectionView):
    model, record_name = Service, "service"

    def recorded_by(self, service):
        return service.entered_by_id

    def dates(self, service):
        return [service.start_date, service.end_date]


class ServiceCorrectView(ServiceSelfCorrection):
    def form(self, service, data=None):
        return ServiceCorrectionForm(
            data,
            initial={
                "service_type": service.service_type_id,
                "program": service.program,
                "start_date": service.start_date,
                "end_date": service.end_date,
            },
        )

    def write(self, service, data):
        service_correct(actor=self.request.user, service=service, **data)


class ServiceRemoveView(ServiceSelfCorrection):
    removal = True

    def form(self, service, data=None):
        return RemovalForm(data)

    def write(self, service, data):
        service_remove(actor=self.request.user, service=service, **data)


class CaseNoteSelfCorrection(SelfCorrectionView):
    model, record_name = CaseNote, "case note"

    def recorded_by(self, note):
        return note.author_id

    def dates(self, note):
        return [note.contact_date]


class CaseNoteCorrectView(CaseNoteSelfCorrection):
    def form(self, note, data=None):
        return CaseNoteCorrectionForm(
            data, initial={"contact_date": note.contact_date, "text": note.text}
        )

    def write(self, note, data):
        case_note_correct(actor=self.request.user, note=note, **data)


class CaseNoteRemoveView(CaseNoteSelfCorrection):
    removal = True

    def form(self, note, data=None):
        return RemovalForm(data)

    def write(self, note, data):
        case_note_remove(actor=self.request.user, note=note, **data)
