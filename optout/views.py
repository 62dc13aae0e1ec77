from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from participants.services import EnrollmentResult, enrollment_create
from portal.audit import audit_access
from portal.errors import PortalError
from portal.states import BAD_TRANSITION
from portal.views import PagedByIds, paginate
from portal.web import ActionView, CapabilityRequiredMixin, ConfirmedActionView, FormView

from . import selectors
from .access import access_lookup, access_opt_in_request
from .forms import DecisionForm, LookupForm, OptInRequestForm
from .models import OptInRequest, OptOutLookup
from .policies import (
    files_opt_in_requests,
    is_wioa_supervisor,
    may_decide,
    may_file,
    may_withdraw,
    uses_opt_out_lookup,
    withdraw_refusal,
)
from .services import (
    opt_in_request_decide,
    opt_in_request_file,
    opt_in_request_withdraw,
    opt_out_lookup,
)


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class LookupView(FormView):
    """The Opt-Out Lookup (seed 001): partner staff check whether a seeker opted out, by full SSN."""

    capability = uses_opt_out_lookup
    refusal = "The Opt-Out Lookup is for partner staff: ESD staff find opted-out seekers with Quick Search."
    template_name = "optout/lookup.html"
    form_class = LookupForm

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"form": form, "limit": settings.OPTOUT_LOOKUPS_PER_HOUR}

    def render_form(self, form: BaseForm, status: int = 200) -> HttpResponse:
        # The box is never refilled: it may hold an SSN.
        form.data = form.data.copy()
        form.data["ssn"] = ""
        return super().render_form(form, status)

    def perform(self, form: LookupForm) -> OptOutLookup:
        return opt_out_lookup(actor=self.request.user, ssn=form.cleaned_data["ssn"])

    def success_url(self, lookup: OptOutLookup) -> str:
        # The answer is shown on its own page, so the SSN travels only in this POST's body.
        return reverse("optout:lookup_result", kwargs={"pk": lookup.pk})


class LookupResultView(View):
    """The answer to one of the person's own lookups: CLIENT OPTED OUT with the name, or none on file."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        lookup = access_lookup(request.user, pk)
        audit_access(lookup, actor=request.user, reason="Opt-Out Lookup answer read")
        return render(
            request,
            "optout/lookup_result.html",
            {
                "lookup": lookup,
                "can_file": may_file(request.user, lookup),
                "form": LookupForm(),
            },
        )


class FileRequestView(FormView):
    """Seed 000 step 4: the opt-in request, from a CLIENT OPTED OUT answer, the client's name prefilled."""

    capability = files_opt_in_requests
    refusal = "Only partner case managers file opt-in requests."
    template_name = "optout/request_form.html"

    def get_object(self) -> OptOutLookup:
        return access_lookup(self.request.user, self.kwargs["pk"], opted_out=True)

    def get_form(self, data: Any = None, files: Any = None) -> OptInRequestForm:
        if data is not None:
            return OptInRequestForm(data)
        seeker = self.object.participant
        return OptInRequestForm(initial={"client_name": f"{seeker.first_name} {seeker.last_name}"})

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"form": form, "lookup": self.object}

    def perform(self, form: OptInRequestForm) -> OptInRequest:
        return opt_in_request_file(actor=self.request.user, lookup=self.object, **form.cleaned_data)

    def succeeded(self, opt_in_request: OptInRequest) -> HttpResponse:
        messages.success(
            self.request, "Your opt-in request was sent to the ESD WIOA supervisors of your area."
        )
        return redirect("optout:request_detail", pk=opt_in_request.pk)


class MyRequestsView(CapabilityRequiredMixin, View):
    """A case manager's opt-in requests and their outcomes."""

    capability = files_opt_in_requests
    refusal = "Only partner case managers file opt-in requests."

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(
            request, selectors.requests_filed_by(user=request.user), settings.PARTICIPANTS_PER_PAGE
        )
        return render(request, "optout/my_requests.html", {"page": page})


class QueueView(CapabilityRequiredMixin, View):
    """The ESD WIOA supervisor's queue: open requests oldest first, overdue ones flagged."""

    capability = is_wioa_supervisor
    refusal = "The opt-in request queue is for ESD WIOA supervisors."

    def get(self, request: HttpRequest) -> HttpResponse:
        closed = request.GET.get("show") == "closed"
        queue = selectors.supervisor_queue(user=request.user, closed=closed)
        page = paginate(request, PagedByIds(queue), settings.PARTICIPANTS_PER_PAGE)
        return render(
            request,
            "optout/queue.html",
            {
                "page": page,
                "closed": closed,
                "overdue_days": settings.OPTOUT_REQUEST_OVERDUE_DAYS,
            },
        )


class RequestDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        opt_in_request = access_opt_in_request(request.user, pk)
        supervisor = opt_in_request.filed_by_id != request.user.pk
        # The buttons are offered by the same policies the services ask.
        return render(
            request,
            "optout/request_detail.html",
            {
                "req": opt_in_request,
                "is_filer": not supervisor,
                "can_decide": may_decide(request.user, opt_in_request),
                "can_withdraw": may_withdraw(request.user, opt_in_request),
                "seeker": selectors.participant_for_supervisor(
                    user=request.user, opt_in_request=opt_in_request
                )
                if supervisor
                else None,
                "supervisors": selectors.request_supervisors(opt_in_request=opt_in_request),
            },
        )


class WithdrawView(ConfirmedActionView):
    """Withdrawing asks for a confirmation first; only the filer may, while the request waits."""

    confirm_template_name = "optout/withdraw_confirm.html"

    def get_object(self) -> OptInRequest:
        opt_in_request = access_opt_in_request(self.request.user, self.kwargs["pk"])
        if refusal := withdraw_refusal(self.request.user, opt_in_request):
            raise PermissionDenied(refusal.message)
        return opt_in_request

    def confirm_context(self) -> dict[str, Any]:
        return {"req": self.object}

    def confirm(self) -> HttpResponse:
        if not self.object.is_open:
            messages.info(
                self.request,
                "This request no longer waits for a decision: there is nothing to withdraw.",
            )
            return redirect(self.redirect_url())
        return super().confirm()

    def perform(self, form: None) -> None:
        opt_in_request_withdraw(actor=self.request.user, opt_in_request=self.object)

    def success_message(self, result: None) -> str:
        return "The opt-in request was withdrawn."

    def redirect_url(self) -> str:
        return reverse("optout:request_detail", kwargs={"pk": self.kwargs["pk"]})


class SupervisorRequestMixin(CapabilityRequiredMixin):
    capability = is_wioa_supervisor
    refusal = "Only an ESD WIOA supervisor records the client's decision."

    def get_object(self) -> OptInRequest:
        return access_opt_in_request(self.request.user, self.kwargs["pk"], in_queue=True)


class DecideView(SupervisorRequestMixin, FormView):
    """The supervisor records the contact with the client and the decision (seed 000, a-h)."""

    template_name = "optout/decide.html"
    form_class = DecisionForm

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        seeker = selectors.participant_for_supervisor(
            user=self.request.user, opt_in_request=self.object
        )
        office = self.request.user.current_office
        enrolled = (
            seeker is not None
            and office is not None
            and seeker.enrollments.filter(office=office).exists()
        )
        return {"req": self.object, "form": form, "seeker": seeker, "enrolled": enrolled}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if not self.object.is_open:
            status = self.object.get_status_display()
            messages.info(request, f"{status}: there is nothing left to decide.")
            return redirect("optout:request_detail", pk=self.object.pk)
        return self.render_form(self.get_form())

    def perform(self, form: DecisionForm) -> OptInRequest:
        return opt_in_request_decide(
            actor=self.request.user, opt_in_request=self.object, **form.cleaned_data
        )

    def refused(self, form: BaseForm, exc: PortalError) -> HttpResponse | None:
        # Decided by someone else meanwhile: the form no longer applies, the request page says why.
        if exc.code == BAD_TRANSITION:
            messages.error(self.request, exc.message)
            return redirect("optout:request_detail", pk=self.object.pk)
        return super().refused(form, exc)

    def succeeded(self, decided: OptInRequest) -> HttpResponse:
        status = decided.get_status_display()
        messages.success(self.request, f"Recorded. {status}. The case manager has been notified.")
        return redirect("optout:request_detail", pk=self.object.pk)


class RequestEnrollView(SupervisorRequestMixin, ActionView):
    """Add Seeker to Office from the decision page, so that the supervisor may clear the opt-out."""

    # Like the decision page it is a button of: people who are not supervisors are refused first.
    role_before_method = True

    def get_object(self) -> OptInRequest:
        opt_in_request = super().get_object()
        self.seeker = selectors.participant_for_supervisor(
            user=self.request.user, opt_in_request=opt_in_request
        )
        if self.seeker is None:
            raise PermissionDenied("You may not see this seeker.")
        return opt_in_request

    def perform(self, form: None) -> EnrollmentResult:
        return enrollment_create(actor=self.request.user, participants=[self.seeker])

    def announce(self, result: EnrollmentResult) -> None:
        office = self.request.user.current_office
        name = f"{self.seeker.first_name} {self.seeker.last_name}"
        if result.enrolled:
            messages.success(self.request, f"Enrolled in {office}: {name}.")
        else:
            messages.info(self.request, f"Already enrolled in {office}: {name}.")

    def redirect_url(self) -> str:
        return reverse("optout:request_decide", kwargs={"pk": self.kwargs["pk"]})
