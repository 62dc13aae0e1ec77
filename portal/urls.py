from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
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
