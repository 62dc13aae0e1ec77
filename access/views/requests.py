"""Access requests as requesters file, follow and withdraw them (policy 1021 h, i)."""

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.text import in_sentence
from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, FormView

from .. import selectors, services
from ..forms import (
    AddRequestForm,
    ChangeRequestForm,
    DisableRequestForm,
    RejectForm,
)
from ..models import (
    AccessRequest,
)
from .common import PER_PAGE


class RequesterMixin(CapabilityRequiredMixin):
    capability = "can_request_access"


class MyRequestsView(RequesterMixin, View):
    def get(self, request):
        return render(
            request,
            "access/my_requests.html",
            {
                "page": paginate(request, selectors.requests_filed_by(request.user), PER_PAGE),
                "unsigned": selectors.unsigned_staff_for(request.user).order_by(
                    "last_name", "first_name"
                )[:100],
                "offices": selectors.requester_offices(request.user),
            },
        )


class RequestFormView(RequesterMixin, FormView):
    """Shared by the three request forms: a refusal shows its reason, a success goes to the list."""

    template_name = "access/request_form.html"
    invalid_status = 200
    title = ""

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        return self.form(data)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"form": form, "title": self.title}

    def perform(self, form: BaseForm) -> tuple[AccessRequest, str | None]:
        return self.file(form.cleaned_data)

    def succeeded(self, result: tuple[AccessRequest, str | None]) -> HttpResponse:
        access_request, warning = result
        if warning:
            messages.warning(self.request, warning)
        messages.success(
            self.request,
            f"Request filed: {in_sentence(access_request.get_kind_display())} ({access_request.person_name}).",
        )
        return redirect("access:request_detail", access_request.pk)


class AddRequestView(RequestFormView):
    title = "Request to add a user"

    def form(self, data=None):
        return AddRequestForm(data, requester=self.request.user)

    def file(self, data):
        return services.access_request_add(actor=self.request.user, **data), None


class ChangeRequestView(RequestFormView):
    title = "Request to change a user"

    def form(self, data=None):
        return ChangeRequestForm(data, requester=self.request.user)

    def file(self, data):
        return services.access_request_change(actor=self.request.user, **data), None


class DisableRequestView(RequestFormView):
    title = "Request to disable a user"

    def form(self, data=None):
        return DisableRequestForm(data, requester=self.request.user)

    def file(self, data):
        return services.access_request_disable(actor=self.request.user, **data)


def visible_requests(user):
    """Access requests a person may open: access management and the administrator all, a requester their own."""
    if user.can_manage_access or user.can_administer_contracts:
        return AccessRequest.objects.all()
    if user.can_request_access:
        return AccessRequest.objects.filter(requested_by=user)
    return AccessRequest.objects.none()


class RequestDetailView(View):
    def get(self, request, pk):
        access_request = get_object_or_404(
            visible_requests(request.user).select_related(
                "requested_by", "staff", "organization", "decided_by", "logs_into"
            ),
            pk=pk,
        )
        return render(
            request,
            "access/request_detail.html",
            {
                "req": access_request,
                "reject_form": RejectForm(),
                "checks": selectors.access_request_checks(access_request, timezone.localdate()),
            },
        )


class WithdrawRequestView(ActionView):
    def get_object(self) -> AccessRequest:
        return get_object_or_404(visible_requests(self.request.user), pk=self.kwargs["pk"])

    def perform(self, form: None) -> None:
        services.access_request_withdraw(actor=self.request.user, request_id=self.object.pk)

    def success_message(self, result: None) -> str:
        return "Request withdrawn."

    def redirect_url(self) -> str:
        return reverse("access:request_detail", args=[self.kwargs["pk"]])
