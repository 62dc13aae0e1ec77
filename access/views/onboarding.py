"""Signing in: the password, the authenticator code, the first sign-in's steps and the office worked in."""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit, get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme

from portal.errors import PortalError
from portal.web import ActionView, FormView, outcome

from .. import mfa, services
from ..forms import (
    AgreementForm,
    CodeForm,
    SignInForm,
)
from ..middleware import MFA_PENDING, ONBOARDED
from ..models import (
    AuthenticatorApp,
    Office,
    RecoveryCodes,
)
from ..services import NDA_VERSION, staff_switch_office
from ..signals import session_key_changed


class SwitchOfficeView(ActionView):
    """Changes the office the person is logged into, then returns to the page they were on."""

    def perform(self, form: None) -> Office:
        try:
            office_id = int(self.request.POST.get("office", 0))
        except ValueError:
            raise PortalError("Choose one of your assigned offices.", code="no_office") from None
        return staff_switch_office(actor=self.request.user, office_id=office_id)

    def success_message(self, office: Office) -> str:
        return f"You are now logged into {office}."

    def redirect_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return reverse("portal:dashboard")
        return next_url


def complete_sign_in(request, user) -> None:
    """Password and code given: a new session key, and the account counted as used from now."""
    # A new session key for the fully signed-in session (no fixation across the code step).
    old_key = request.session.session_key
    request.session.cycle_key()
    session_key_changed(old_key, request.session.session_key)
    services.sign_in_complete(staff=user)


def warn_before_lock(request: HttpRequest, username: str) -> None:
    """After a failed attempt, says so when the next failure would lock the account (NIST AC-7).

    Counted per username, as the lock is (a username that does not exist is counted the same,
    so the warning tells nothing of who has an account).
    """
    if not username:
        return
    credentials = {"username": username}
    failures = AxesProxyHandler.get_failures(request, credentials)
    if failures == get_failure_limit(request, credentials) - 1:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        messages.warning(
            request,
            f"One more failed attempt will lock this account for {minutes} minutes. If you are "
            "not sure of your password or code, call MIS access management before trying again.",
        )


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

    def form_invalid(self, form):
        # A username refused before any check (an SSN typed in it) was not counted, nor is it named.
        if "username" not in form.errors:
            warn_before_lock(self.request, form.cleaned_data.get("username", ""))
        return super().form_invalid(form)


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
        warn_before_lock(request, request.user.get_username())
        return False


class MFAEnrolView(CodeStepMixin, FormView):
    """Sets up the authenticator app: scan the code (or type the key), confirm with a first code."""

    form_class = CodeForm
    invalid_status = 200

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object, refused = outcome(services.mfa_enrolment_start, actor=request.user)
        if refused:
            messages.info(request, refused)
            return redirect("portal:dashboard")
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.locked(request):
            return self.lockout(request)
        app = self.get_object()
        if app is None or app.confirmed:
            return redirect("access:mfa_enrol")
        return super().post(request, *args, **kwargs)

    def get_object(self) -> AuthenticatorApp | None:
        return AuthenticatorApp.objects.filter(user=self.request.user).first()

    def perform(self, form: CodeForm) -> list[str]:
        return services.mfa_enrolment_confirm(
            actor=self.request.user, code=form.cleaned_data["code"]
        )

    def refused(self, form: BaseForm, exc: PortalError) -> HttpResponse | None:
        if self.count_failure(self.request, exc):
            return self.lockout(self.request)
        return super().refused(form, exc)

    def succeeded(self, codes: list[str]) -> HttpResponse:
        complete_sign_in(self.request, self.request.user)
        return render(self.request, "access/recovery_codes.html", {"codes": codes})

    def render_form(self, form: BaseForm, status: int = 200) -> HttpResponse:
        secret = self.object.secret_base32
        spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return render(
            self.request,
            "access/mfa_enrol.html",
            {"form": form, "qr": mfa.qr_svg(self.object.config_url), "secret": spaced},
            status=status,
        )


class MFAVerifyView(CodeStepMixin, FormView):
    """The second step of every sign-in: the code from the authenticator app, or a recovery code."""

    template_name = "access/mfa_verify.html"
    form_class = CodeForm
    invalid_status = 200

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.session.get(MFA_PENDING):
            return redirect("portal:dashboard")
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.session.get(MFA_PENDING):
            return redirect("portal:dashboard")
        if self.locked(request):
            return self.lockout(request)
        return super().post(request, *args, **kwargs)

    def perform(self, form: CodeForm) -> str:
        return services.mfa_verify(actor=self.request.user, code=form.cleaned_data["code"])

    def refused(self, form: BaseForm, exc: PortalError) -> HttpResponse | None:
        if self.count_failure(self.request, exc):
            return self.lockout(self.request)
        return super().refused(form, exc)

    def succeeded(self, used: str) -> HttpResponse:
        request = self.request
        del request.session[MFA_PENDING]
        complete_sign_in(request, request.user)
        if used == "recovery":
            left = RecoveryCodes.objects.get(user=request.user).left
            messages.warning(
                request, f"You signed in with a recovery code. {left} recovery codes are left."
            )
        next_url = request.session.pop("access_next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("portal:dashboard")
        return redirect(next_url)


class AgreementView(FormView):
    """The non-disclosure / confidentiality agreement: read, then sign with the typed name."""

    template_name = "access/agreement.html"
    form_class = AgreementForm
    invalid_status = 200

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        user = self.request.user
        offices = list(user.offices.select_related("area"))
        return {
            "form": form,
            "areas": ", ".join(sorted({str(o.area) for o in offices}))
            or "your workforce development area",
            "offices": ", ".join(o.name for o in offices),
            "signed": user.confidentiality_agreements.first(),
            "version": NDA_VERSION,
        }

    def is_valid(self, form: BaseForm) -> bool:
        # Signed once: a second signature is not asked for, and the page shows the first.
        return self.request.user.nda_signed_at is None and form.is_valid()

    def perform(self, form: AgreementForm) -> None:
        services.nda_sign(actor=self.request.user, typed_name=form.cleaned_data["typed_name"])

    def succeeded(self, result: None) -> HttpResponse:
        self.request.session.pop(ONBOARDED, None)
        messages.success(self.request, "Thank you: the confidentiality agreement is signed.")
        return redirect("portal:dashboard")
