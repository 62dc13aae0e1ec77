from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("search/", views.QuickSearchView.as_view(), name="search"),
    path("enroll/", views.EnrollView.as_view(), name="enroll"),
    path("<int:pk>/", views.ParticipantDetailView.as_view(), name="detail"),
]
