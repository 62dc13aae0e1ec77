"""The notifications URLs in the authorization matrix (see tests/authz.py and the `world` fixture).

Everyone signed in has a list of their own notices. Opening one or marking it read is POST only,
and only by its recipient (the partner case manager in these rows): anyone else's answers 404.
"""

from django.urls import reverse

from notifications.services import notification_send
from tests.authz import LOGIN, by_role

MATRIX = {
    ("notifications:list", "GET"): by_role(200, anonymous=LOGIN),
    ("notifications:read_all", "GET"): by_role(405, anonymous=LOGIN),
    ("notifications:read_all", "POST"): by_role(302, anonymous=LOGIN),
    ("notifications:read", "GET"): by_role(405, anonymous=LOGIN),
    ("notifications:read", "POST"): by_role(404, anonymous=LOGIN, partner_case_manager=302),
    ("notifications:open", "GET"): by_role(405, anonymous=LOGIN),
    # To the ticket, or back to the list when the gate hides its seeker: a redirect either way.
    ("notifications:open", "POST"): by_role(404, anonymous=LOGIN, partner_case_manager=302),
}


def request_for(name, world, seeker):
    if not name.startswith("notifications:"):
        return None
    if name in ("notifications:read", "notifications:open"):
        notice = notification_send(
            recipient=world.partner_case_manager,
            message="Data-edit ticket #1 was submitted and awaits local board review.",
            link=reverse("dataedits:ticket_detail", args=[1]),
            participant=seeker,
        )
        return reverse(name, args=[notice.pk]), {}
    return reverse(name), {}
