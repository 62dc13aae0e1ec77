"""Reads one pre-check case (the JSON of `manage.py dataedit_precheck`) into the rules' terms.

Input: {"filed_on": "YYYY-MM-DD",
        "services": [{"id": "...", "type": "<code>", "start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, ...],
        "change": {"action": "delete", "service": "<id>"}
                | {"action": "add", "service": {...a service as above}}
                | {"action": "modify", "service": "<id>", "set": {"type"?, "start"?, "end"?}},
        "justification"?: "<text>", "supporting_notes"?: <count>, "documents"?: <count>}
The last three are the paperwork the portal's ticket form checks; given (any of them), the
decision checks it as the form does; left out, the decision is on the dates alone.
Every refusal names the place in the input that is wrong.
"""

import re
from datetime import date

from .rules import (
    AddService,
    Change,
    ChangeError,
    DeleteService,
    ModifyService,
    Paperwork,
    ServiceFact,
    apply_change,
)

PAPERWORK = {"justification", "supporting_notes", "documents"}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CaseError(ValueError):
    """The case cannot be read; the message says where and why."""


def _object(value, where: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        raise CaseError(f"{where}: expected an object.")
    missing = sorted(required - value.keys())
    if missing:
        raise CaseError(f"{where}: missing {', '.join(repr(k) for k in missing)}.")
    unknown = sorted(value.keys() - required - optional)
    if unknown:
        raise CaseError(f"{where}: unknown field(s) {', '.join(repr(k) for k in unknown)}.")
    return value


def _date(value, where: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise CaseError(f"{where}: {value!r} is not a date written YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CaseError(f"{where}: {value!r} is not a date on the calendar.") from None


def _id(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise CaseError(f"{where}: a service id is a non-empty string.")
    return str(value)


def _type(value, where: str, catalog: dict[str, bool]) -> tuple[str, bool]:
    if value not in catalog:
        raise CaseError(
            f"{where}: unknown service type {value!r}; known types: {', '.join(sorted(catalog))}."
        )
    return value, catalog[value]


def _service(value, where: str, catalog: dict[str, bool]) -> ServiceFact:
    data = _object(value, where, {"id", "type", "start", "end"})
    type_, counted = _type(data["type"], f"{where}.type", catalog)
    start, end = _date(data["start"], f"{where}.start"), _date(data["end"], f"{where}.end")
    if end < start:
        raise CaseError(f"{where}: the end date {end} is before the start date {start}.")
    return ServiceFact(
        id=_id(data["id"], f"{where}.id"), type=type_, start=start, end=end, counted=counted
    )


def _count(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CaseError(f"{where}: expected a count (a whole number, 0 or more).")
    return value


def _paperwork(data: dict) -> Paperwork | None:
    if not PAPERWORK & data.keys():
        return None
    justification = data.get("justification", "")
    if not isinstance(justification, str):
        raise CaseError("justification: expected text.")
    return Paperwork(
        what_is_wrong=None,
        what_is_right=None,
        justification=justification,
        supporting_case_notes=_count(data.get("supporting_notes", 0), "supporting_notes"),
        supporting_documents=_count(data.get("documents", 0), "documents"),
    )


def read_case(
    data, catalog: dict[str, bool]
) -> tuple[date, list[ServiceFact], Change, Paperwork | None]:
    """The filing date, services, change and paperwork (None if not given) of one case.

    `catalog` maps type codes to whether the type counts toward participation.
    """
    data = _object(data, "the case", {"filed_on", "services", "change"}, PAPERWORK)
    filed_on = _date(data["filed_on"], "filed_on")
    if not isinstance(data["services"], list):
        raise CaseError("services: expected a list of services.")
    services = [_service(s, f"services[{n}]", catalog) for n, s in enumerate(data["services"])]
    seen: set[str] = set()
    for n, service in enumerate(services):
        if service.id in seen:
            raise CaseError(f"services[{n}].id: the id {service.id!r} is used twice.")
        seen.add(service.id)

    raw = data["change"]
    if not isinstance(raw, dict) or raw.get("action") not in {"delete", "add", "modify"}:
        raise CaseError('change.action: expected "delete", "add" or "modify".')
    if raw["action"] == "delete":
        _object(raw, "change", {"action", "service"})
        change = DeleteService(_id(raw["service"], "change.service"))
    elif raw["action"] == "add":
        _object(raw, "change", {"action", "service"})
        change = AddService(_service(raw["service"], "change.service", catalog))
    else:
        _object(raw, "change", {"action", "service", "set"})
        values = _object(raw["set"], "change.set", set(), {"type", "start", "end"})
        if not values:
            raise CaseError('change.set: name at least one of "type", "start" or "end".')
        type_, counted = (
            _type(values["type"], "change.set.type", catalog) if "type" in values else (None, None)
        )
        change = ModifyService(
            _id(raw["service"], "change.service"),
            type=type_,
            counted=counted,
            start=_date(values["start"], "change.set.start") if "start" in values else None,
            end=_date(values["end"], "change.set.end") if "end" in values else None,
        )
    try:
        apply_change(services, change)
    except ChangeError as exc:
        raise CaseError(f"change: {exc}") from None
    return filed_on, services, change, _paperwork(data)
