from axes.backends import AxesStandaloneBackend


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
