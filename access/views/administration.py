"""The MIS security and data sharing administrator: contracts, expiring access, designated requesters."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import Group
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.errors import PortalError
from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, FormView

from .. import selectors, services
from ..forms import (
    ContractForm,
    DesignateForm,
    EndContractForm,
)
from ..models import (
    Contract,
    Organization,
    Staff,
)
from .common import PER_PAGE


class AdministratorMixin(CapabilityRequiredMixin):
    capability = "can_administer_contracts"


class ContractsView(AdministratorMixin, View):
    def get(self, request):
        today = timezone.localdate()
        organizations = Organization.objects.filter(is_state_agency=False).prefetch_related(
            "contracts"
        )
        rows = []
        for organization in organizations:
            contracts = list(organization.contracts.all())
            rows.append(
                {
                    "organization": organization,
                    "contracts": contracts,
                    "in_effect": {c.kind for c in contracts if c.is_in_effect(today)}
                    >= set(Contract.Kind.values),
                }
            )
        return render(
            request,
            "access/contracts.html",
            {"page": paginate(request, rows, PER_PAGE), "today": today},
        )


class ContractAddView(AdministratorMixin, FormView):
    template_name = "access/contract_form.html"
    invalid_status = 200

    def get_form(self, data: Any = None, files: Any = None) -> ContractForm:
        if data is not None:
            return ContractForm(data)
        return ContractForm(initial={"organization": self.request.GET.get("organization")})

    def perform(self, form: ContractForm) -> Contract:
        return services.contract_record(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, contract: Contract) -> HttpResponse:
        messages.success(self.request, f"Recorded and approved: {contract}.")
        return redirect("access:contracts")


class ContractEndView(AdministratorMixin, FormView):
    template_name = "access/contract_end.html"
    form_class = EndContractForm
    invalid_status = 200

    def get_object(self) -> Contract:
        return get_object_or_404(
            Contract.objects.select_related("organization"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        organization = self.object.organization
        losing = Staff.objects.filter(organization=organization, is_active=True).count()
        return {"contract": self.object, "form": form, "losing": losing}

    def perform(self, form: EndContractForm) -> None:
        services.contract_end(
            actor=self.request.user, contract_id=self.object.pk, reason=form.cleaned_data["reason"]
        )

    def succeeded(self, result: None) -> HttpResponse:
        messages.success(
            self.request,
            f"The contract ended today. Staff of {self.object.organization} are signed out at their next page.",
        )
        return redirect("access:contracts")


class ExpiringView(AdministratorMixin, View):
    """Contracts expiring in the next 30 days, with the users who will lose access."""

    def get(self, request):
        now = timezone.now()
        today = timezone.localdate(now)
        rows = [
            {
                "contract": c,
                "days": (c.expiry_date - today).days,
                "losing": list(selectors.staff_losing_access(c, now)),
            }
            for c in selectors.expiring_contracts(now)
        ]
        return render(request, "access/expiring.html", {"page": paginate(request, rows, PER_PAGE)})


class RequestersView(AdministratorMixin, FormView):
    template_name = "access/requesters.html"
    form_class = DesignateForm
    invalid_status = 200

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        groups = (
            Group.objects.filter(name__startswith="MIS access requesters")
            .prefetch_related("user_set")
            .order_by("name")
        )
        designations = [(group, person) for group in groups for person in group.user_set.all()]
        return {"form": form, "page": paginate(self.request, designations, PER_PAGE)}

    def perform(self, form: DesignateForm) -> Staff:
        """Designates the person; returns them."""
        services.requester_designate(actor=self.request.user, **form.cleaned_data)
        return form.cleaned_data["staff"]

    def succeeded(self, staff: Staff) -> HttpResponse:
        messages.success(self.request, f"{staff} is designated.")
        return redirect("access:requesters")


class UndesignateView(AdministratorMixin, ActionView):
    def get_object(self) -> Staff:
        return get_object_or_404(Staff, pk=self.kwargs["staff_pk"])

    def perform(self, form: None) -> None:
        group = self.request.POST.get("group", "")
        if not group.isdigit():
            raise PortalError("Choose the designation to withdraw.", code="no_group")
        services.requester_undesignate(
            actor=self.request.user, staff=self.object, group_id=int(group)
        )

    def success_message(self, result: None) -> str:
        return f"Designation withdrawn from {self.object}."

    def redirect_url(self) -> str:
        return reverse("access:requesters")
