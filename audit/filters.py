"""The audit trail's filters, read from the result page's query string (what the filter form wrote)."""

from datetime import date, datetime, time

import django_filters
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import Organization, Staff
from participants.models import Participant
from portal.dates import refuse_senseless_date


def staff_entries(*staff_ids: int) -> Q:
    """Audit entries about these staff members' accounts."""
    return Q(
        content_type__app_label="access",
        content_type__model="staff",
        object_pk__in=[str(pk) for pk in staff_ids],
    )


class AuditTrailFilter(django_filters.FilterSet):
    """By seeker, by person, by organization, and by date (whole days in the state's time zone)."""

    participant = django_filters.ModelChoiceFilter(
        queryset=Participant.objects.all(), method="by_participant"
    )
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), method="by_user"
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="by_organization"
    )
    date_from = django_filters.DateFilter(method="from_date", validators=[refuse_senseless_date])
    date_to = django_filters.DateFilter(method="to_date", validators=[refuse_senseless_date])

    class Meta:
        model = LogEntry
        fields: list[str] = []

    def by_participant(
        self, entries: QuerySet[LogEntry], name: str, participant: Participant
    ) -> QuerySet[LogEntry]:
        return entries.filter(
            content_type__app_label="participants",
            content_type__model="participant",
            object_pk=str(participant.pk),
        )

    def by_user(self, entries: QuerySet[LogEntry], name: str, user: Staff) -> QuerySet[LogEntry]:
        # What the person did, and what was done to their account (such as access ending).
        return entries.filter(Q(actor=user) | staff_entries(user.pk))

    def by_organization(
        self, entries: QuerySet[LogEntry], name: str, organization: Organization
    ) -> QuerySet[LogEntry]:
        staff_ids = organization.staff.values_list("pk", flat=True)
        return entries.filter(Q(actor__organization=organization) | staff_entries(*staff_ids))

    def from_date(self, entries: QuerySet[LogEntry], name: str, day: date) -> QuerySet[LogEntry]:
        tz = timezone.get_current_timezone()
        return entries.filter(timestamp__gte=datetime.combine(day, time.min, tz))

    def to_date(self, entries: QuerySet[LogEntry], name: str, day: date) -> QuerySet[LogEntry]:
        tz = timezone.get_current_timezone()
        return entries.filter(timestamp__lte=datetime.combine(day, time.max, tz))

    def form_initial(self) -> dict:
        """The filter form refilled from the page's filters."""
        data = self.form.cleaned_data
        return {
            "customer_id": data["participant"].customer_id if data["participant"] else "",
            "username": data["user"].username if data["user"] else "",
            "organization": data["organization"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
