"""The opt-in request's emails. None carries an SSN: only the client's name, the phone and the
reason the case manager typed (services refuse SSN-shaped text), and links into the portal.

The filing and the decision are notices (notifications.services.notification_send) whose emails
are written here; the overdue reminder is an email alone, since the supervisors' notice of the
request stays unread on their dashboard until someone opens or settles it. Either way the email
is queued with the change and sent once it commits: a mail server that is down delays it and
does not undo the change.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.services import email_queue

from .models import OptInRequest

if TYPE_CHECKING:
    from access.models import Staff


class Letter(NamedTuple):
    subject: str
    body: str


def request_page(opt_in_request: OptInRequest) -> str:
    """The request's page: what its notices point at, and read once their recipient opens it."""
    return reverse("optout:request_detail", args=[opt_in_request.pk])


def _link(name: str, *args: object) -> str:
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + reverse(name, args=args)


def _body(template: str, context: dict) -> str:
    return render_to_string(f"optout/email/{template}.txt", context)


def request_filed(opt_in_request: OptInRequest) -> Letter:
    return Letter(
        subject=f"Opt-in request from {opt_in_request.filed_by} ({opt_in_request.office})",
        body=_body(
            "request_filed",
            {
                "request": opt_in_request,
                "link": _link("optout:request_detail", opt_in_request.pk),
            },
        ),
    )


def request_decided(opt_in_request: OptInRequest) -> Letter:
    return Letter(
        subject=f"Opt-in request for {opt_in_request.client_name}: {opt_in_request.get_status_display()}",
        body=_body(
            "request_decided",
            {
                "request": opt_in_request,
                "link": _link("optout:request_detail", opt_in_request.pk),
                "search": _link("participants:search") + "?scope=worksource",
            },
        ),
    )


def request_overdue(opt_in_request: OptInRequest, supervisors: Iterable["Staff"]) -> None:
    email_queue(
        to=[supervisor.email for supervisor in supervisors],
        subject=f"Overdue opt-in request from {opt_in_request.filed_by} ({opt_in_request.office})",
        body=_body(
            "request_overdue",
            {
                "request": opt_in_request,
                "link": _link("optout:request_detail", opt_in_request.pk),
                "days": settings.OPTOUT_REQUEST_OVERDUE_DAYS,
            },
        ),
    )
