"""Reads for the intake page: the intake log by sending system and day."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from participants.models import Participant

from .models import HeldRegistration, IntakeEvent, Registration, SendingSystem

Outcome = IntakeEvent.Outcome


def held_registrations(user: Any) -> QuerySet[HeldRegistration]:
    """Waiting for state staff, oldest first (first in, first out): those whose seeker `user`
    may see, since the page shows that seeker's record beside the registration."""
    return HeldRegistration.objects.filter(
        status=HeldRegistration.Status.HELD,
        conflicting_participant__in=Participant.objects.visible_to(user),
    ).select_related("system", "conflicting_participant")


def systems_summary() -> QuerySet[SendingSystem]:
    """Each sending system with today's calls and when it last failed."""
    today = timezone.localdate()
    return SendingSystem.objects.annotate(
        calls_today=Count("events", filter=Q(events__at__date=today)),
        refused_today=Count(
            "events", filter=Q(events__at__date=today, events__outcome=Outcome.REFUSED)
        ),
        last_refused_at=Max("events__at", filter=Q(events__outcome=Outcome.REFUSED)),
    ).order_by("name")


@dataclass(frozen=True)
class Day:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def log_by_day(system: SendingSystem) -> list[Day]:
    """The system's calls per day (in the state's time zone) and outcome, newest day first."""
    rows = (
        IntakeEvent.objects.filter(system=system)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", "outcome")
        .annotate(n=Count("pk"))
        .order_by("-day")
    )
    days: dict[date, dict[str, int]] = {}
    for row in rows:
        days.setdefault(row["day"], {})[row["outcome"]] = row["n"]
    return [Day(day, counts) for day, counts in days.items()]


def last_error(system: SendingSystem) -> IntakeEvent | None:
    return IntakeEvent.objects.filter(system=system, outcome=Outcome.REFUSED).first()


def registered_seeker(held: HeldRegistration) -> Participant | None:
    """The seeker a held registration's id already names, if it names one."""
    link = (
        Registration.objects.select_related("participant")
        .filter(system=held.system, external_id=held.external_id)
        .first()
    )
    return link.participant if link else None
