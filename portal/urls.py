from django.contrib.auth import views as auth_views
from django.urls import include, path

from access.views import SignInView

from . import views

portal_urls = (
    [
        path("", views.DashboardView.as_view(), name="dashboard"),
        path("audit/", views.AuditTrailView.as_view(), name="audit_trail"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_urls)),
    path(
        "sign-in/",
        SignInView.as_view(),  # username and password, then the authenticator code (access/)
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("participants/", include("participants.urls")),
    path("dataedits/", include("dataedits.urls")),
    path("optout/", include("optout.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("access.urls")),
]
