"""What several of access's services share: the roles a requester may ask for, the administrators' mail."""

from django.db.models import QuerySet

from notifications.services import email_queue

from ..models import (
    Staff,
    WorkforceDevelopmentArea,
)
from ..roles import Role
from ..selectors import (
    requester_offices,
)


def notify(*, to: list[str], subject: str, body: str) -> None:
    """Email, queued with the change: sent after it commits, never about a change that rolled back.

    An email alone, not a notice (notifications.services.notification_send): access writes to
    addresses, such as the administrators' or a new user's before their first sign-in, and the
    requests and reports it tells of have their own queues in the portal.
    """
    email_queue(to=to, subject=subject, body=body)


def administrator_emails() -> set[str]:
    return set(
        Staff.objects.filter(
            role=Role.MIS_ADMIN, is_active=True, organization__is_state_agency=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def requester_emails(areas: QuerySet[WorkforceDevelopmentArea]) -> set[str]:
    requesters = Staff.objects.filter(role=Role.ACCESS_REQUESTER, is_active=True).exclude(email="")
    return {
        person.email
        for person in requesters
        if requester_offices(person).filter(area__in=areas).exists()
    }
