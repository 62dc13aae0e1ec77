"""The sign-in page, outside the access namespace: Django's LOGIN_URL and every "login" name it.

The root URLconf includes it by name, so that portal/ imports no view of access.
"""

from django.urls import path

from .views import SignInView

urlpatterns = [
    # Username and password, then the authenticator code.
    path("sign-in/", SignInView.as_view(), name="login"),
]
