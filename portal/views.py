from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.views.generic import TemplateView


def paginate(request, items, per_page):
    """A page of `items` from ?page=N; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class DashboardView(TemplateView):
    """Each person's start page: the widgets their role works with."""

    template_name = "portal/dashboard.html"


class SignOutView(auth_views.LogoutView):
    """Signs out (POST only, as Django's view does) and says so on the sign-in page it returns to."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # Kept in the cookie-backed message storage: the session it was in has just ended.
            messages.success(request, "You have signed out.")
        return response
