"""The state's intake page: held registrations, the intake log, sending systems' credentials."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from access.models import Staff
from participants.services import participant_record_access
from portal.errors import PortalError
from portal.views import paginate
from portal.web import ActionView, Capability, CapabilityRequiredMixin, FormView

from . import selectors, services
from .forms import CredentialForm, ResolutionForm, SendingSystemForm
from .models import HeldRegistration, SendingSystem, ServiceCredential
from .policies import manages_credentials, reads_intake
from .services import IssuedCredential


class StaffRequest(HttpRequest):
    """A request past the sign-in middleware and the capability: its user is a staff member."""

    user: Staff


class IntakeMixin(CapabilityRequiredMixin):
    """The intake pages: state staff who resolve registrations (intake.policies)."""

    capability: Capability = reads_intake
    refusal = "The intake page is for state staff who resolve registrations."
    request: StaffRequest
    kwargs: dict[str, Any]


class IntakeView(IntakeMixin, View):
    """Held registrations to resolve, oldest first, and each sending system's day."""

    def get(self, request: StaffRequest) -> HttpResponse:
        page = paginate(
            request, selectors.held_registrations(request.user), settings.PARTICIPANTS_PER_PAGE
        )
        return render(
            request,
            "intake/index.html",
            {
                "page": page,
                "systems": selectors.systems_summary(),
                "manages_credentials": manages_credentials(request.user),
            },
        )


class HeldRegistrationView(IntakeMixin, FormView):
    """One held registration beside the seeker who has its SSN; the SSN itself is not shown."""

    template_name = "intake/held.html"
    form_class = ResolutionForm
    object: HeldRegistration

    def get_object(self) -> HeldRegistration:
        return get_object_or_404(
            selectors.held_registrations(self.request.user), pk=self.kwargs["pk"]
        )

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        return ResolutionForm(data, registered=selectors.registered_seeker(self.object))

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {
            "held": self.object,
            "form": form,
            "registered": selectors.registered_seeker(self.object),
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        # The page shows the seeker's record beside the registration: a read like any other.
        participant_record_access(
            actor=self.request.user, participant=self.object.conflicting_participant
        )
        return self.render_form(self.get_form())

    def perform(self, form: BaseForm) -> HeldRegistration:
        return services.held_registration_resolve(
            actor=self.request.user, held=self.object, resolution=form.cleaned_data["resolution"]
        )

    def succeeded(self, resolved: HeldRegistration) -> HttpResponse:
        messages.success(
            self.request,
            f"Registration {resolved.external_id}: {resolved.get_status_display()} "
            f"({resolved.resolved_participant}).",
        )
        return redirect("intake:index")


class SendingSystemsView(IntakeMixin, FormView):
    """The MIS security and data sharing administrator adds a sending system."""

    capability: Capability = manages_credentials
    template_name = "intake/system_form.html"
    form_class = SendingSystemForm

    def perform(self, form: BaseForm) -> SendingSystem:
        return services.sending_system_create(
            actor=self.request.user, name=form.cleaned_data["name"]
        )

    def refused(self, form: BaseForm, exc: PortalError) -> HttpResponse | None:
        # Every refusal of a system is about its name (empty, unusable or taken).
        form.add_error("name", exc.message)
        return None

    def succeeded(self, system: SendingSystem) -> HttpResponse:
        messages.success(self.request, f"{system} added: issue it a credential.")
        return redirect("intake:system", pk=system.pk)


class SendingSystemView(IntakeMixin, View):
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


class CredentialCreateView(IntakeMixin, FormView):
    """Issues a credential and shows its token this once: it is kept only as a hash.

    The form is on the system's page: POST only (a GET is refused, after the role), and a form
    the service refuses returns there with why.
    """

    capability: Capability = manages_credentials
    http_method_names = ["post"]
    form_class = CredentialForm
    object: SendingSystem

    def get_object(self) -> SendingSystem:
        return get_object_or_404(SendingSystem, pk=self.kwargs["pk"])

    def perform(self, form: BaseForm) -> IssuedCredential:
        return services.credential_create(
            actor=self.request.user, system=self.object, scopes=form.cleaned_data["scopes"]
        )

    def succeeded(self, issued: IssuedCredential) -> HttpResponse:
        return render(self.request, "intake/credential_issued.html", {"issued": issued})

    def render_form(self, form: BaseForm, status: int = 200) -> HttpResponse:
        messages.error(self.request, "Choose what the system may send.")
        return redirect("intake:system", pk=self.object.pk)


class CredentialRevokeView(IntakeMixin, ActionView):
    """Ends a credential at once; only the administrator may, and a GET is refused after the role."""

    capability: Capability = manages_credentials
    role_before_method = True
    object: ServiceCredential

    def get_object(self) -> ServiceCredential:
        return get_object_or_404(ServiceCredential, pk=self.kwargs["pk"])

    def perform(self, form: BaseForm | None) -> ServiceCredential:
        return services.credential_revoke(actor=self.request.user, credential=self.object)

    def success_message(self, result: ServiceCredential) -> str:
        return f"{self.object} is revoked: its next call is refused."

    def redirect_url(self) -> str:
        return reverse("intake:system", kwargs={"pk": self.object.system_id})
