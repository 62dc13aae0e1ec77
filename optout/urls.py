from django.urls import path

from . import views

app_name = "optout"
urlpatterns = [
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("lookups/<int:pk>/", views.LookupResultView.as_view(), name="lookup_result"),
    path("lookups/<int:pk>/request/", views.FileRequestView.as_view(), name="request_file"),
    path("requests/", views.MyRequestsView.as_view(), name="my_requests"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="request_withdraw"),
    path("requests/<int:pk>/decide/", views.DecideView.as_view(), name="request_decide"),
    path(
        "requests/<int:pk>/add-to-office/", views.RequestEnrollView.as_view(), name="request_enroll"
    ),
    path("queue/", views.QueueView.as_view(), name="queue"),
]
