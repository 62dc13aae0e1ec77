"""Access requests as requesters file, follow and withdraw them (policy 1021 h, i)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_POST

from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

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
from .common import PER_PAGE, refused


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


class RequestFormView(RequesterMixin, View):
    """Shared by the three request forms: a refusal shows its reason, a success goes to the list."""

    template_name = "access/request_form.html"
    title = ""

    def form(self, data=None):
        raise NotImplementedError

    def file(self, data):
        raise NotImplementedError

    def get(self, request):
        return self.show(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                access_request, warning = self.file(form.cleaned_data)
            except PortalError as exc:
                refused(form, exc)
            else:
                if warning:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    f"Request filed: {access_request.get_kind_display().lower()} ({access_request.person_name}).",
                )
                return redirect("access:request_detail", access_request.pk)
        return self.show(form)

    def show(self, form):
        return render(self.request, self.template_name, {"form": form, "title": self.title})


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
                "requested_by", "staff", "organization", "decided_by"
            ),
            pk=pk,
        )
        return render(
            request,
            "access/request_detail.html",
            {"req": access_request, "reject_form": RejectForm()},
        )


@require_POST
def withdraw_request(request, pk):
    get_object_or_404(visible_requests(request.user), pk=pk)
    try:
        services.access_request_withdraw(actor=request.user, request_id=pk)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Request withdrawn.")
    return redirect("access:request_detail", pk)
