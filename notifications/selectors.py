"""The notices a person reads: their own, each saying whether its link may still be followed."""

from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from participants.models import Participant

from .models import Notification

if TYPE_CHECKING:
    from access.models import Staff

DASHBOARD_NOTICES = 5


def notices_of(user: "Staff") -> QuerySet[Notification]:
    """`user`'s notices, newest first, with `seeker_shown`: the person may see the seeker the
    notice is about (the list names them), and `link_open`: false for a link to the page of a
    seeker the person may no longer see (they opted out since), which would answer 404."""
    visible = Q(participant__in=Participant.objects.visible_to(user))
    return (
        Notification.objects.filter(recipient=user)
        .select_related("participant")
        .annotate(
            seeker_shown=Case(When(visible, then=Value(True)), default=Value(False)),
            link_open=Case(
                When(
                    Q(participant__isnull=True) | Q(link_behind_gate=False) | visible,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def dashboard(*, user: "Staff") -> dict:
    """What the dashboard's notifications widget shows: how many are unread, and the newest few."""
    unread = notices_of(user).filter(read_at=None)
    return {"unread": unread.count(), "notices": list(unread[:DASHBOARD_NOTICES])}
