from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("office/switch/", views.switch_office, name="switch_office"),
]
