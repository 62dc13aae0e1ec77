"""The audit trail's filters, read from the result page's query string (what the filter form wrote)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from access.models import Office, Organization, Staff
from participants.models import Participant
from portal.dates import refuse_senseless_date

from .models import AuditEntry, Kind


def staff_entries(*staff_ids: int) -> Q:
    """Audit entries about these staff members' accounts."""
    return Q(
        content_type__app_label="access",
        content_type__model="staff",
        object_pk__in=[str(pk) for pk in staff_ids],
    )


def day_start(day: date) -> datetime:
    """Midnight starting `day` in the state's time zone."""
    return datetime.combine(day, time.min, ZoneInfo(settings.TIME_ZONE))


def day_end(day: date) -> datetime:
    """Midnight ending `day` in the state's time zone."""
    return day_start(day + timedelta(days=1))


class AuditTrailFilter(django_filters.FilterSet):
    """By seeker, person, organization, office, kind of entry, and date (whole days, state time)."""

    participant = django_filters.ModelChoiceFilter(
        queryset=Participant.objects.all(), method="by_participant"
    )
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), method="by_user"
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="by_organization"
    )
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), method="by_office")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, field_name="kind")
    date_from = django_filters.DateFilter(method="from_date", validators=[refuse_senseless_date])
    date_to = django_filters.DateFilter(method="to_date", validators=[refuse_senseless_date])

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def by_participant(
        self, entries: QuerySet[AuditEntry], name: str, participant: Participant
    ) -> QuerySet[AuditEntry]:
        # One index read (participant, timestamp): every entry names the seeker it concerns.
        return entries.filter(participant=participant)

    def by_user(
        self, entries: QuerySet[AuditEntry], name: str, user: Staff
    ) -> QuerySet[AuditEntry]:
        # What the person did, and what was done to their account (such as access ending).
        return entries.filter(Q(actor=user) | staff_entries(user.pk))

    def by_organization(
        self, entries: QuerySet[AuditEntry], name: str, organization: Organization
    ) -> QuerySet[AuditEntry]:
        staff_ids = organization.staff.values_list("pk", flat=True)
        return entries.filter(Q(actor__organization=organization) | staff_entries(*staff_ids))

    def by_office(
        self, entries: QuerySet[AuditEntry], name: str, office: Office
    ) -> QuerySet[AuditEntry]:
        # What the office's staff did (those assigned to it now).
        return entries.filter(actor__in=office.staff.values("pk"))

    def from_date(
        self, entries: QuerySet[AuditEntry], name: str, day: date
    ) -> QuerySet[AuditEntry]:
        return entries.filter(timestamp__gte=day_start(day))

    def to_date(self, entries: QuerySet[AuditEntry], name: str, day: date) -> QuerySet[AuditEntry]:
        return entries.filter(timestamp__lt=day_end(day))

    def form_initial(self) -> dict:
        """The filter form refilled from the page's filters."""
        data = self.form.cleaned_data
        return {
            "customer_id": data["participant"].customer_id if data["participant"] else "",
            "username": data["user"].username if data["user"] else "",
            "organization": data["organization"],
            "office": data["office"],
            "kind": data["kind"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }

    def described(self) -> str:
        """The filters in words, for the export's own audit entry."""
        data = self.form.cleaned_data
        words = {
            "participant": lambda seeker: f"seeker {seeker.customer_id}",
            "user": lambda user: f"staff {user.username}",
            "organization": lambda organization: f"organization {organization}",
            "office": lambda office: f"office {office}",
            "kind": lambda kind: f"action {Kind(kind).label}",
            "date_from": lambda day: f"from {day.isoformat()}",
            "date_to": lambda day: f"to {day.isoformat()}",
        }
        return ", ".join(words[name](value) for name, value in data.items() if value) or "none"
