from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditTrailView.as_view(), name="trail"),
    path("trail.csv", views.AuditTrailCsvView.as_view(), name="trail_csv"),
    path("seekers/<int:pk>/disclosures/", views.DisclosuresView.as_view(), name="disclosures"),
    path(
        "seekers/<int:pk>/disclosures/print/",
        views.DisclosuresPrintView.as_view(),
        name="disclosures_print",
    ),
    path(
        "seekers/<int:pk>/disclosures.csv",
        views.DisclosuresCsvView.as_view(),
        name="disclosures_csv",
    ),
    path("browsing/", views.BrowsingReportView.as_view(), name="browsing"),
]
