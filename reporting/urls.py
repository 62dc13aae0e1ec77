from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.QuartersView.as_view(), name="quarters"),
    path("<int:program_year>/<int:number>/close/", views.CloseView.as_view(), name="close"),
    path(
        "<int:program_year>/<int:number>/extract.csv", views.ExtractView.as_view(), name="extract"
    ),
    path(
        "<int:program_year>/<int:number>/reconciliation/",
        views.ReconciliationView.as_view(),
        name="reconciliation",
    ),
    path(
        "<int:program_year>/<int:number>/tickets/<int:pk>/exception/",
        views.ExceptionView.as_view(),
        name="exception",
    ),
]
