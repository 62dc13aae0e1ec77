"""MIS access management: the request queue, decisions and sign-in lockouts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

from .. import selectors, services
from ..forms import (
    RejectForm,
    UnlockForm,
)
from ..models import (
    AccessRequest,
)
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


class DecideView(AccessManagementMixin, View):
    def post(self, request, pk):
        access_request = get_object_or_404(AccessRequest, pk=pk)
        form = RejectForm(request.POST)
        try:
            if request.POST.get("decision") == "approve":
                access_request = services.access_request_approve(actor=request.user, request_id=pk)
                messages.success(
                    request, f"Approved: {access_request}. The requester and the user are notified."
                )
            elif request.POST.get("decision") == "reject" and form.is_valid():
                access_request = services.access_request_reject(
                    actor=request.user, request_id=pk, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"Rejected: {access_request}. The requester is notified.")
            else:
                raise PortalError("Choose approve or reject.", code="decision")
        except PortalError as exc:
            messages.error(request, exc.message)
        return redirect("access:request_detail", access_request.pk)


class LockoutsView(AccessManagementMixin, View):
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

    def post(self, request):
        form = UnlockForm(request.POST)
        if form.is_valid():
            try:
                services.lockout_clear(actor=request.user, username=form.cleaned_data["username"])
            except PortalError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{form.cleaned_data['username']} may sign in again.")
        return redirect("access:lockouts")
