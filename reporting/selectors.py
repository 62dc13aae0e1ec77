"""Reads for the quarter close: a quarter's figures worked out from the services, the quarters
offered for closing, and reconciliation against the closed figures.

The figures reuse the data-edit rules (dataedits/rules.py): each program's counted services make
its periods of participation, the period's first service is the date of program entry and its
exit is the one determined on the day the figures are worked out (more than 90 days after the
last end). Every seeker is counted, opted-out ones too (seed 002).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from dataedits.models import DataEditTicket, Program, Service, ServiceType, TicketState
from dataedits.precheck import change_of, fact
from dataedits.rules import (
    Quarter,
    ServiceFact,
    days_after,
    filing_deadline,
    periods_of,
    touched_dates,
)
from participants.models import Participant

from .models import CloseException, QuarterClose, QuarterFigure

if TYPE_CHECKING:
    from access.models import Staff

# Seekers whose figures are worked out together: bounds the memory a close needs at any size.
CHUNK = 500


@dataclass(frozen=True)
class Figure:
    """A seeker in a program in a quarter: what a QuarterFigure keeps."""

    participant_id: int
    customer_id: str
    program: str
    entry_date: date
    exit_date: date | None
    state: str
    zip_code: str
    date_of_birth: date | None
    services: dict[str, int] = field(default_factory=dict)


def counted_service_types() -> list[list[str]]:
    """[code, name] of the service types that count toward participation, in the extract's order."""
    return [
        [code, name]
        for code, name in ServiceType.objects.filter(counts_toward_participation=True)
        .order_by("name")
        .values_list("code", "name")
    ]


def _served_ids(quarter: Quarter, participant_ids: Iterable[int] | None) -> QuerySet:
    served = Service.objects.filter(
        service_type__counts_toward_participation=True,
        start_date__lte=quarter.end,
        end_date__gte=quarter.start,
    )
    if participant_ids is not None:
        served = served.filter(participant_id__in=list(participant_ids))
    return served.values_list("participant_id", flat=True).distinct().order_by("participant_id")


def quarter_figures(
    quarter: Quarter, *, as_of: date, participant_ids: Iterable[int] | None = None
) -> Iterator[Figure]:
    """The quarter's figures: one per seeker and program with a counted service in the quarter.

    A period of participation that is current in the quarter always holds a counted service
    overlapping it (a gap of more than 90 days would have ended the period), so those seekers are
    the ones to work out. Their services are read CHUNK seekers at a time, in seeker order.
    """
    served = _served_ids(quarter, participant_ids)
    last = 0
    while True:
        chunk = list(served.filter(participant_id__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]
        yield from _figures_for(quarter, as_of, chunk)


def _figures_for(quarter: Quarter, as_of: date, participant_ids: list[int]) -> Iterator[Figure]:
    seekers = {
        row["pk"]: row
        for row in Participant.objects.filter(pk__in=participant_ids).values(
            "pk", "customer_id", "state", "zip_code", "date_of_birth"
        )
    }
    services: dict[tuple[int, str], list[ServiceFact]] = defaultdict(list)
    for row in Service.objects.filter(
        participant_id__in=participant_ids, service_type__counts_toward_participation=True
    ).values("pk", "participant_id", "program", "start_date", "end_date", "service_type__code"):
        services[row["participant_id"], row["program"]].append(
            ServiceFact(
                id=str(row["pk"]),
                type=row["service_type__code"],
                start=row["start_date"],
                end=row["end_date"],
            )
        )
    for (participant_id, program), facts in sorted(services.items()):
        in_quarter = [
            period
            for period in periods_of(facts)
            if any(s.start <= quarter.end and s.end >= quarter.start for s in period.services)
        ]
        if not in_quarter:
            continue
        # Two periods can meet one quarter only when one exits early in it and the next begins
        # late in it; the row is the one current at the quarter's end.
        period = in_quarter[-1]
        seeker = seekers[participant_id]
        yield Figure(
            participant_id=participant_id,
            customer_id=seeker["customer_id"],
            program=program,
            entry_date=period.participation,
            exit_date=period.exit_as_of(as_of),
            state=seeker["state"],
            zip_code=seeker["zip_code"],
            date_of_birth=seeker["date_of_birth"],
            services=dict(
                Counter(
                    s.type
                    for s in period.services
                    if s.start <= quarter.end and s.end >= quarter.start
                )
            ),
        )


# ---------------------------------------------------------------------------------------------
# The quarters page


def close_opens_on(quarter: Quarter) -> date:
    """The first day the quarter may be closed: the 21st after it ended (its data-edit deadline
    is the 20th, seed 004)."""
    return days_after(filing_deadline(quarter.end), 1)


@dataclass
class QuarterRow:
    quarter: Quarter
    opens_on: date
    close: QuarterClose | None

    @property
    def closeable(self) -> bool:
        return self.close is None and timezone.localdate() >= self.opens_on


def quarter_rows(count: int = 8) -> list[QuarterRow]:
    """The current quarter and those before it, newest first, with their close if any; then
    every quarter closed before those, so that its extract can still be downloaded."""
    quarter = Quarter.of(timezone.localdate())
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = quarter.previous()
    closes = {c.quarter: c for c in closed_quarters()}
    earlier = sorted((q for q in closes if q < quarters[-1]), reverse=True)
    return [QuarterRow(q, close_opens_on(q), closes.get(q)) for q in quarters + earlier]


def closed_quarters() -> QuerySet[QuarterClose]:
    return QuarterClose.objects.select_related("closed_by")


def closed_quarters_touched(ticket: DataEditTicket) -> list[QuarterClose]:
    """The closed quarters whose figures the ticket's change would touch (its touched dates'
    quarters: the applicable quarters of seed 004)."""
    change = change_of(ticket)
    if change is None:
        return []
    services = Service.objects.filter(participant=ticket.participant).select_related("service_type")
    return closes_of(Quarter.of(day) for day in touched_dates([fact(s) for s in services], change))


def closes_of(quarters: Iterable[Quarter]) -> list[QuarterClose]:
    """The closes of those quarters that are closed."""
    wanted = set(quarters)
    if not wanted:
        return []
    found = QuarterClose.objects.filter(program_year__in={q.program_year for q in wanted})
    return [c for c in found if c.quarter in wanted]


# ---------------------------------------------------------------------------------------------
# Reconciliation


@dataclass
class Difference:
    program: str
    element: str
    closed: object
    now: object


@dataclass
class Reconciled:
    exception: CloseException
    differences: list[Difference]

    @property
    def ticket(self) -> DataEditTicket:
        return self.exception.ticket


def _compare(
    program: str, closed: QuarterFigure | None, now: Figure | None, names: dict[str, str]
) -> Iterator[Difference]:
    label = Program(program).label
    if closed is None or now is None:
        yield Difference(label, "row in the extract", closed is not None, now is not None)
        return
    for element, was, is_now in (
        ("date of program entry", closed.entry_date, now.entry_date),
        ("date of program exit", closed.exit_date, now.exit_date),
    ):
        if was != is_now:
            yield Difference(label, element, was, is_now)
    for code in sorted(closed.services.keys() | now.services.keys()):
        count_was, count_now = closed.services.get(code, 0), now.services.get(code, 0)
        if count_was != count_now:
            yield Difference(
                label, f"counted services: {names.get(code, code)}", count_was, count_now
            )


def reconciliation(close: QuarterClose) -> list[Reconciled]:
    """Tickets approved after the quarter closed (through a recorded exception), each with what its
    seeker's rows are now against the closed figures, worked out on the same day as the close so
    that only changes to the records show (a later change to the same seeker shows too)."""
    names = dict(ServiceType.objects.values_list("code", "name"))
    result = []
    for exception in close.exceptions.select_related(
        "ticket__participant", "ticket__decided_by", "recorded_by"
    ).filter(ticket__status=TicketState.APPROVED):
        participant_id = exception.ticket.participant_id
        closed = {f.program: f for f in close.figures.filter(participant_id=participant_id)}
        now = {
            f.program: f
            for f in quarter_figures(
                close.quarter, as_of=close.as_of, participant_ids=[participant_id]
            )
        }
        differences = [
            difference
            for program in sorted(closed.keys() | now.keys())
            for difference in _compare(program, closed.get(program), now.get(program), names)
        ]
        result.append(Reconciled(exception, differences))
    return result


def tickets_awaiting_exception(user: "Staff", close: QuarterClose) -> list[DataEditTicket]:
    """Tickets in the state's queue whose change touches this closed quarter and that have no
    exception yet: they cannot be approved until the state records one."""
    waiting = (
        DataEditTicket.objects.visible_to(user)
        .filter(status=TicketState.STATE_QUEUE)
        .exclude(close_exceptions__close=close)
        .select_related("participant", "service")
    )
    return [t for t in waiting if close in closed_quarters_touched(t)]
