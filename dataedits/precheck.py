"""The pre-check of a data-edit ticket: the seeker's services and the ticket's change in the
rules' terms (dataedits/rules.py), the decision in sentences, and the timeline drawn from it.

A pre-check is kept with its ticket (`Precheck.as_json()`): the reviewers see the verdict and the
timeline exactly as the filer saw them (`stored_precheck`), whatever changed since.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.text import capfirst

from .models import ChangeKind, DataEditTicket, Service
from .rules import (
    FILING_DAYS_AFTER_QUARTER,
    AddService,
    Change,
    CorrectSeekerData,
    Decision,
    DeleteService,
    ModifyService,
    Paperwork,
    Quarter,
    Reason,
    RecordSkillsGain,
    ServiceFact,
    apply_change,
    decide,
    periods_of,
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
    """A decision with the services it was made on, before and after the change, and their names."""

    decision: Decision
    facts_before: list[ServiceFact]
    facts_after: list[ServiceFact]
    names: dict[str, str]
    # The change in the rules' terms (None when incomplete, or for a pre-check kept as it was drawn).
    change: Change | None = None

    def as_json(self) -> dict:
        """The decision (rules.Decision.as_json()) with what the timeline needs to be drawn again."""

        def facts(services: list[ServiceFact]) -> list[dict]:
            return [
                {
                    "id": s.id,
                    "type": s.type,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "counted": s.counted,
                }
                for s in services
            ]

        return self.decision.as_json() | {
            "filed_on": self.decision.filed_on.isoformat(),
            "services_before": facts(self.facts_before),
            "services_after": facts(self.facts_after),
            "names": self.names,
        }


def stored_precheck(data: dict) -> Precheck | None:
    """The pre-check kept with a ticket, as it was drawn; None if it was kept without its services
    (older tickets), or is not a pre-check at all."""
    try:
        filed_on = date.fromisoformat(data["filed_on"])
        before, after = (
            [
                ServiceFact(
                    str(s["id"]),
                    str(s["type"]),
                    date.fromisoformat(s["start"]),
                    date.fromisoformat(s["end"]),
                    bool(s["counted"]),
                )
                for s in data[key]
            ]
            for key in ("services_before", "services_after")
        )
        deadline = date.fromisoformat(data["deadline"]) if data.get("deadline") else None
        reasons = tuple(Reason(code) for code in data.get("reasons", []))
        names = {str(k): str(v) for k, v in data.get("names", {}).items()}
    except (KeyError, TypeError, ValueError):
        return None
    # The periods follow from the services by the same pure rule that drew them.
    decision = Decision(
        filed_on=filed_on,
        reasons=reasons,
        deadline=deadline,
        periods_before=tuple(periods_of(before)),
        periods_after=tuple(periods_of(after)),
    )
    return Precheck(decision, before, after, names)


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
    decision = decide(facts, change, filed_on=filed_on, paperwork=paperwork)
    after = apply_change(facts, change) if change else facts
    names = {str(s.pk): s.service_type.name for s in services}
    if isinstance(change, AddService) and ticket.new_service_type is not None:
        names[NEW_SERVICE_ID] = ticket.new_service_type.name
    return Precheck(decision, facts, after, names, change)


# ---------------------------------------------------------------------------------------------
# The decision in sentences (the reason codes stay in the JSON and in `data-reason` attributes)


def quarter_end_of(deadline: date) -> date:
    """The applicable quarter's last day, from the deadline 20 days after it."""
    return deadline - timedelta(days=FILING_DAYS_AFTER_QUARTER)


def _md(day: date) -> str:
    return f"{day:%m/%d/%Y}"


def reason_sentence(reason: Reason, decision: Decision) -> str:
    """Why the request would be denied, as a clause that follows "This would be denied:"."""
    deadline, filed_on = decision.deadline, decision.filed_on
    match reason:
        case Reason.PAST_DEADLINE if deadline is not None:
            return (
                f"it is filed after {_md(deadline)}, {FILING_DAYS_AFTER_QUARTER} days after the "
                f"quarter ended ({_md(quarter_end_of(deadline))})."
            )
        case Reason.FUTURE_SERVICE:
            return (
                f"it dates a service after {_md(filed_on)}, the day it is filed: only services "
                "actually delivered are entered."
            )
    return SENTENCES[reason]


SENTENCES = {
    Reason.PAST_DEADLINE: "it is filed more than 20 days after the applicable quarter ended.",
    Reason.FUTURE_SERVICE: "it dates a service after the day it is filed.",
    Reason.REMOVES_PERIOD: "a period of participation would disappear.",
    Reason.SPLITS_PERIOD: (
        "a period of participation would split in two, making a new period in which services "
        "were already provided."
    ),
    Reason.MERGES_PERIODS: (
        "two periods of participation would become one, and an exit already determined would "
        "disappear."
    ),
    Reason.CREATES_PERIOD: "the added service alone would open a new period of participation.",
    Reason.ENTRY_QUARTER_CHANGED: "a participation date would move to another quarter.",
    Reason.EXIT_QUARTER_CHANGED: (
        "an exit already determined would move to another quarter, or disappear."
    ),
    Reason.MISSING_JUSTIFICATION: "it gives no justification.",
    Reason.MISSING_FIELD: (
        "a required field is empty: what is wrong, what is right, or the change itself."
    ),
    Reason.NO_SUPPORTING_CASE_NOTE: "no supporting case note or document is attached.",
}


def reason_sentences(reasons: Iterable[Reason], decision: Decision) -> str:
    """The reasons as sentences of their own, for a message."""
    return " ".join(capfirst(reason_sentence(r, decision)) for r in reasons)


def verdict(decision: Decision) -> dict:
    """The pre-check's verdict for the page: a sentence, and each reason as a sentence with its code."""
    reasons = [(str(r), reason_sentence(r, decision)) for r in decision.reasons]
    if decision.approved:
        deadline = decision.deadline
        within = (
            f" it is filed by {_md(deadline)}, {FILING_DAYS_AFTER_QUARTER} days after the quarter "
            f"ended ({_md(quarter_end_of(deadline))}), and"
            if deadline is not None and deadline != date.max
            else ""
        )
        text = (
            f"This would be approved:{within} it changes no period of participation and no "
            "participation or exit quarter."
        )
    elif len(reasons) == 1:
        text = f"This would be denied: {reasons[0][1]}"
    else:
        text = f"This would be denied, for {len(reasons)} reasons:"
    return {"approved": decision.approved, "text": text, "reasons": reasons}


# What the pre-check checks, said before anything is chosen.
CHECKS = (
    f"that the request reaches the state within {FILING_DAYS_AFTER_QUARTER} days after the end of "
    "the quarter it touches",
    "that no service is dated after the day it is filed",
    "that no period of participation appears, disappears, splits or merges, and that no "
    "participation or exit date moves to another quarter",
    "that it says what is wrong and what is right, gives a justification, and is supported by a "
    "case note or a document",
)


# ---------------------------------------------------------------------------------------------
# The timeline: services and periods before and after the change, drawn and tabled

CHART_LEFT = 72  # room for the lanes' names
CHART_WIDTH = 520
LANE_HEIGHT = 44
AXIS_TOP = 22  # the quarter labels above the lanes
MARKER_ROWS = 30  # the filing date's and the deadline's names below the lanes
# At most this many bands on the axis: beyond it, each band is a number of whole program years.
MAX_BANDS = 12
# Bars closer than this (in the figure's units) are drawn as one mark: the number of marks is
# bounded by the figure's width, whatever the number of services or the span of their dates.
MERGE_GAP = 1.0


def _axis_bands(first: date, last: date) -> list[tuple[date, date, str]]:
    """The axis's bands: every quarter when few, else groups of whole program years."""
    # Counted without listing them: a span of centuries must not make a list of its quarters.
    first_q, last_q = Quarter.of(first), Quarter.of(last)
    count = (last_q.program_year - first_q.program_year) * 4 + last_q.number - first_q.number + 1
    if count <= MAX_BANDS:
        quarters, quarter = [], first_q
        for _ in range(count):
            quarters.append((quarter.start, quarter.end, str(quarter)))
            quarter = quarter.next()
        return quarters
    years_per_band = max(1, math.ceil((last_q.program_year - first_q.program_year + 1) / MAX_BANDS))
    bands = []
    year = first_q.program_year
    while year <= last_q.program_year:
        end_year = min(year + years_per_band - 1, last_q.program_year)
        start, end = Quarter(year, 1).start, Quarter(end_year, 4).end
        label = f"PY{year}" if end_year == year else f"PY{year}–{end_year}"
        bands.append((max(start, first), min(end, last), label))
        year = end_year + 1
    return bands


def _merged(marks: list[dict], *keys: str) -> list[dict]:
    """Marks in order of `x`, those of the same kind that touch drawn as one."""
    merged: list[dict] = []
    for mark in sorted(marks, key=lambda m: m["x"]):
        previous = next(
            (m for m in reversed(merged) if all(m[k] == mark[k] for k in keys)),
            None,
        )
        if previous is not None and mark["x"] <= previous["x"] + previous["width"] + MERGE_GAP:
            right = max(previous["x"] + previous["width"], mark["x"] + mark["width"])
            previous["width"] = round(right - previous["x"], 1)
            previous["count"] += 1
            continue
        merged.append(mark | {"count": 1})
    return merged


def timeline(precheck: Precheck, *, filed_on: date, compare: bool = True) -> dict:
    """The timeline figure's geometry and its text equivalent (one table row per service).

    The figure spans whole quarters from the earliest date shown to the latest (filing date and
    deadline included), on an axis of labelled program-year quarters (or whole program years, for
    a long span). Each lane shows the periods of participation (with the exit, once determined on
    the filing date) above the services, before and after the change; the filing date and the
    deadline are marked and named. The number of marks is bounded, whatever the span.
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

    bands = []
    for number, (start, end, label) in enumerate(_axis_bands(first, last)):
        band = {"label": label, "x": x(start), "width": width(start, end), "shade": number % 2 == 0}
        # Names only where they fit; the tables and the description give every date.
        band["labelled"] = band["width"] >= 7.5 * len(label)
        band["text_x"] = round(band["x"] + 3, 1)
        bands.append(band)

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
        top = AXIS_TOP + number * LANE_HEIGHT
        period_marks = [
            {
                "x": x(p.participation),
                "width": width(p.participation, p.last_end),
                "exit": p.exit_as_of(filed_on) is not None,
            }
            for p in periods
        ]
        for mark in period_marks:
            mark["exit_x"] = round(mark["x"] + mark["width"], 1) if mark["exit"] else None
        lanes.append(
            {
                "name": name,
                "label_y": top + 16,
                "period_y": top,
                "service_y": top + 18,
                "periods": _merged(period_marks, "exit"),
                "services": _merged(
                    [
                        {
                            "x": x(s.start),
                            "width": width(s.start, s.end),
                            "counted": s.counted,
                            "changed": s.id in changed_ids,
                        }
                        for s in services
                    ],
                    "counted",
                    "changed",
                ),
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

    ordered = sorted(
        before_by_id.keys() | after_by_id.keys(),
        key=lambda i: ((before_by_id.get(i) or after_by_id[i]).start, i),
    )
    rows = []
    for service_id in ordered:
        old, new = before_by_id.get(service_id), after_by_id.get(service_id)
        rows.append(
            {
                "name": precheck.names.get(service_id)
                or (new or old).type.replace("_", " ").capitalize(),
                "before": old,
                "after": new,
                "counted": (new or old).counted,
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
    bottom = AXIS_TOP + len(lanes) * LANE_HEIGHT
    deadline = decision.deadline
    return {
        "compare": compare,
        "view_width": CHART_LEFT + CHART_WIDTH + 8,
        "height": bottom + MARKER_ROWS,
        "chart_left": CHART_LEFT,
        "quarters": bands,
        "lanes": lanes,
        "rows": rows,
        "period_tables": period_tables,
        "first": first,
        "last": last,
        "by_year": " Q" not in bands[0]["label"],
        "first_band": bands[0]["label"],
        "last_band": bands[-1]["label"],
        "filed_on": filed_on,
        "filed_x": x(filed_on),
        "deadline": deadline,
        "deadline_x": round(x(deadline) + width(deadline, deadline), 1) if deadline else None,
        "bottom": bottom,
        # The markers' names, below the lanes, each on its own row so that they never overlap;
        # anchored to stay inside the figure.
        "filed_label_y": bottom + 12,
        "deadline_label_y": bottom + 26,
        "filed_anchor": _anchor(x(filed_on)),
        "deadline_anchor": _anchor(x(deadline)) if deadline else "start",
    }


def _anchor(at: float) -> str:
    """Where a marker's name sits against its line, so that it stays inside the figure."""
    if at > CHART_LEFT + CHART_WIDTH * 0.7:
        return "end"
    return "start"
