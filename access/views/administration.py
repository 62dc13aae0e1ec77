"""The MIS security and data sharing administrator: contracts, expiring access, designated requesters."""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

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
from .common import PER_PAGE, refused


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


class ContractAddView(AdministratorMixin, View):
    def get(self, request):
        initial = {"organization": request.GET.get("organization")}
        return render(request, "access/contract_form.html", {"form": ContractForm(initial=initial)})

    def post(self, request):
        form = ContractForm(request.POST)
        if form.is_valid():
            try:
                contract = services.contract_record(actor=request.user, **form.cleaned_data)
            except PortalError as exc:
                refused(form, exc)
            else:
                messages.success(request, f"Recorded and approved: {contract}.")
                return redirect("access:contracts")
        return render(request, "access/contract_form.html", {"form": form})


class ContractEndView(AdministratorMixin, View):
    def get(self, request, pk):
        contract = get_object_or_404(Contract.objects.select_related("organization"), pk=pk)
        losing = Staff.objects.filter(organization=contract.organization, is_active=True).count()
        return render(
            request,
            "access/contract_end.html",
            {"contract": contract, "form": EndContractForm(), "losing": losing},
        )

    def post(self, request, pk):
        contract = get_object_or_404(Contract.objects.select_related("organization"), pk=pk)
        form = EndContractForm(request.POST)
        if form.is_valid():
            try:
                services.contract_end(
                    actor=request.user, contract_id=pk, reason=form.cleaned_data["reason"]
                )
            except PortalError as exc:
                refused(form, exc)
            else:
                messages.success(
                    request,
                    f"The contract ended today. Staff of {contract.organization} are signed out at their next page.",
                )
                return redirect("access:contracts")
        losing = Staff.objects.filter(organization=contract.organization, is_active=True).count()
        return render(
            request,
            "access/contract_end.html",
            {"contract": contract, "form": form, "losing": losing},
        )


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


class RequestersView(AdministratorMixin, View):
    def get(self, request, form=None):
        groups = (
            Group.objects.filter(name__startswith="MIS access requesters")
            .prefetch_related("user_set")
            .order_by("name")
        )
        designations = [(group, person) for group in groups for person in group.user_set.all()]
        return render(
            request,
            "access/requesters.html",
            {
                "form": form or DesignateForm(),
                "page": paginate(request, designations, PER_PAGE),
            },
        )

    def post(self, request):
        form = DesignateForm(request.POST)
        if form.is_valid():
            try:
                services.requester_designate(actor=request.user, **form.cleaned_data)
            except PortalError as exc:
                refused(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['staff']} is designated.")
                return redirect("access:requesters")
        return self.get(request, form)


@require_POST
def undesignate(request, staff_pk):
    if not request.user.can_administer_contracts:
        raise PermissionDenied("Your role does not include this page.")
    staff = get_object_or_404(Staff, pk=staff_pk)
    group = request.POST.get("group", "")
    try:
        if not group.isdigit():
            raise PortalError("Choose the designation to withdraw.", code="no_group")
        services.requester_undesignate(actor=request.user, staff=staff, group_id=int(group))
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Designation withdrawn from {staff}.")
    return redirect("access:requesters")
