"""Reads of the audit trail for pages: the trail, a seeker's disclosures, the browsing report."""

from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from participants.models import Enrollment, Participant

from .filters import day_end, day_start
from .models import AuditEntry, Kind


def trail_entries() -> QuerySet[AuditEntry]:
    """Every entry of the trail, newest first."""
    return AuditEntry.objects.select_related(
        "actor", "actor__organization", "content_type", "participant"
    ).order_by("-timestamp", "-pk")


def disclosures(participant: Participant) -> QuerySet[AuditEntry]:
    """Every time a staff member opened or exported this seeker's data, newest first.

    One read of the (participant, timestamp) index: each access entry names its seeker.
    """
    return (
        AuditEntry.objects.filter(participant=participant, kind=Kind.ACCESS, actor__isnull=False)
        .select_related("actor", "actor__organization", "actor__current_office", "content_type")
        .order_by("-timestamp", "-pk")
    )


def browsing(*, date_from: date, date_to: date) -> QuerySet:
    """Staff who opened records of seekers enrolled in none of their offices, most seekers first.

    One aggregate query over the access entries of the range: a sign of browsing (seed 003) is
    many seekers opened outside one's own caseload. "Their offices" are those assigned now.
    """
    outside = ~Exists(
        Enrollment.objects.filter(
            participant_id=OuterRef("participant_id"), office__staff=OuterRef("actor_id")
        )
    )
    return (
        AuditEntry.objects.filter(
            kind=Kind.ACCESS,
            participant__isnull=False,
            actor__isnull=False,
            timestamp__gte=day_start(date_from),
            timestamp__lt=day_end(date_to),
        )
        .filter(outside)
        .values(
            "actor_id",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "actor__organization__name",
        )
        .annotate(
            seekers=Count("participant_id", distinct=True),
            openings=Count("pk"),
            last_opened=Max("timestamp"),
        )
        .order_by("-seekers", "-openings", "actor__username")
    )
