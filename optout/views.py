from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from notifications.services import notifications_mark_read
from participants.services import enrollment_create
from portal.errors import PortalError
from portal.states import BAD_TRANSITION
from portal.views import paginate

from . import selectors
from .emails import request_page
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


class RuleRequiredMixin:
    """Refuses (403) people for whom `rule(user)` is false: one of the role predicates in policies.py."""

    rule = None
    refusal = "Your role does not include this page."

    def dispatch(self, request, *args, **kwargs):
        if not type(self).rule(request.user):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class LookupView(RuleRequiredMixin, View):
    """The Opt-Out Lookup (seed 001): partner staff check whether a seeker opted out, by full SSN."""

    rule = uses_opt_out_lookup
    refusal = "The Opt-Out Lookup is for partner staff: ESD staff find opted-out seekers with Quick Search."
    template_name = "optout/lookup.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"form": LookupForm(), "limit": settings.OPTOUT_LOOKUPS_PER_HOUR},
        )

    def post(self, request):
        form = LookupForm(request.POST)
        if form.is_valid():
            try:
                lookup = opt_out_lookup(actor=request.user, ssn=form.cleaned_data["ssn"])
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                # The answer is shown on its own page, so the SSN travels only in this POST's body.
                return redirect("optout:lookup_result", pk=lookup.pk)
        # The box is never refilled: it may hold an SSN.
        form.data = form.data.copy()
        form.data["ssn"] = ""
        return render(
            request,
            self.template_name,
            {"form": form, "limit": settings.OPTOUT_LOOKUPS_PER_HOUR},
            status=400,
        )


class LookupResultView(View):
    """The answer to one of the person's own lookups: CLIENT OPTED OUT with the name, or none on file."""

    def get(self, request, pk):
        lookup = get_object_or_404(
            OptOutLookup.objects.select_related("participant"), pk=pk, staff=request.user
        )
        return render(
            request,
            "optout/lookup_result.html",
            {
                "lookup": lookup,
                "can_file": may_file(request.user, lookup),
                "form": LookupForm(),
            },
        )


class FileRequestView(RuleRequiredMixin, View):
    """Seed 000 step 4: the opt-in request, from a CLIENT OPTED OUT answer, the client's name prefilled."""

    rule = files_opt_in_requests
    refusal = "Only partner case managers file opt-in requests."
    template_name = "optout/request_form.html"

    def get_lookup(self, pk):
        return get_object_or_404(
            OptOutLookup.objects.select_related("participant"),
            pk=pk,
            staff=self.request.user,
            result=OptOutLookup.Result.OPTED_OUT,
        )

    def get(self, request, pk):
        lookup = self.get_lookup(pk)
        seeker = lookup.participant
        form = OptInRequestForm(initial={"client_name": f"{seeker.first_name} {seeker.last_name}"})
        return render(request, self.template_name, {"form": form, "lookup": lookup})

    def post(self, request, pk):
        lookup = self.get_lookup(pk)
        form = OptInRequestForm(request.POST)
        if form.is_valid():
            try:
                opt_in_request = opt_in_request_file(
                    actor=request.user, lookup=lookup, **form.cleaned_data
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    "Your opt-in request was sent to the ESD WIOA supervisors of your area.",
                )
                return redirect("optout:request_detail", pk=opt_in_request.pk)
        return render(request, self.template_name, {"form": form, "lookup": lookup}, status=400)


class MyRequestsView(RuleRequiredMixin, View):
    """A case manager's opt-in requests and their outcomes."""

    rule = files_opt_in_requests
    refusal = "Only partner case managers file opt-in requests."

    def get(self, request):
        page = paginate(
            request, selectors.requests_filed_by(user=request.user), settings.PARTICIPANTS_PER_PAGE
        )
        return render(request, "optout/my_requests.html", {"page": page})


class QueueView(RuleRequiredMixin, View):
    """The ESD WIOA supervisor's queue: open requests oldest first, overdue ones flagged."""

    rule = is_wioa_supervisor
    refusal = "The opt-in request queue is for ESD WIOA supervisors."

    def get(self, request):
        closed = request.GET.get("show") == "closed"
        queue = selectors.supervisor_queue(user=request.user, closed=closed)
        page = paginate(request, queue, settings.PARTICIPANTS_PER_PAGE)
        return render(
            request,
            "optout/queue.html",
            {
                "page": page,
                "closed": closed,
                "overdue_days": settings.OPTOUT_REQUEST_OVERDUE_DAYS,
            },
        )


def visible_request(request, pk) -> OptInRequest:
    """The request if this person may open it; 404 exactly like a missing one otherwise."""
    queryset = OptInRequest.objects.visible_to(request.user).select_related(
        "filed_by__organization", "office", "area", "decided_by"
    )
    return get_object_or_404(queryset, pk=pk)


class RequestDetailView(View):
    def get(self, request, pk):
        opt_in_request = visible_request(request, pk)
        notifications_mark_read(actor=request.user, link=request_page(opt_in_request))
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


class WithdrawView(View):
    """Withdrawing asks for a confirmation first; only the filer may, while the request waits."""

    def get_request(self, request, pk):
        opt_in_request = visible_request(request, pk)
        if refusal := withdraw_refusal(request.user, opt_in_request):
            raise PermissionDenied(refusal.message)
        return opt_in_request

    def get(self, request, pk):
        opt_in_request = self.get_request(request, pk)
        if not opt_in_request.is_open:
            messages.info(
                request,
                "This request no longer waits for a decision: there is nothing to withdraw.",
            )
            return redirect("optout:request_detail", pk=pk)
        return render(request, "optout/withdraw_confirm.html", {"req": opt_in_request})

    def post(self, request, pk):
        opt_in_request = self.get_request(request, pk)
        try:
            opt_in_request_withdraw(actor=request.user, opt_in_request=opt_in_request)
        except PortalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The opt-in request was withdrawn.")
        return redirect("optout:request_detail", pk=pk)


class SupervisorRequestMixin(RuleRequiredMixin):
    rule = is_wioa_supervisor
    refusal = "Only an ESD WIOA supervisor records the client's decision."

    def get_request(self, pk):
        queryset = OptInRequest.objects.in_queue_of(self.request.user).select_related(
            "filed_by", "office"
        )
        return get_object_or_404(queryset, pk=pk)


class DecideView(SupervisorRequestMixin, View):
    """The supervisor records the contact with the client and the decision (seed 000, a-h)."""

    template_name = "optout/decide.html"

    def render_page(self, opt_in_request, form, status=200):
        seeker = selectors.participant_for_supervisor(
            user=self.request.user, opt_in_request=opt_in_request
        )
        office = self.request.user.current_office
        enrolled = (
            seeker is not None
            and office is not None
            and seeker.enrollments.filter(office=office).exists()
        )
        return render(
            self.request,
            self.template_name,
            {
                "req": opt_in_request,
                "form": form,
                "seeker": seeker,
                "enrolled": enrolled,
            },
            status=status,
        )

    def closed(self, opt_in_request):
        status = opt_in_request.get_status_display()
        messages.info(self.request, f"{status}: there is nothing left to decide.")
        return redirect("optout:request_detail", pk=opt_in_request.pk)

    def get(self, request, pk):
        opt_in_request = self.get_request(pk)
        if not opt_in_request.is_open:
            return self.closed(opt_in_request)
        return self.render_page(opt_in_request, DecisionForm())

    def post(self, request, pk):
        opt_in_request = self.get_request(pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decided = opt_in_request_decide(
                    actor=request.user, opt_in_request=opt_in_request, **form.cleaned_data
                )
            except PortalError as exc:
                if exc.code == BAD_TRANSITION:
                    messages.error(request, exc.message)
                    return redirect("optout:request_detail", pk=pk)
                form.add_error(None, exc.message)
            else:
                status = decided.get_status_display()
                messages.success(
                    request, f"Recorded. {status}. The case manager has been notified."
                )
                return redirect("optout:request_detail", pk=pk)
        return self.render_page(opt_in_request, form, status=400)


class RequestEnrollView(SupervisorRequestMixin, View):
    """Add Seeker to Office from the decision page, so that the supervisor may clear the opt-out."""

    def post(self, request, pk):
        opt_in_request = self.get_request(pk)
        seeker = selectors.participant_for_supervisor(
            user=request.user, opt_in_request=opt_in_request
        )
        if seeker is None:
            raise PermissionDenied("You may not see this seeker.")
        try:
            result = enrollment_create(actor=request.user, participants=[seeker])
        except PortalError as exc:
            messages.error(request, exc.message)
        else:
            office = request.user.current_office
            if result.enrolled:
                messages.success(
                    request, f"Enrolled in {office}: {seeker.first_name} {seeker.last_name}."
                )
            else:
                messages.info(
                    request,
                    f"Already enrolled in {office}: {seeker.first_name} {seeker.last_name}.",
                )
        return redirect("optout:request_decide", pk=pk)
