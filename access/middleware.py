from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .selectors import access_end_reason
from .services import staff_end_access

# Where a signed-in person may go before the first sign-in is complete.
ONBOARDING_VIEWS = {
    "access:mfa_enrol",
    "access:mfa_verify",
    "access:nda",
    "access:welcome",
    "logout",
    "login",
}
MFA_PENDING = "access_mfa_pending"
ONBOARDED = "access_onboarded"


class AccessControlMiddleware:
    """Asks on every request whether the person's access still stands, and sends newcomers through onboarding.

    Access ends the moment a contract expires, a disable takes effect or an account has gone
    unused too long: the person is signed out here, on their very next request, and every other
    session of theirs is deleted, whether or not the sweep has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        user = request.user
        reason = access_end_reason(user)
        if reason is not None:
            staff_end_access(staff_id=user.pk)
            logout(request)
            messages.error(
                request, f"You were signed out: {reason.message}. Ask your MIS access requester."
            )
            return redirect("login")
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = None
        if view_name in ONBOARDING_VIEWS:
            return None
        step = onboarding_step(request)
        return redirect(step) if step else None


def onboarding_step(request) -> str | None:
    """The page a signed-in person must pass before any other: the code, the app, the agreement."""
    session = request.session
    if session.get(MFA_PENDING):
        return "access:mfa_verify"
    if session.get(ONBOARDED):
        return None
    user = request.user
    if not user.authenticator_confirmed:
        return "access:mfa_enrol"
    if user.nda_signed_at is None:
        return "access:nda"
    session[ONBOARDED] = True
    return None
