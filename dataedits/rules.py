"""The data-edit rules of seed 004 (Oklahoma WSD 58-2024), as pure functions of dates and services.

Nothing here reads the database: services come in as `ServiceFact`s, changes as one of
`AddService` / `DeleteService` / `ModifyService` / `CorrectSeekerData` / `RecordSkillsGain`, and
`decide` answers with every reason the policy gives for denying the request, the filing deadline
and the periods of participation before and after the change. Days are counted as federal
reporting counts them (date differences in days), never in months.

Every function answers for any date Python (and the database) can hold, year 1 to year 9999:
a quarter or deadline past the calendar's end is the calendar's last day, never an error, so a
record with a mistyped date can always be opened and repaired.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

# A counted service that starts more than this many days after the latest end date of the
# period so far opens a new period; an exit is determined once this many days have passed.
GAP_DAYS = 90
# A data-edit request may be filed up to and including this many days after the applicable quarter.
FILING_DAYS_AFTER_QUARTER = 20
# Services and case notes are due within this many calendar days of their date.
LATE_ENTRY_DAYS = 7
# The state helpdesk's business hours: a ticket received outside them waits for the next opening.
BUSINESS_OPENS = time(7, 0)
BUSINESS_CLOSES = time(16, 0)


class Reason(StrEnum):
    """Why a data-edit request is denied; every one that applies is given, in this order."""

    PAST_DEADLINE = "past_deadline"
    FUTURE_SERVICE = "future_service"
    REMOVES_PERIOD = "removes_period"
    SPLITS_PERIOD = "splits_period"
    MERGES_PERIODS = "merges_periods"
    CREATES_PERIOD = "creates_period"
    ENTRY_QUARTER_CHANGED = "entry_quarter_changed"
    EXIT_QUARTER_CHANGED = "exit_quarter_changed"
    MISSING_JUSTIFICATION = "missing_justification"
    MISSING_FIELD = "missing_field"
    NO_SUPPORTING_CASE_NOTE = "no_supporting_case_note"

    @property
    def text(self) -> str:
        return REASON_TEXT[self]


REASON_TEXT = {
    Reason.PAST_DEADLINE: "Filed more than 20 days after the end of the applicable quarter.",
    Reason.FUTURE_SERVICE: "A service would be dated after the filing date: only services actually delivered are entered.",
    Reason.REMOVES_PERIOD: "A period of participation would disappear.",
    Reason.SPLITS_PERIOD: "A period of participation would become two or more: a new period in which services were already provided.",
    Reason.MERGES_PERIODS: "Two periods of participation would become one: a determined exit would disappear.",
    Reason.CREATES_PERIOD: "The added service alone would open a new period of participation.",
    Reason.ENTRY_QUARTER_CHANGED: "A period's participation date would move to another quarter.",
    Reason.EXIT_QUARTER_CHANGED: "An exit already determined on the filing date would move to another quarter or disappear.",
    Reason.MISSING_JUSTIFICATION: "The request has no justification.",
    Reason.MISSING_FIELD: "A required field is missing: what is wrong, what is right, or the change itself.",
    Reason.NO_SUPPORTING_CASE_NOTE: "No supporting case note or document is referenced.",
}


# ---------------------------------------------------------------------------------------------
# Program years and quarters


def _day(year: int, month: int, day: int = 1) -> date:
    """The date, or the calendar's first or last day when the year falls outside it."""
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    return date(year, month, day)


def days_after(day: date, days: int) -> date:
    """`day` plus `days`, stopping at the calendar's last day."""
    return day + timedelta(days=days) if (date.max - day).days >= days else date.max


@dataclass(frozen=True, order=True)
class Quarter:
    """A program year quarter. Program year 2020 runs July 1, 2020 to June 30, 2021;
    Q1 is July-September, Q2 October-December, Q3 January-March, Q4 April-June."""

    program_year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        if day.month >= 7:
            return cls(day.year, 1 if day.month <= 9 else 2)
        return cls(day.year - 1, 3 if day.month <= 3 else 4)

    @property
    def start(self) -> date:
        year = self.program_year if self.number <= 2 else self.program_year + 1
        return _day(year, (7, 10, 1, 4)[self.number - 1])

    @property
    def end(self) -> date:
        following = self.next().start
        return date.max if following == date.max else following - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.program_year + 1, 1)
            if self.number == 4
            else Quarter(self.program_year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.program_year - 1, 4)
            if self.number == 1
            else Quarter(self.program_year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"PY{self.program_year} Q{self.number}"

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "PY2020 Q2" (or "2020-2"), as shown on pages and in report links."""
        cleaned = text.strip().upper().removeprefix("PY").replace(" Q", "-").replace("Q", "-")
        year, _, number = cleaned.partition("-")
        if not (
            year.isdigit()
            and number.isdigit()
            and 1 <= int(number) <= 4
            and 1900 <= int(year) <= 9998
        ):
            raise ValueError(f"Not a program year quarter: {text!r} (write it as PY2020 Q2).")
        return cls(int(year), int(number))


def filing_deadline(day: date) -> date:
    """The last day a request touching `day` may be filed: its quarter's end plus 20 days."""
    return days_after(Quarter.of(day).end, FILING_DAYS_AFTER_QUARTER)


def is_late_entry(*, service_date: date, entered_on: date) -> bool:
    """Entered more than seven calendar days after the service or contact date."""
    return (entered_on - service_date).days > LATE_ENTRY_DAYS


def counted_received_at(received: datetime) -> datetime:
    """When the state queue counts a ticket as received (seed 004, helpdesk business hours).

    `received` is an aware datetime in the portal's time zone. Monday to Friday, 7:00 AM to
    4:00 PM, a ticket counts when it arrives; after 4:00 PM, or on a weekend, it counts as
    received at 7:00 AM on the next business day; before 7:00 AM, at 7:00 AM the same day.
    State holidays are not business days either, but they are not modelled here.
    """
    day, clock = received.date(), received.timetz().replace(tzinfo=None)
    if day.weekday() < 5 and clock <= BUSINESS_CLOSES:
        if clock >= BUSINESS_OPENS:
            return received
        return datetime.combine(day, BUSINESS_OPENS, tzinfo=received.tzinfo)
    following = next_business_day(day)
    if following == day:  # the calendar's last day: there is no next business day to wait for
        return received
    return datetime.combine(following, BUSINESS_OPENS, tzinfo=received.tzinfo)


class ReceiptWait(StrEnum):
    """Why a ticket counts as received later than it arrived (`counted_received_at`)."""

    WEEKEND = "weekend"
    AFTER_CLOSING = "after_closing"
    BEFORE_OPENING = "before_opening"


def receipt_wait(received: datetime) -> ReceiptWait | None:
    """Why `received` (aware, in the portal's zone) waits for the helpdesk to open; None if it does not."""
    counted = counted_received_at(received)
    if counted == received:
        return None
    if received.date().weekday() >= 5:
        return ReceiptWait.WEEKEND
    # A weekday: waiting for the same day's opening, or for the next business day's.
    return (
        ReceiptWait.BEFORE_OPENING
        if counted.date() == received.date()
        else ReceiptWait.AFTER_CLOSING
    )


def next_business_day(day: date) -> date:
    """The first weekday after `day` (state holidays are not modelled)."""
    following = days_after(day, 1)
    while following.weekday() >= 5 and following != date.max:
        following = days_after(following, 1)
    return following


def self_correction_ends(entered_at: datetime) -> datetime:
    """Until when the person who recorded a service or case note may correct it themselves: the
    end of the next business day after they entered it (an aware datetime in the portal's zone)."""
    return datetime.combine(
        next_business_day(entered_at.date()), time.max, tzinfo=entered_at.tzinfo
    )


# ---------------------------------------------------------------------------------------------
# Services and periods of participation


@dataclass(frozen=True)
class ServiceFact:
    """A service as the rules see it: its catalog type, dates and whether the type counts."""

    id: str
    type: str
    start: date
    end: date
    counted: bool = True

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(
                f"Service {self.id}: the end date {self.end} is before the start date {self.start}."
            )


@dataclass(frozen=True)
class Period:
    """A period of participation: counted services with no gap over 90 days between them."""

    services: tuple[ServiceFact, ...]

    @property
    def participation(self) -> date:
        """The participation date: the first counted service's start."""
        return self.services[0].start

    @property
    def last_end(self) -> date:
        return max(s.end for s in self.services)

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.services)

    def exit_as_of(self, day: date) -> date | None:
        """The exit date once determined: more than 90 days after the last end have passed by `day`."""
        return self.last_end if (day - self.last_end).days > GAP_DAYS else None

    def as_json(self, as_of: date) -> dict:
        exit_date = self.exit_as_of(as_of)
        return {
            "participation": self.participation.isoformat(),
            "last_end": self.last_end.isoformat(),
            "exit": exit_date.isoformat() if exit_date else None,
            "services": list(self.service_ids),
        }


def _order(service: ServiceFact) -> tuple[date, date, str]:
    return (service.start, service.end, service.id)


def periods_of(services: Iterable[ServiceFact]) -> list[Period]:
    """The periods of participation made by the counted services, in order.

    Counted services sorted by start; a service opens a new period when it starts more than
    90 days after the latest end date seen so far in the current period. Services whose type
    does not count (follow-up, self-service, information only) never open, extend or join one.
    """
    periods: list[Period] = []
    current: list[ServiceFact] = []
    # The latest end date of the current period; read only once the period holds a service.
    latest_end = date.min
    for service in sorted((s for s in services if s.counted), key=_order):
        if current and (service.start - latest_end).days > GAP_DAYS:
            periods.append(Period(tuple(current)))
            current = []
        latest_end = service.end if not current else max(latest_end, service.end)
        current.append(service)
    if current:
        periods.append(Period(tuple(current)))
    return periods


# ---------------------------------------------------------------------------------------------
# Changes a data-edit request asks for


@dataclass(frozen=True)
class AddService:
    service: ServiceFact


@dataclass(frozen=True)
class DeleteService:
    service_id: str


@dataclass(frozen=True)
class ModifyService:
    """Sets the type and/or dates of one service; `counted` is the new type's flag when `type` is set."""

    service_id: str
    type: str | None = None
    counted: bool | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CorrectSeekerData:
    """A correction to the seeker's own data (a demographic field), not tied to a service."""

    field: str


@dataclass(frozen=True)
class RecordSkillsGain:
    """A measurable skills gain achieved on a day: it changes no service, and its quarter applies."""

    achieved_on: date


Change = AddService | DeleteService | ModifyService | CorrectSeekerData | RecordSkillsGain


class ChangeError(ValueError):
    """The change cannot apply to these services (unknown service, duplicate id, end before start)."""


def _find(services: Sequence[ServiceFact], service_id: str) -> ServiceFact:
    for service in services:
        if service.id == service_id:
            return service
    raise ChangeError(f"There is no service with id {service_id!r}.")


def apply_change(services: Sequence[ServiceFact], change: Change) -> list[ServiceFact]:
    """The services as they would be after the change."""
    services = list(services)
    match change:
        case AddService(service=new):
            if any(s.id == new.id for s in services):
                raise ChangeError(f"A service with id {new.id!r} already exists.")
            return [*services, new]
        case DeleteService(service_id=service_id):
            old = _find(services, service_id)
            return [s for s in services if s is not old]
        case ModifyService():
            old = _find(services, change.service_id)
            if change.type is not None and change.counted is None:
                raise ChangeError("A new service type needs its counts-toward-participation flag.")
            try:
                new = replace(
                    old,
                    type=old.type if change.type is None else change.type,
                    counted=old.counted if change.counted is None else change.counted,
                    start=old.start if change.start is None else change.start,
                    end=old.end if change.end is None else change.end,
                )
            except ValueError as exc:
                raise ChangeError(str(exc)) from exc
            return [new if s is old else s for s in services]
        case CorrectSeekerData() | RecordSkillsGain():
            return services
    raise ChangeError(f"Unknown change {change!r}.")


def touched_dates(services: Sequence[ServiceFact], change: Change) -> list[date]:
    """The service dates a change touches, old and new, each deciding an applicable quarter.

    Adding or deleting touches the service's start and end dates. Modifying touches the old and
    new values of each date it changes; a change of type alone touches the service's two dates.
    A correction to the seeker's data touches the participation date of the latest period.
    """
    match change:
        case AddService(service=new):
            return [new.start, new.end]
        case DeleteService(service_id=service_id):
            old = _find(services, service_id)
            return [old.start, old.end]
        case ModifyService():
            old = _find(services, change.service_id)
            dates = []
            if change.start is not None and change.start != old.start:
                dates += [old.start, change.start]
            if change.end is not None and change.end != old.end:
                dates += [old.end, change.end]
            return dates or [old.start, old.end]
        case CorrectSeekerData():
            periods = periods_of(services)
            return [periods[-1].participation] if periods else []
        case RecordSkillsGain(achieved_on=day):
            # Seed 004: measurable skills gains are under the same 20 days, and never for a prior quarter.
            return [day]
    raise ChangeError(f"Unknown change {change!r}.")


def new_service_dates(change: Change) -> list[date]:
    """The dates a change would give a service: an added one's start, a modified one's new start."""
    match change:
        case AddService(service=new):
            return [new.start]
        case ModifyService() if change.start is not None:
            return [change.start]
    return []


def request_deadline(services: Sequence[ServiceFact], change: Change) -> date | None:
    """The filing deadline: the earliest of the touched dates' deadlines (None if nothing is reported yet)."""
    dates = touched_dates(services, change)
    return min(filing_deadline(d) for d in dates) if dates else None


# ---------------------------------------------------------------------------------------------
# The decision


@dataclass(frozen=True)
class Paperwork:
    """What the ticket form holds besides the change, for the form-level reasons.

    `what_is_wrong` and `what_is_right` are None when the caller has no such texts to give (the
    command-line pre-check): then only the justification and the support are checked.
    """

    what_is_wrong: str | None = ""
    what_is_right: str | None = ""
    justification: str = ""
    supporting_case_notes: int = 0
    supporting_documents: int = 0
    change_complete: bool = True


@dataclass(frozen=True)
class Decision:
    filed_on: date
    reasons: tuple[Reason, ...]
    deadline: date | None
    periods_before: tuple[Period, ...]
    periods_after: tuple[Period, ...]

    @property
    def approved(self) -> bool:
        return not self.reasons

    @property
    def verdict(self) -> str:
        return "approve" if self.approved else "deny"

    def as_json(self) -> dict:
        return {
            "decision": self.verdict,
            "reasons": [str(r) for r in self.reasons],
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "periods_before": [p.as_json(self.filed_on) for p in self.periods_before],
            "periods_after": [p.as_json(self.filed_on) for p in self.periods_after],
        }


def period_reasons(
    before: Sequence[Period], after: Sequence[Period], *, filed_on: date
) -> set[Reason]:
    """The reasons that compare periods before and after a change.

    Periods are followed through their services: a service that is counted both before and
    after the change (same id, even with new dates) carries its period over.
    """
    before_of = {s.id: i for i, p in enumerate(before) for s in p.services}
    after_of = {s.id: j for j, p in enumerate(after) for s in p.services}
    surviving = before_of.keys() & after_of.keys()
    reasons: set[Reason] = set()

    for period in before:
        kept = [s for s in period.services if s.id in surviving]
        targets = sorted({after_of[s.id] for s in kept})
        if not targets:
            reasons.add(Reason.REMOVES_PERIOD)
        elif len(targets) > 1:
            reasons.add(Reason.SPLITS_PERIOD)
        if kept:
            # The participation date now is that of the period holding the first surviving service.
            continued = after[after_of[kept[0].id]]
            if Quarter.of(continued.participation) != Quarter.of(period.participation):
                reasons.add(Reason.ENTRY_QUARTER_CHANGED)
        exit_date = period.exit_as_of(filed_on)
        if exit_date is not None:
            # An exit determined before the change must stay determined, in the same quarter.
            # (One that only becomes determined because of the change is no change of quarter.)
            new_exit = after[targets[-1]].exit_as_of(filed_on) if targets else None
            if new_exit is None or Quarter.of(new_exit) != Quarter.of(exit_date):
                reasons.add(Reason.EXIT_QUARTER_CHANGED)

    for period in after:
        sources = {before_of[s.id] for s in period.services if s.id in surviving}
        if not sources:
            reasons.add(Reason.CREATES_PERIOD)
        elif len(sources) > 1:
            reasons.add(Reason.MERGES_PERIODS)
    return reasons


def paperwork_reasons(paperwork: Paperwork) -> set[Reason]:
    reasons = set()
    if not paperwork.justification.strip():
        reasons.add(Reason.MISSING_JUSTIFICATION)
    texts = [t for t in (paperwork.what_is_wrong, paperwork.what_is_right) if t is not None]
    if not (all(t.strip() for t in texts) and paperwork.change_complete):
        reasons.add(Reason.MISSING_FIELD)
    if paperwork.supporting_case_notes + paperwork.supporting_documents == 0:
        reasons.add(Reason.NO_SUPPORTING_CASE_NOTE)
    return reasons


def decide(
    services: Sequence[ServiceFact],
    change: Change | None,
    *,
    filed_on: date,
    paperwork: Paperwork | None = None,
) -> Decision:
    """The pre-check: would this request be approved if filed on `filed_on`, and if not, why.

    Every reason that applies is given. The form-level reasons are checked only when
    `paperwork` is given (the command-line pre-check has none). A change not yet complete
    (None, while a form is being filled) changes no period and is a missing field.
    """
    if change is None:
        paperwork = replace(paperwork or Paperwork(), change_complete=False)
        change = CorrectSeekerData("")
        deadline = None
    else:
        deadline = request_deadline(services, change)
    after_services = apply_change(services, change)
    before, after = periods_of(services), periods_of(after_services)
    reasons = period_reasons(before, after, filed_on=filed_on)
    if deadline is not None and filed_on > deadline:
        reasons.add(Reason.PAST_DEADLINE)
    if any(day > filed_on for day in new_service_dates(change)):
        reasons.add(Reason.FUTURE_SERVICE)
    if paperwork is not None:
        reasons |= paperwork_reasons(paperwork)
    return Decision(
        filed_on=filed_on,
        reasons=tuple(r for r in Reason if r in reasons),
        deadline=deadline,
        periods_before=tuple(before),
        periods_after=tuple(after),
    )
