"""The opt-in request's emails. None carries an SSN: only the client's name, the phone and the
reason the case manager typed (services refuse SSN-shaped text), and links into the portal.

They are queued with the change (notifications.email_queue) and sent once it commits; a mail
server that is down delays them and does not undo the change.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.services import email_queue


def _link(name: str, *args) -> str:
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + reverse(name, args=args)


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    email_queue(
        to=to, subject=subject, body=render_to_string(f"optout/email/{template}.txt", context)
    )


def request_filed(opt_in_request, supervisors) -> None:
    _send(
        subject=f"Opt-in request from {opt_in_request.filed_by} ({opt_in_request.office})",
        template="request_filed",
        context={
            "request": opt_in_request,
            "link": _link("optout:request_detail", opt_in_request.pk),
        },
        to=[supervisor.email for supervisor in supervisors],
    )


def request_decided(opt_in_request) -> None:
    _send(
        subject=f"Opt-in request for {opt_in_request.client_name}: {opt_in_request.get_status_display()}",
        template="request_decided",
        context={
            "request": opt_in_request,
            "link": _link("optout:request_detail", opt_in_request.pk),
            "search": _link("participants:search") + "?scope=worksource",
        },
        to=[opt_in_request.filed_by.email],
    )


def request_overdue(opt_in_request, supervisors) -> None:
    _send(
        subject=f"Overdue opt-in request from {opt_in_request.filed_by} ({opt_in_request.office})",
        template="request_overdue",
        context={
            "request": opt_in_request,
            "link": _link("optout:request_detail", opt_in_request.pk),
            "days": settings.OPTOUT_REQUEST_OVERDUE_DAYS,
        },
        to=[supervisor.email for supervisor in supervisors],
    )
