from django.urls import path

from . import views

app_name = "dataedits"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("seekers/<int:pk>/", views.SeekerView.as_view(), name="seeker"),
    path(
        "seekers/<int:pk>/services/new/", views.ServiceCreateView.as_view(), name="service_create"
    ),
    path(
        "seekers/<int:pk>/case-notes/new/",
        views.CaseNoteCreateView.as_view(),
        name="case_note_create",
    ),
    # A slip corrected by the person who recorded it, soon after (else a data-edit ticket).
    path(
        "seekers/<int:pk>/services/<int:record_pk>/correct/",
        views.ServiceCorrectView.as_view(),
        name="service_correct",
    ),
    path(
        "seekers/<int:pk>/services/<int:record_pk>/remove/",
        views.ServiceRemoveView.as_view(),
        name="service_remove",
    ),
    path(
        "seekers/<int:pk>/case-notes/<int:record_pk>/correct/",
        views.CaseNoteCorrectView.as_view(),
        name="case_note_correct",
    ),
    path(
        "seekers/<int:pk>/case-notes/<int:record_pk>/remove/",
        views.CaseNoteRemoveView.as_view(),
        name="case_note_remove",
    ),
    path("seekers/<int:pk>/tickets/new/", views.TicketCreateView.as_view(), name="ticket_create"),
    path(
        "seekers/<int:pk>/tickets/precheck/",
        views.TicketPrecheckView.as_view(),
        name="ticket_precheck",
    ),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket_detail"),
    path("tickets/<int:pk>/edit/", views.TicketEditView.as_view(), name="ticket_edit"),
    path("tickets/<int:pk>/delete/", views.TicketDeleteView.as_view(), name="ticket_delete"),
    path("tickets/<int:pk>/submit/", views.TicketSubmitView.as_view(), name="ticket_submit"),
    path("tickets/<int:pk>/withdraw/", views.TicketWithdrawView.as_view(), name="ticket_withdraw"),
    path(
        "tickets/<int:pk>/acknowledge/",
        views.TicketAcknowledgeView.as_view(),
        name="ticket_acknowledge",
    ),
    path("tickets/<int:pk>/documents/", views.DocumentAddView.as_view(), name="document_add"),
    path("tickets/<int:pk>/local-review/", views.LocalReviewView.as_view(), name="local_review"),
    path("tickets/<int:pk>/decision/", views.DecideView.as_view(), name="decide"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
    path("queues/local-board/", views.LocalQueueView.as_view(), name="local_queue"),
    path("queues/state/<str:title>/", views.StateQueueView.as_view(), name="state_queue"),
    path("data-integrity/", views.DataIntegrityView.as_view(), name="data_integrity"),
    path("quarterly-counts/", views.QuarterlyCountsView.as_view(), name="quarterly_counts"),
    path(
        "quarterly-counts.csv", views.QuarterlyCountsCsvView.as_view(), name="quarterly_counts_csv"
    ),
]
