"""The state's intake page: held registrations, the intake log, sending systems' credentials."""

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from access.models import Staff
from participants.services import participant_record_access
from portal.errors import PortalError
from portal.views import paginate

from . import selectors, services
from .forms import CredentialForm, ResolutionForm, SendingSystemForm
from .models import HeldRegistration, SendingSystem, ServiceCredential
from .policies import manages_credentials, reads_intake


class StaffRequest(HttpRequest):
    """A request past the sign-in middleware: its user is a staff member."""

    user: Staff


class PolicyRequiredMixin(View):
    """Refuses (403) people for whom `policy(user)` is false: one of intake.policies."""

    policy: Callable[[Staff], bool] = staticmethod(reads_intake)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # LoginRequiredMiddleware sends anyone signed out to the sign-in page before this.
        if not type(self).policy(cast(Staff, request.user)):
            raise PermissionDenied("The intake page is for state staff who resolve registrations.")
        return super().dispatch(request, *args, **kwargs)


class IntakeView(PolicyRequiredMixin):
    """Held registrations to resolve, oldest first, and each sending system's day."""

    def get(self, request: StaffRequest) -> HttpResponse:
        page = paginate(request, selectors.held_registrations(), settings.PARTICIPANTS_PER_PAGE)
        return render(
            request,
            "intake/index.html",
            {
                "page": page,
                "systems": selectors.systems_summary(),
                "manages_credentials": manages_credentials(request.user),
            },
        )


class HeldRegistrationView(PolicyRequiredMixin):
    """One held registration beside the seeker who has its SSN; the SSN itself is not shown."""

    def held(self, pk: int) -> HeldRegistration:
        return get_object_or_404(selectors.held_registrations(), pk=pk)

    def render(self, request: StaffRequest, held: HeldRegistration, form: ResolutionForm) -> Any:
        return render(request, "intake/held.html", {"held": held, "form": form})

    def get(self, request: StaffRequest, pk: int) -> HttpResponse:
        held = self.held(pk)
        # The page shows the seeker's record beside the registration: a read like any other.
        participant_record_access(actor=request.user, participant=held.conflicting_participant)
        return self.render(request, held, ResolutionForm())

    def post(self, request: StaffRequest, pk: int) -> HttpResponse:
        held = self.held(pk)
        form = ResolutionForm(request.POST)
        if form.is_valid():
            try:
                resolved = services.held_registration_resolve(
                    actor=request.user, held=held, resolution=form.cleaned_data["resolution"]
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Registration {resolved.external_id}: {resolved.get_status_display()} "
                    f"({resolved.resolved_participant}).",
                )
                return redirect("intake:index")
        response = self.render(request, held, form)
        response.status_code = 400
        return response


class SendingSystemsView(PolicyRequiredMixin):
    """The MIS security and data sharing administrator adds a sending system."""

    policy = staticmethod(manages_credentials)

    def get(self, request: StaffRequest) -> HttpResponse:
        return render(request, "intake/system_form.html", {"form": SendingSystemForm()})

    def post(self, request: StaffRequest) -> HttpResponse:
        form = SendingSystemForm(request.POST)
        if form.is_valid():
            try:
                system = services.sending_system_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except PortalError as exc:
                form.add_error("name", exc.message)
            else:
                messages.success(request, f"{system} added: issue it a credential.")
                return redirect("intake:system", pk=system.pk)
        return render(request, "intake/system_form.html", {"form": form}, status=400)


class SendingSystemView(PolicyRequiredMixin):
    """A sending system's intake log by day and its last error; its credentials for the administrator."""

    def get(self, request: StaffRequest, pk: int) -> HttpResponse:
        system = get_object_or_404(SendingSystem, pk=pk)
        administers = manages_credentials(request.user)
        return render(
            request,
            "intake/system.html",
            {
                "system": system,
                "page": paginate(request, selectors.log_by_day(system), 31),
                "last_error": selectors.last_error(system),
                "credentials": system.credentials.all() if administers else None,
                "credential_form": CredentialForm() if administers else None,
            },
        )


class CredentialCreateView(PolicyRequiredMixin):
    """Issues a credential and shows its token this once: it is kept only as a hash."""

    policy = staticmethod(manages_credentials)
    http_method_names = ["post"]

    def post(self, request: StaffRequest, pk: int) -> HttpResponse:
        system = get_object_or_404(SendingSystem, pk=pk)
        form = CredentialForm(request.POST)
        if form.is_valid():
            try:
                issued = services.credential_create(
                    actor=request.user, system=system, scopes=form.cleaned_data["scopes"]
                )
            except PortalError as exc:
                form.add_error(None, exc.message)
            else:
                return render(request, "intake/credential_issued.html", {"issued": issued})
        messages.error(request, "Choose what the system may send.")
        return redirect("intake:system", pk=system.pk)


class CredentialRevokeView(PolicyRequiredMixin):
    policy = staticmethod(manages_credentials)
    http_method_names = ["post"]

    def post(self, request: StaffRequest, pk: int) -> HttpResponse:
        credential = get_object_or_404(ServiceCredential, pk=pk)
        services.credential_revoke(actor=request.user, credential=credential)
        messages.success(request, f"{credential} is revoked: its next call is refused.")
        return redirect("intake:system", pk=credential.system_id)
