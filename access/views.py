from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

from . import mfa, selectors, services
from .forms import (
    AddRequestForm,
    AgreementForm,
    ChangeRequestForm,
    CodeForm,
    ContractForm,
    DesignateForm,
    DisableRequestForm,
    EndContractForm,
    RejectForm,
    ReportForm,
    ReportMoveForm,
    SignInForm,
    UnlockForm,
)
from .middleware import MFA_PENDING, ONBOARDED
from .models import (
    AccessRequest,
    AuthenticatorApp,
    Contract,
    Organization,
    RecoveryCodes,
    Report,
    Staff,
)
from .services import NDA_VERSION, staff_switch_office
from .signals import session_key_changed

PER_PAGE = 25


def _refused(form, exc: PortalError):
    form.add_error(None, exc.message)


@require_POST
def switch_office(request):
    """Changes the office the person is logged into, then returns to the page they were on."""
    try:
        office = staff_switch_office(
            actor=request.user, office_id=int(request.POST.get("office", 0))
        )
    except (PortalError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Choose one of your assigned offices."))
    else:
        messages.success(request, f"You are now logged into {office}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "portal:dashboard"
    return redirect(next_url)


# --- Sign-in and onboarding ---------------------------------------------------------------------


def complete_sign_in(request, user) -> None:
    """Password and code given: a new session key, and the account counted as used from now."""
    # A new session key for the fully signed-in session (no fixation across the code step).
    old_key = request.session.session_key
    request.session.cycle_key()
    session_key_changed(old_key, request.session.session_key)
    services.sign_in_complete(staff=user)


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """Username and password; then the authenticator code (access.middleware asks for it)."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if settings.ACCESS_MFA_AT_SIGN_IN and user.authenticator_confirmed:
            self.request.session[MFA_PENDING] = True
            self.request.session["access_next"] = self.get_success_url()
        elif user.authenticator_confirmed:
            complete_sign_in(self.request, user)
        return response


@method_decorator(login_not_required, name="dispatch")
class WelcomeView(auth_views.PasswordResetConfirmView):
    """A new user's first sign-in: the emailed one-time link, where they choose their password."""

    template_name = "access/welcome.html"
    post_reset_login = True
    post_reset_login_backend = "access.backends.StaffBackend"
    success_url = reverse_lazy("access:mfa_enrol")
    reset_url_token = "set-password"

    def form_valid(self, form):
        messages.success(self.request, "Your password is set. Next, set up your authenticator app.")
        return super().form_valid(form)


class CodeStepMixin:
    """Wrong authenticator and recovery codes count against the account as wrong passwords do.

    django-axes counts them with the failed passwords, per username across sessions: the fifth
    locks the account (the same lock, unlocked on the same page), and the session that made
    them is signed out. A right code on a locked account does not sign in.
    """

    def credentials(self, request) -> dict:
        return {"username": request.user.get_username()}

    def locked(self, request) -> bool:
        return AxesProxyHandler.is_locked(request, self.credentials(request))

    def lockout(self, request):
        credentials = self.credentials(request)
        logout(request)
        return get_lockout_response(request, credentials=credentials)

    def count_failure(self, request, refusal: PortalError) -> bool:
        """Counts a wrong code; True if it locked the account.

        A code refused because django-otp made the device wait was never checked: it does not count.
        """
        if refusal.code != "bad_code":
            return False
        user_login_failed.send(
            sender=type(self), credentials=self.credentials(request), request=request
        )
        if getattr(request, "axes_locked_out", False):
            services.mfa_throttle_reset(staff=request.user)
            return True
        return False


class MFAEnrolView(CodeStepMixin, View):
    """Sets up the authenticator app: scan the code (or type the key), confirm with a first code."""

    def get(self, request):
        try:
            app = services.mfa_enrolment_start(actor=request.user)
        except PortalError as exc:
            messages.info(request, exc.message)
            return redirect("portal:dashboard")
        return self.page(request, app, CodeForm())

    def post(self, request):
        if self.locked(request):
            return self.lockout(request)
        form = CodeForm(request.POST)
        app = AuthenticatorApp.objects.filter(user=request.user).first()
        if app is None or app.confirmed:
            return redirect("access:mfa_enrol")
        if form.is_valid():
            try:
                codes = services.mfa_enrolment_confirm(
                    actor=request.user, code=form.cleaned_data["code"]
                )
            except PortalError as exc:
                if self.count_failure(request, exc):
                    return self.lockout(request)
                _refused(form, exc)
            else:
                complete_sign_in(request, request.user)
                return render(request, "access/recovery_codes.html", {"codes": codes})
        return self.page(request, app, form)

    def page(self, request, app, form):
        uri = app.config_url
        secret = app.secret_base32
        spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return render(
            request,
            "access/mfa_enrol.html",
            {"form": form, "qr": mfa.qr_svg(uri), "secret": spaced},
        )


class MFAVerifyView(CodeStepMixin, View):
    """The second step of every sign-in: the code from the authenticator app, or a recovery code."""

    def get(self, request):
        if not request.session.get(MFA_PENDING):
            return redirect("portal:dashboard")
        return render(request, "access/mfa_verify.html", {"form": CodeForm()})

    def post(self, request):
        if not request.session.get(MFA_PENDING):
            return redirect("portal:dashboard")
        if self.locked(request):
            return self.lockout(request)
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                used = services.mfa_verify(actor=request.user, code=form.cleaned_data["code"])
            except PortalError as exc:
                if self.count_failure(request, exc):
                    return self.lockout(request)
                _refused(form, exc)
            else:
                del request.session[MFA_PENDING]
                complete_sign_in(request, request.user)
                if used == "recovery":
                    left = RecoveryCodes.objects.get(user=request.user).left
                    messages.warning(
                        request,
                        f"You signed in with a recovery code. {left} recovery codes are left.",
                    )
                next_url = request.session.pop("access_next", "")
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}
                ):
                    next_url = reverse("portal:dashboard")
                return redirect(next_url)
        return render(request, "access/mfa_verify.html", {"form": form})


class AgreementView(View):
    """The non-disclosure / confidentiality agreement: read, then sign with the typed name."""

    def context(self, request, form):
        user = request.user
        offices = list(user.offices.select_related("area"))
        return {
            "form": form,
            "areas": ", ".join(sorted({str(o.area) for o in offices}))
            or "your workforce development area",
            "offices": ", ".join(o.name for o in offices),
            "signed": user.confidentiality_agreements.first(),
            "version": NDA_VERSION,
        }

    def get(self, request):
        return render(request, "access/agreement.html", self.context(request, AgreementForm()))

    def post(self, request):
        form = AgreementForm(request.POST)
        if request.user.nda_signed_at is None and form.is_valid():
            try:
                services.nda_sign(actor=request.user, typed_name=form.cleaned_data["typed_name"])
            except PortalError as exc:
                _refused(form, exc)
            else:
                request.session.pop(ONBOARDED, None)
                messages.success(request, "Thank you: the confidentiality agreement is signed.")
                return redirect("portal:dashboard")
        return render(request, "access/agreement.html", self.context(request, form))


# --- Access requests: requesters ----------------------------------------------------------------


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
                _refused(form, exc)
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


# --- Access requests: MIS access management -----------------------------------------------------


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


# --- The MIS security and data sharing administrator --------------------------------------------


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
                _refused(form, exc)
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
                _refused(form, exc)
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
                _refused(form, exc)
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


# --- Reports: records requests, subpoenas, breaches, abuse --------------------------------------


def visible_reports(user):
    if user.can_administer_contracts:
        return Report.objects.all()
    return Report.objects.filter(reported_by=user)


class ReportsView(View):
    def get(self, request):
        reports = visible_reports(request.user).select_related("reported_by", "organization")
        status = request.GET.get("status")
        if status in Report.Status.values:
            reports = reports.filter(status=status)
        return render(
            request,
            "access/reports.html",
            {
                "page": paginate(request, reports, PER_PAGE),
                "statuses": Report.Status.choices,
                "status": status,
                "open": visible_reports(request.user)
                .filter(~Q(status=Report.Status.CLOSED))
                .count(),
            },
        )


class ReportAddView(View):
    def get(self, request):
        return render(request, "access/report_form.html", {"form": ReportForm()})

    def post(self, request):
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_file(actor=request.user, **form.cleaned_data)
            except PortalError as exc:
                _refused(form, exc)
            else:
                messages.success(
                    request, "Reported. The MIS security administrator has been alerted."
                )
                return redirect("access:report_detail", report.pk)
        return render(request, "access/report_form.html", {"form": form})


class ReportDetailView(View):
    def get(self, request, pk, form=None):
        report = get_object_or_404(
            visible_reports(request.user).select_related("reported_by", "organization"), pk=pk
        )
        return render(
            request,
            "access/report_detail.html",
            {
                "report": report,
                "events": report.events.select_related("by"),
                "form": form or ReportMoveForm(),
            },
        )

    def post(self, request, pk):
        report = get_object_or_404(visible_reports(request.user), pk=pk)
        if not request.user.can_administer_contracts:
            raise PermissionDenied("Only the MIS security administrator works reports.")
        form = ReportMoveForm(request.POST)
        if form.is_valid():
            try:
                services.report_move(actor=request.user, report_id=report.pk, **form.cleaned_data)
            except PortalError as exc:
                _refused(form, exc)
            else:
                messages.success(request, "The report's status is updated.")
                return redirect("access:report_detail", report.pk)
        return self.get(request, pk, form)
