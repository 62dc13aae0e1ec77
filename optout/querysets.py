"""Who may do what with opt-out, and which opt-in requests each person sees."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from access.roles import Role


def uses_opt_out_lookup(user) -> bool:
    """Partner (non-ESD) staff who work with seekers: they cannot see opted-out seekers (seed 001).

    State staff see opted-out seekers in Quick Search and have no need of the lookup.
    """
    return bool(
        getattr(user, "is_authenticated", False)
        and user.can_read_seekers
        and not user.is_state_staff
    )


def files_opt_in_requests(user) -> bool:
    """Partner case managers: they ask the ESD WIOA supervisor to opt a client in (seed 000)."""
    return uses_opt_out_lookup(user) and user.can_edit_seekers


def changes_opt_out(user) -> bool:
    """Non-restricted state (ESD) staff: the only ones who may change the flag (seeds 001, 002)."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_state_staff and not user.is_restricted
    )


def is_wioa_supervisor(user) -> bool:
    """An ESD WIOA supervisor: the supervisor role, state staff, not restricted."""
    return changes_opt_out(user) and user.is_active and user.role == Role.SUPERVISOR


def area_supervisors(area):
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
    def visible_to(self, user) -> "OptInRequestQuerySet":
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

    def in_queue_of(self, user) -> "OptInRequestQuerySet":
        """The requests of the areas an ESD WIOA supervisor serves (the offices they are assigned to)."""
        if not is_wioa_supervisor(user):
            return self.none()
        return self.filter(area__in=user.offices.values("area"))

    def open(self) -> "OptInRequestQuerySet":
        # Open: still in the state a request is filed in, its status field's default (models.py
        # builds its manager from this module, so the states are not imported here).
        return self.filter(status=self.model._meta.get_field("status").default)

    def overdue(self, now=None) -> "OptInRequestQuerySet":
        """Open requests with no supervisor action for OPTOUT_REQUEST_OVERDUE_DAYS days."""
        now = now or timezone.now()
        return self.open().filter(
            filed_at__lte=now - timedelta(days=settings.OPTOUT_REQUEST_OVERDUE_DAYS)
        )
