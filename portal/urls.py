from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

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
        login_not_required(auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("participants/", include("participants.urls")),
    path("", include("access.urls")),
]
