"""MIS access management: the request queue, decisions and sign-in lockouts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.errors import PortalError
from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, ConfirmedActionView

from .. import selectors, services
from ..forms import (
    RejectForm,
    UnlockForm,
)
from ..models import (
    ACCESS_REQUESTS,
    AccessRequest,
)
from ..policies import decide_refusal, may_confirm, may_decide
from .common import PER_PAGE


class AccessManagementMixin(CapabilityRequiredMixin):
    capability = "can_manage_access"


class QueueView(AccessManagementMixin, View):
    def get(self, request):
        return render(
            request,
            "access/queue.html",
            {"page": paginate(request, selectors.access_request_queue(), PER_PAGE)},
        )


class DecideView(AccessManagementMixin, ActionView):
    """Approves or rejects an access request (a rejection gives its reason)."""

    # The queue's pages refuse people outside access management first, a GET included.
    role_before_method = True

    def get_object(self) -> AccessRequest:
        return get_object_or_404(AccessRequest, pk=self.kwargs["pk"])

    def perform(self, form: None) -> str:
        """Decides the request; what the person is told."""
        decision, pk = self.request.POST.get("decision"), self.object.pk
        if decision == "approve":
            decided = services.access_request_approve(actor=self.request.user, request_id=pk)
            return f"Approved: {decided}. The requester and the user are notified."
        reject_form = RejectForm(self.request.POST)
        if decision == "reject" and reject_form.is_valid():
            decided = services.access_request_reject(
                actor=self.request.user, request_id=pk, reason=reject_form.cleaned_data["reason"]
            )
            return f"Rejected: {decided}. The requester is notified."
        raise PortalError("Choose approve or reject.", code="decision")

    def success_message(self, told: str) -> str:
        return told

    def redirect_url(self) -> str:
        return reverse("access:request_detail", args=[self.object.pk])


class ApproveView(AccessManagementMixin, ConfirmedActionView):
    """Approve asks first: GET shows what approving does and the policy's checks, POST approves."""

    role_before_method = True
    confirm_template_name = "access/request_approve.html"

    def get_object(self) -> AccessRequest:
        return get_object_or_404(
            AccessRequest.objects.select_related(
                "requested_by", "staff", "organization", "logs_into"
            ),
            pk=self.kwargs["pk"],
        )

    def confirm(self) -> HttpResponse:
        user, access_request = self.request.user, self.object
        if not (may_decide(user, access_request) or may_confirm(user, access_request)):
            refused = decide_refusal(user, access_request)
            messages.error(
                self.request,
                refused.message
                if refused
                else ACCESS_REQUESTS.refusal(access_request.status, AccessRequest.Action.APPROVE),
            )
            return redirect(self.redirect_url())
        return super().confirm()

    def confirm_context(self) -> dict:
        checks = selectors.access_request_checks(self.object, timezone.localdate())
        return {"req": self.object, "checks": checks, "unmet": [c for c in checks if not c.met]}

    def perform(self, form: None) -> AccessRequest:
        return services.access_request_approve(actor=self.request.user, request_id=self.object.pk)

    def success_message(self, decided: AccessRequest) -> str:
        return f"Approved: {decided}. The requester and the user are notified."

    def redirect_url(self) -> str:
        return reverse("access:request_detail", args=[self.object.pk])


class LockoutsView(AccessManagementMixin, ActionView):
    """The accounts locked by wrong passwords or codes; access management unlocks them."""

    def get(self, request):
        cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
        # Counted as django-axes counts: failures per username, summed over addresses and browsers.
        locked = (
            AccessAttempt.objects.filter(attempt_time__gte=cutoff)
            .values("username")
            .annotate(failures=Sum("failures_since_start"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("username")
        )
        return render(
            request, "access/lockouts.html", {"page": paginate(request, locked, PER_PAGE)}
        )

    def perform(self, form: None) -> str | None:
        """Clears the lockout of the username given; None if none was given."""
        unlock = UnlockForm(self.request.POST)
        if not unlock.is_valid():
            return None
        username = unlock.cleaned_data["username"]
        services.lockout_clear(actor=self.request.user, username=username)
        return username

    def success_message(self, username: str | None) -> str:
        return f"{username} may sign in again." if username else ""

    def redirect_url(self) -> str:
        return reverse("access:lockouts")
