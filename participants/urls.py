from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("search/", views.QuickSearchView.as_view(), name="search"),
    path("add-to-office/", views.AddToOfficeView.as_view(), name="add_to_office"),
    path("enroll/", views.EnrollView.as_view(), name="enroll"),
    path("<int:pk>/", views.ParticipantDetailView.as_view(), name="detail"),
    path("<int:pk>/enroll/", views.EnrollSeekerView.as_view(), name="enroll_seeker"),
]
