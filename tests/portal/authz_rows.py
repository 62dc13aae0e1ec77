from django.urls import reverse

from tests.authz import LOGIN, by_role

MATRIX = {
    ("login", "GET"): by_role(302, anonymous=200),  # signed-in people are sent on to the dashboard
    ("logout", "POST"): by_role(302),
    ("portal:dashboard", "GET"): by_role(200, anonymous=LOGIN),
    ("access:switch_office", "GET"): by_role(405, anonymous=LOGIN),
    ("access:switch_office", "POST"): by_role(302, anonymous=LOGIN),
}


def request_for(name, world, seeker):
    if name == "access:switch_office":
        return reverse(name), {"office": world.office_b.pk}
    if name in {"login", "logout", "portal:dashboard"}:
        return reverse(name), {}
    return None
