from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("office/switch/", views.SwitchOfficeView.as_view(), name="switch_office"),
    # First sign-in and every sign-in's second step.
    path("access/welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("access/authenticator/", views.MFAEnrolView.as_view(), name="mfa_enrol"),
    path("access/authenticator/verify/", views.MFAVerifyView.as_view(), name="mfa_verify"),
    path("access/confidentiality-agreement/", views.AgreementView.as_view(), name="nda"),
    # Designated MIS access requesters.
    path("access/requests/", views.MyRequestsView.as_view(), name="requests"),
    path("access/requests/add/", views.AddRequestView.as_view(), name="request_add"),
    path("access/requests/change/", views.ChangeRequestView.as_view(), name="request_change"),
    path("access/requests/disable/", views.DisableRequestView.as_view(), name="request_disable"),
    path("access/requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path(
        "access/requests/<int:pk>/withdraw/",
        views.WithdrawRequestView.as_view(),
        name="request_withdraw",
    ),
    # MIS access management.
    path("access/queue/", views.QueueView.as_view(), name="queue"),
    path("access/requests/<int:pk>/decide/", views.DecideView.as_view(), name="request_decide"),
    path("access/requests/<int:pk>/approve/", views.ApproveView.as_view(), name="request_approve"),
    path("access/lockouts/", views.LockoutsView.as_view(), name="lockouts"),
    # The MIS security and data sharing administrator.
    path("access/contracts/", views.ContractsView.as_view(), name="contracts"),
    path("access/contracts/add/", views.ContractAddView.as_view(), name="contract_add"),
    path("access/contracts/<int:pk>/end/", views.ContractEndView.as_view(), name="contract_end"),
    path("access/contracts/expiring/", views.ExpiringView.as_view(), name="expiring"),
    path("access/requesters/", views.RequestersView.as_view(), name="requesters"),
    path(
        "access/requesters/<int:staff_pk>/withdraw/",
        views.UndesignateView.as_view(),
        name="undesignate",
    ),
    # Records requests, subpoenas, security breaches and system abuse: anyone reports.
    path("access/reports/", views.ReportsView.as_view(), name="reports"),
    path("access/reports/new/", views.ReportAddView.as_view(), name="report_add"),
    path("access/reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
]
