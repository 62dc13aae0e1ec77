"""Which opt-in requests each person sees, and the named filters of the queue.

Who may do what is answered in `policies`; these reads only filter by it.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from access.roles import Role

from .policies import is_wioa_supervisor
from .states import Status

if TYPE_CHECKING:
    from access.models import Staff, WorkforceDevelopmentArea


def area_supervisors(area: "WorkforceDevelopmentArea | int") -> "models.QuerySet[Staff]":
    """The ESD WIOA supervisors of a workforce development area: assigned to one of its offices."""
    from access.models import Staff

    return (
        Staff.objects.filter(
            role=Role.SUPERVISOR,
            organization__is_state_agency=True,
            is_restricted=False,
            is_active=True,
            offices__area=area,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class OptInRequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "OptInRequestQuerySet":
        """The requests `user` may open: their own, and for ESD WIOA supervisors their areas' requests.

        The filer is partner staff and may not see the seeker; a request shows them only what
        the Opt-Out Lookup already showed (the client's name) and what they typed themselves.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        mine = models.Q(filed_by=user)
        if is_wioa_supervisor(user):
            return self.filter(mine | models.Q(area__in=user.offices.values("area")))
        return self.filter(mine)

    def in_queue_of(self, user: Any) -> "OptInRequestQuerySet":
        """The requests of the areas an ESD WIOA supervisor serves (the offices they are assigned to)."""
        if not is_wioa_supervisor(user):
            return self.none()
        return self.filter(area__in=user.offices.values("area"))

    def open(self) -> "OptInRequestQuerySet":
        return self.filter(status=Status.FILED)

    def overdue(self, now: datetime | None = None) -> "OptInRequestQuerySet":
        """Open requests with no supervisor action for OPTOUT_REQUEST_OVERDUE_DAYS days."""
        now = now or timezone.now()
        return self.open().filter(
            filed_at__lte=now - timedelta(days=settings.OPTOUT_REQUEST_OVERDUE_DAYS)
        )
