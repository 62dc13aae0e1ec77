from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

portal_urls = (
    [
        path("", views.DashboardView.as_view(), name="dashboard"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_urls)),
    path("", include("access.sign_in_urls")),  # named "login", as Django's auth settings expect
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # Browsers ask for /favicon.ico whatever the page names; the portal's icon is its own SVG.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static("portal/favicon.svg"), permanent=True)),
    ),
    path("audit/", include("audit.urls")),
    path("participants/", include("participants.urls")),
    path("dataedits/", include("dataedits.urls")),
    path("optout/", include("optout.urls")),
    path("notifications/", include("notifications.urls")),
    path("intake/", include("intake.urls")),
    path("api/intake/v1/", include("intake.api_urls")),
    path("quarters/", include("reporting.urls")),
    path("", include("access.urls")),
]
