from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .models import Staff


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for the sign-in page.

    Lockout counts failed sign-ins of people at the sign-in page, which always passes the request.
    Code that authenticates without a request (a management command, the test client's `login`)
    is no sign-in attempt: it passes on to the next backend instead of being refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class StaffBackend(ModelBackend):
    """Password sign-in; a signed-in person is loaded with their organization and current office.

    Every request asks about the organization (access.middleware) and every page names the
    current office in its header: one query instead of three.
    """

    def get_user(self, user_id):
        try:
            user = Staff.objects.select_related("organization", "current_office").get(pk=user_id)
        except Staff.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
