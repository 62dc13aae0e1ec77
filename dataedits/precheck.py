"""The pre-check of a data-edit ticket: the seeker's services and the ticket's change in the
rules' terms (dataedits/rules.py), and the timeline drawn from the decision."""

from dataclasses import dataclass
from datetime import date

from .models import ChangeKind, DataEditTicket, Service
from .rules import (
    AddService,
    Change,
    CorrectSeekerData,
    Decision,
    DeleteService,
    ModifyService,
    Paperwork,
    Quarter,
    RecordSkillsGain,
    ServiceFact,
    apply_change,
    decide,
)

NEW_SERVICE_ID = "new"


def fact(service: Service) -> ServiceFact:
    return ServiceFact(
        id=str(service.pk),
        type=service.service_type.code,
        start=service.start_date,
        end=service.end_date,
        counted=service.service_type.counts_toward_participation,
    )


def change_of(ticket: DataEditTicket) -> Change | None:
    """The ticket's change, or None while it is not complete enough to check."""
    match ticket.kind:
        case ChangeKind.ADD_SERVICE:
            if not (ticket.new_service_type and ticket.new_start_date and ticket.new_end_date):
                return None
            if ticket.new_end_date < ticket.new_start_date:
                return None
            new_type = ticket.new_service_type
            return AddService(
                ServiceFact(
                    NEW_SERVICE_ID,
                    new_type.code,
                    ticket.new_start_date,
                    ticket.new_end_date,
                    new_type.counts_toward_participation,
                )
            )
        case ChangeKind.MODIFY_SERVICE:
            service = ticket.service
            if service is None:
                return None
            new_type = (
                ticket.new_service_type
                if ticket.new_service_type_id not in (None, service.service_type_id)
                else None
            )
            start = (
                ticket.new_start_date
                if ticket.new_start_date not in (None, service.start_date)
                else None
            )
            end = (
                ticket.new_end_date if ticket.new_end_date not in (None, service.end_date) else None
            )
            if not (new_type or start or end) or (start or service.start_date) > (
                end or service.end_date
            ):
                return None
            return ModifyService(
                str(service.pk),
                type=new_type.code if new_type else None,
                counted=new_type.counts_toward_participation if new_type else None,
                start=start,
                end=end,
            )
        case ChangeKind.DELETE_SERVICE:
            return DeleteService(str(ticket.service.pk)) if ticket.service else None
        case ChangeKind.CORRECT_SEEKER_DATA:
            if not (ticket.seeker_field and ticket.seeker_value.strip()):
                return None
            return CorrectSeekerData(ticket.seeker_field)
        case ChangeKind.MEASURABLE_SKILLS_GAIN:
            if not (ticket.gain_type and ticket.gain_date):
                return None
            return RecordSkillsGain(ticket.gain_date)
    return None


def paperwork_of(
    ticket: DataEditTicket, *, supporting_notes: int, documents: int, change_complete: bool
) -> Paperwork:
    return Paperwork(
        what_is_wrong=ticket.what_is_wrong,
        what_is_right=ticket.what_is_right,
        justification=ticket.justification,
        supporting_case_notes=supporting_notes,
        supporting_documents=documents,
        change_complete=change_complete,
    )


@dataclass(frozen=True)
class Precheck:
    decision: Decision
    services: list[Service]
    change: Change | None

    @property
    def facts_before(self) -> list[ServiceFact]:
        return [fact(s) for s in self.services]

    @property
    def facts_after(self) -> list[ServiceFact]:
        return apply_change(self.facts_before, self.change) if self.change else self.facts_before


def ticket_precheck(
    ticket: DataEditTicket,
    *,
    services: list[Service],
    filed_on: date,
    supporting_notes: int,
    documents: int,
) -> Precheck:
    """The decision the rules give the ticket as it stands, filed on `filed_on`.

    `services` are the seeker's services (the caller has them through the gate and, when
    approving, locked); `ticket` may be unsaved (the form being filled in).
    """
    change = change_of(ticket)
    facts = [fact(s) for s in services]
    paperwork = paperwork_of(
        ticket,
        supporting_notes=supporting_notes,
        documents=documents,
        change_complete=change is not None,
    )
    return Precheck(decide(facts, change, filed_on=filed_on, paperwork=paperwork), services, change)


# ---------------------------------------------------------------------------------------------
# The timeline: services and periods before and after the change, drawn and tabled

CHART_LEFT = 72  # room for the lanes' names
CHART_WIDTH = 520
LANE_HEIGHT = 44


def timeline(precheck: Precheck, *, filed_on: date, compare: bool = True) -> dict:
    """The timeline figure's geometry and its text equivalent (one table row per service).

    The figure spans whole quarters from the earliest date shown to the latest (filing date and
    deadline included); each lane shows the periods of participation (with the exit, once
    determined on the filing date) above the services, before and after the change.
    """
    decision = precheck.decision
    before, after = precheck.facts_before, precheck.facts_after
    shown = [d for s in before + after for d in (s.start, s.end)] + [filed_on]
    if decision.deadline:
        shown.append(decision.deadline)
    first, last = Quarter.of(min(shown)).start, Quarter.of(max(shown)).end
    days = (last - first).days + 1

    def x(day: date) -> float:
        return round(CHART_LEFT + (day - first).days / days * CHART_WIDTH, 1)

    def width(start: date, end: date) -> float:
        return max(round(((end - start).days + 1) / days * CHART_WIDTH, 1), 2.5)

    quarters = []
    quarter = Quarter.of(first)
    while quarter.start <= last:
        quarters.append(
            {
                "label": str(quarter),
                "x": x(quarter.start),
                "width": width(quarter.start, quarter.end),
                "shade": len(quarters) % 2 == 0,
            }
        )
        quarter = quarter.next()
    for q in quarters:
        q["labelled"] = q["width"] >= 66  # names only where they fit; the tables give every date
        q["text_x"] = round(q["x"] + 3, 1)

    before_by_id = {s.id: s for s in before}
    after_by_id = {s.id: s for s in after}
    changed_ids = {
        i
        for i in before_by_id.keys() | after_by_id.keys()
        if before_by_id.get(i) != after_by_id.get(i)
    }

    def periods_table(periods):
        rows = []
        for number, period in enumerate(periods, 1):
            exit_date = period.exit_as_of(filed_on)
            rows.append(
                {
                    "number": number,
                    "participation": period.participation,
                    "last_end": period.last_end,
                    "participation_quarter": Quarter.of(period.participation),
                    "exit": exit_date,
                    "exit_quarter": Quarter.of(exit_date) if exit_date else None,
                    "services": len(period.services),
                }
            )
        return rows

    lanes = []
    shown_lanes = (
        ("Before", before, decision.periods_before),
        ("After", after, decision.periods_after),
    )
    if not compare:
        shown_lanes = (("Services", before, decision.periods_before),)
    for number, (name, services, periods) in enumerate(shown_lanes):
        top = 22 + number * LANE_HEIGHT
        lanes.append(
            {
                "name": name,
                "label_y": top + 16,
                "period_y": top,
                "service_y": top + 18,
                "periods": [
                    {
                        "x": x(p.participation),
                        "width": width(p.participation, p.last_end),
                        "exit_x": x(p.exit_as_of(filed_on)) + width(p.last_end, p.last_end)
                        if p.exit_as_of(filed_on)
                        else None,
                    }
                    for p in periods
                ],
                "services": [
                    {
                        "x": x(s.start),
                        "width": width(s.start, s.end),
                        "counted": s.counted,
                        "changed": s.id in changed_ids,
                    }
                    for s in sorted(services, key=lambda s: (s.start, s.id))
                ],
            }
        )

    def period_numbers(periods) -> dict[str, int]:
        """Service id -> the number of the period it falls in (read once, not once per row)."""
        return {
            service_id: number
            for number, period in reversed(list(enumerate(periods, 1)))
            for service_id in period.service_ids
        }

    period_before, period_after = (
        period_numbers(decision.periods_before),
        period_numbers(decision.periods_after),
    )

    names = {str(s.pk): s.service_type.name for s in precheck.services}
    ordered = sorted(
        before_by_id.keys() | after_by_id.keys(),
        key=lambda i: ((before_by_id.get(i) or after_by_id[i]).start, i),
    )
    rows = []
    for service_id in ordered:
        old, new = before_by_id.get(service_id), after_by_id.get(service_id)
        rows.append(
            {
                "name": names.get(service_id) or (new or old).type.replace("_", " ").capitalize(),
                "before": old,
                "after": new,
                "counted_before": old.counted if old else None,
                "counted_after": new.counted if new else None,
                "change": "added"
                if old is None
                else "deleted"
                if new is None
                else "modified"
                if old != new
                else "",
                "period_before": period_before.get(service_id),
                "period_after": period_after.get(service_id),
            }
        )
    period_tables = [
        ("before the change", periods_table(decision.periods_before)),
        ("after the change", periods_table(decision.periods_after)),
    ]
    if not compare:
        period_tables = [("", periods_table(decision.periods_before))]
    return {
        "compare": compare,
        "view_width": CHART_LEFT + CHART_WIDTH + 8,
        "height": 22 + len(lanes) * LANE_HEIGHT + 6,
        "chart_left": CHART_LEFT,
        "quarters": quarters,
        "lanes": lanes,
        "rows": rows,
        "period_tables": period_tables,
        "first": first,
        "last": last,
        "filed_x": x(filed_on),
        "deadline_x": x(decision.deadline) + width(decision.deadline, decision.deadline)
        if decision.deadline
        else None,
        "bottom": 22 + len(lanes) * LANE_HEIGHT,
    }
