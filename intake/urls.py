from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.IntakeView.as_view(), name="index"),
    path("held/<int:pk>/", views.HeldRegistrationView.as_view(), name="held"),
    path("systems/", views.SendingSystemsView.as_view(), name="systems"),
    path("systems/<int:pk>/", views.SendingSystemView.as_view(), name="system"),
    path(
        "systems/<int:pk>/credentials/",
        views.CredentialCreateView.as_view(),
        name="credential_create",
    ),
    path(
        "credentials/<int:pk>/revoke/",
        views.CredentialRevokeView.as_view(),
        name="credential_revoke",
    ),
]
