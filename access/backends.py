from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .selectors import person_of_request


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
    """Password sign-in; a signed-in person is loaded with their organization, current office and
    whether their access still stands.

    Every request asks whether the person's access stands (access.middleware) and every page
    names the organization and current office in its header: one query instead of three.
    """

    def get_user(self, user_id):
        user = person_of_request(user_id, timezone.now())
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
