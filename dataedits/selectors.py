"""Reads for the data-edit pages and exports; reads of seekers' rows start from the visibility gate."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncWeek

from participants.models import Participant

from .models import CaseNote, DataEditTicket, Service, ServiceType, TicketState, Title
from .policies import reads_statewide_reports
from .precheck import fact
from .rules import Quarter, periods_of

if TYPE_CHECKING:
    from access.models import Office, Staff


# ---------------------------------------------------------------------------------------------
# Where a report counts: an office, an area or the whole state


@dataclass(frozen=True)
class ReportScope:
    """One office, one workforce development area, or the whole state (`kind` "state", no pk)."""

    kind: str
    pk: int | None
    label: str

    @property
    def value(self) -> str:
        """How the choice is written in a form and a URL: "office:12", "area:3" or "state"."""
        return self.kind if self.pk is None else f"{self.kind}:{self.pk}"

    def offices(self) -> "QuerySet[Office]":
        from access.models import Office

        if self.pk is None:  # the whole state
            return Office.objects.all()
        if self.kind == "area":
            return Office.objects.filter(area_id=self.pk)
        return Office.objects.filter(pk=self.pk)


WHOLE_STATE = ReportScope("state", None, "The whole state (every office)")


def report_scopes(user: "Staff") -> list[tuple[str, list[ReportScope]]]:
    """The places `user` may choose, grouped as the form lists them: their own offices, or, for
    those who read statewide reports, every office, every area and the whole state."""
    from access.models import Office, WorkforceDevelopmentArea

    if not reads_statewide_reports(user):
        offices = user.offices.order_by("name")
        return [("Your offices", [ReportScope("office", o.pk, o.name) for o in offices])]
    return [
        ("Offices", [ReportScope("office", o.pk, o.name) for o in Office.objects.order_by("name")]),
        (
            "Workforce development areas",
            [ReportScope("area", a.pk, str(a)) for a in WorkforceDevelopmentArea.objects.all()],
        ),
        ("State", [WHOLE_STATE]),
    ]


def service_catalog() -> dict[str, bool]:
    """Every catalog code with its counts-toward-participation flag (inactive types included:
    old services keep their type)."""
    return dict(ServiceType.objects.values_list("code", "counts_toward_participation"))


def seeker_services(participant: Participant, *, with_entries: bool = True) -> list[Service]:
    """The seeker's services, oldest first (the caller reached the seeker through the gate).

    With who entered each and in which office, for the pages that list them; without, for the
    pre-check, which reads only the services' types and dates (a seeker may have hundreds).
    """
    related = ("service_type", "entered_by", "office") if with_entries else ("service_type",)
    return list(Service.objects.filter(participant=participant).select_related(*related))


def visible_tickets(user: "Staff") -> QuerySet[DataEditTicket]:
    return DataEditTicket.objects.visible_to(user).select_related(
        "participant", "filed_by", "office"
    )


def local_board_queue(user: "Staff") -> QuerySet[DataEditTicket]:
    """Tickets awaiting the local board of the areas the reviewer serves: the nearest deadline at
    the state first (those past it, which can only be denied, at the top), then first in, first out."""
    areas = user.offices.values("area_id")
    return (
        visible_tickets(user)
        .filter(status=TicketState.LOCAL_REVIEW, office__area_id__in=areas)
        .order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")
    )


def state_queue(user: "Staff", title: Title) -> QuerySet[DataEditTicket]:
    """A state queue (Title I or Title III) in the order received: after 4:00 PM or on a weekend
    a ticket counts as received the next business day at 7:00 AM; ties go by the real time."""
    return (
        visible_tickets(user)
        .filter(status=TicketState.STATE_QUEUE, title=title)
        .order_by("counted_received_at", "received_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# The office's data-integrity page


@dataclass
class LateRow:
    staff: object
    week: date
    services: int = 0
    case_notes: int = 0

    @property
    def total(self) -> int:
        return self.services + self.case_notes


def late_entries(*, scope: ReportScope, date_from: date, date_to: date) -> list[LateRow]:
    """Late services and case notes entered in the office, area or state, by staff member and
    week of entry.

    Counts only, no seeker named: the page shows how timely each person's entries are.
    Opted-out seekers' entries are counted too (they are the staff member's entries).
    """
    from access.models import Staff

    window = {
        "office__in": scope.offices(),
        "entered_at__date__gte": date_from,
        "entered_at__date__lte": date_to,
        "is_late": True,
    }
    rows: dict[tuple[int, date], LateRow] = {}
    for model, person, attr in (
        (Service, "entered_by", "services"),
        (CaseNote, "author", "case_notes"),
    ):
        counts = (
            model.objects.filter(**window)
            .annotate(week=TruncWeek("entered_at"))
            .values(person, "week")
            .annotate(n=Count("pk"))
        )
        for row in counts:
            week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
            key = (row[person], week)
            rows.setdefault(key, LateRow(staff=row[person], week=week))
            setattr(rows[key], attr, getattr(rows[key], attr) + row["n"])
    people = Staff.objects.in_bulk({staff_id for staff_id, _ in rows})
    result = sorted(rows.values(), key=lambda r: (-r.week.toordinal(), str(people[r.staff])))
    for row in result:
        row.staff = people[row.staff]
    return result


# ---------------------------------------------------------------------------------------------
# Quarterly counts


@dataclass
class QuarterlyCounts:
    scope: ReportScope
    quarter: Quarter
    seekers_served: int = 0
    services_by_type: list[tuple[str, int]] = field(default_factory=list)
    services_total: int = 0
    participations: int = 0
    exits: int = 0
    listed_seekers: list = field(default_factory=list)
    unlisted_seekers: int = 0

    def csv_rows(self) -> list[list[str | int]]:
        rows: list[list[str | int]] = [["where", "quarter", "measure", "service type", "count"]]
        base: list[str | int] = [self.scope.label, str(self.quarter)]
        rows.append(base + ["seekers served", "", self.seekers_served])
        for name, count in self.services_by_type:
            rows.append(base + ["services", name, count])
        rows.append(base + ["services", "all types", self.services_total])
        rows.append(base + ["participations", "", self.participations])
        rows.append(base + ["determined exits", "", self.exits])
        return rows


def quarterly_counts(
    *, user: "Staff", scope: ReportScope, quarter: Quarter, as_of: date
) -> QuarterlyCounts:
    """Seekers served, services by type, participations and determined exits of an office, an
    area or the whole state in a quarter.

    The totals count every seeker, opted-out ones too: the policy keeps their services counted
    (seed 002). The list of seekers served goes through the visibility gate, so staff who may
    not see opted-out seekers are told how many are counted but not listed.
    A service is in the quarter when its dates overlap it. A period's participation belongs to
    the office of its first service, its exit to the office of the service that ended last
    (an area or the state counts those of its offices); an exit counts once determined on
    `as_of` (more than 90 days after the last end).
    """
    office_ids = set(scope.offices().values_list("pk", flat=True))
    in_quarter = Service.objects.filter(
        office__in=office_ids, start_date__lte=quarter.end, end_date__gte=quarter.start
    )
    by_type = dict(
        in_quarter.values("service_type__name")
        .annotate(n=Count("pk"))
        .values_list("service_type__name", "n")
    )
    served_ids = set(in_quarter.values_list("participant_id", flat=True))
    counts = QuarterlyCounts(
        scope=scope,
        quarter=quarter,
        seekers_served=len(served_ids),
        services_by_type=sorted(by_type.items()),
        services_total=sum(by_type.values()),
    )

    # Periods need each seeker's whole history (all offices), for the seekers this office served
    # on or before the quarter's end.
    candidates = Service.objects.filter(office__in=office_ids, start_date__lte=quarter.end).values(
        "participant_id"
    )
    history = defaultdict(list)
    for service in Service.objects.filter(participant_id__in=candidates).select_related(
        "service_type"
    ):
        history[service.participant_id].append(service)
    for services in history.values():
        offices = {str(s.pk): s.office_id for s in services}
        for period in periods_of([fact(s) for s in services]):
            first = period.services[0]
            if Quarter.of(period.participation) == quarter and offices[first.id] in office_ids:
                counts.participations += 1
            exit_date = period.exit_as_of(as_of)
            if exit_date and Quarter.of(exit_date) == quarter:
                last = max(period.services, key=lambda s: (s.end, s.start, s.id))
                if offices[last.id] in office_ids:
                    counts.exits += 1

    visible = Participant.objects.visible_to(user).filter(pk__in=served_ids)
    counts.listed_seekers = list(visible.order_by("last_name", "first_name", "customer_id"))
    counts.unlisted_seekers = len(served_ids) - len(counts.listed_seekers)
    return counts


def dashboard_counts(user: "Staff") -> dict[str, object]:
    """The dashboard widget's figures for this person's role."""
    figures: dict[str, object] = {}
    if user.can_review_data_edits_locally:
        figures["local_queue"] = local_board_queue(user).count()
    if user.can_decide_data_edits:
        figures["state_queues"] = {t: state_queue(user, t).count() for t in Title}
    if user.can_edit_seekers:
        figures["drafts"] = (
            visible_tickets(user).filter(filed_by=user, status=TicketState.DRAFT).count()
        )
    return figures
