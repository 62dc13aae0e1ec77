"""MIS access administration's pages: thin views over the selectors, the forms and the services."""

from .administration import (
    ContractAddView,
    ContractEndView,
    ContractsView,
    ExpiringView,
    RequestersView,
    UndesignateView,
)
from .management import ApproveView, DecideView, LockoutsView, QueueView
from .onboarding import (
    AgreementView,
    MFAEnrolView,
    MFAVerifyView,
    SignInView,
    SwitchOfficeView,
    WelcomeView,
)
from .records import ReportAddView, ReportDetailView, ReportsView
from .requests import (
    AddRequestView,
    ChangeRequestView,
    DisableRequestView,
    MyRequestsView,
    RequestDetailView,
    RequestFormView,
    WithdrawRequestView,
)

__all__ = [
    "AddRequestView",
    "ApproveView",
    "AgreementView",
    "ChangeRequestView",
    "ContractAddView",
    "ContractEndView",
    "ContractsView",
    "DecideView",
    "DisableRequestView",
    "ExpiringView",
    "LockoutsView",
    "MFAEnrolView",
    "MFAVerifyView",
    "MyRequestsView",
    "QueueView",
    "ReportAddView",
    "ReportDetailView",
    "ReportsView",
    "RequestDetailView",
    "RequestFormView",
    "RequestersView",
    "SignInView",
    "WelcomeView",
    "SwitchOfficeView",
    "UndesignateView",
    "WithdrawRequestView",
]
