from django.urls import reverse

from tests.authz import LOGIN, by_role

MATRIX = {
    ("audit:trail", "GET"): by_role(403, anonymous=LOGIN, mis_admin=200, auditor=200),
    ("audit:trail", "POST"): by_role(403, anonymous=LOGIN, mis_admin=302, auditor=302),
}


def request_for(name, world, seeker):
    if name == "audit:trail":
        return reverse(name), {}
    return None
