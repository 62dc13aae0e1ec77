"""Field-by-field checks of what a sending system sends, shared by the API and the bulk load.

Each check answers the cleaned values and, per field, the messages a program can read. A message
never repeats the value it refuses: the value may be an SSN typed into the wrong field.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from access.models import Office
from participants.crypto import normalize_ssn
from portal.errors import PortalError
from portal.text import checked_line, phone_number, zip_code

# Ids the sending systems issue: letters, digits and a few separators, never free text.
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# What a field's name looks like; anything else (a CSV's first row of data taken as its header:
# names, an SSN) is never repeated back in a refusal.
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
UNKNOWN_FIELD = "(a field that is not a field's name)"
EARLIEST_BIRTH = date(1900, 1, 1)
# The UI claim's opt-out choice exists since the data sharing policy (seed 002).
EARLIEST_SELECTION = date(2000, 1, 1)

REGISTRATION_LINES = {
    # field: (label, required, limit)
    "first_name": ("the first name", True, 100),
    "middle_name": ("the middle name", False, 100),
    "last_name": ("the last name", True, 100),
    "address_line1": ("the address", False, 200),
    "address_line2": ("the address (line 2)", False, 200),
    "city": ("the city", False, 100),
}
REGISTRATION_FIELDS = (
    "registration_id",
    *REGISTRATION_LINES,
    "date_of_birth",
    "ssn",
    "phone",
    "email",
    "state",
    "zip_code",
    "office",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATE = re.compile(r"^[A-Za-z]{2}$")


class Invalid(PortalError):
    """What was sent fails field-by-field checks: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("The request has invalid fields.", code="invalid")
        self.errors = errors


@dataclass
class _Checker:
    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.refuse(name, "Send text.")
            return ""
        return value.strip()

    def line(self, name: str, label: str, required: bool, limit: int) -> str:
        try:
            return checked_line(self.text(name), label=label, required=required, limit=limit)
        except PortalError as exc:
            self.refuse(name, exc.message)
            return ""

    def external_id(self, name: str, *, required: bool) -> str:
        value = self.text(name)
        if not value:
            if required:
                self.refuse(name, "Send this id.")
            return ""
        if not EXTERNAL_ID.fullmatch(value):
            self.refuse(name, "An id has 1 to 64 letters, digits, dots, colons, dashes or _.")
            return ""
        if normalize_ssn(value):
            self.refuse(name, "An id must not be an SSN.")
            return ""
        return value

    def ssn(self, name: str = "ssn") -> str | None:
        digits = normalize_ssn(self.text(name))
        if self.text(name) and digits is None:
            self.refuse(name, "An SSN has nine digits, with or without dashes (###-##-####).")
        return digits

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for name in sorted(set(self.data) - set(allowed)):
            shown = name if FIELD_NAME.fullmatch(str(name)) else UNKNOWN_FIELD
            self.refuse(shown, "This field is not part of the request.")


def registration_clean(data: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """The registration id, the seeker's fields that were sent and the SSN's nine digits;
    Invalid otherwise."""
    check = _Checker(data)
    check.unknown(REGISTRATION_FIELDS)
    registration_id = check.external_id("registration_id", required=True)
    fields: dict[str, Any] = {
        name: check.line(name, label, required, limit)
        for name, (label, required, limit) in REGISTRATION_LINES.items()
    }
    birth = check.text("date_of_birth")
    fields["date_of_birth"] = None
    if birth:
        parsed = _date(birth)
        if parsed is None:
            check.refuse("date_of_birth", "Send the date as YYYY-MM-DD.")
        elif not EARLIEST_BIRTH <= parsed <= timezone.localdate():
            check.refuse("date_of_birth", "The date of birth is not a possible one.")
        else:
            fields["date_of_birth"] = parsed
    phone = check.text("phone")
    fields["phone"] = phone_number(phone) or "" if phone else ""
    if phone and not fields["phone"]:
        check.refuse("phone", "A phone number has 10 digits, such as (360) 555-0100.")
    email = check.text("email")
    if email and (len(email) > 254 or not EMAIL.match(email)):
        check.refuse("email", "Send an email address such as name@example.org.")
    fields["email"] = email
    state = check.text("state")
    if state and not STATE.match(state):
        check.refuse("state", "A state is its two-letter code, such as WA.")
    fields["state"] = state.upper()
    zip_value = check.text("zip_code")
    if zip_value and zip_code(zip_value) is None:
        check.refuse("zip_code", "A ZIP code has 5 digits, or 9 as 12345-6789.")
    fields["zip_code"] = zip_value
    office = check.line("office", "the office", False, 200)
    fields["office"] = None
    if office:
        found = Office.objects.filter(name=office).values_list("pk", flat=True).first()
        if found is None:
            check.refuse("office", "No office of the portal has this name.")
        fields["office"] = found
    ssn = check.ssn()
    if check.errors:
        raise Invalid(check.errors)
    # Only what was sent: an update changes the fields it carries and keeps the others (a field
    # sent empty or null is cleared; the bulk load sends no empty CSV cell, so it keeps them too).
    return registration_id, {name: value for name, value in fields.items() if name in data}, ssn


SELECTION_FIELDS = ("claim_id", "ssn", "registration_id", "opted_out", "when")


@dataclass(frozen=True)
class Selection:
    claim_id: str
    ssn: str | None
    registration_id: str
    opted_out: bool
    when: datetime


def opt_out_selection_clean(data: dict[str, Any]) -> Selection:
    """The claimant's choice in the UI claim, checked; Invalid otherwise."""
    check = _Checker(data)
    check.unknown(SELECTION_FIELDS)
    claim_id = check.external_id("claim_id", required=True)
    ssn = check.ssn()
    registration_id = check.external_id("registration_id", required=False)
    if not ssn and not registration_id and "ssn" not in check.errors:
        check.refuse("ssn", "Send the claimant's SSN or their registration id.")
    opted_out = data.get("opted_out")
    if not isinstance(opted_out, bool):
        check.refuse("opted_out", "Send true (opted out) or false (shares data).")
    when = _moment(check.text("when")) if isinstance(data.get("when"), str) else None
    if when is None:
        check.refuse("when", "Send when the choice was made, as an ISO 8601 date or date-time.")
    elif when > timezone.now() or when.date() < EARLIEST_SELECTION:
        check.refuse("when", "The choice cannot be in the future, nor before the year 2000.")
    if check.errors:
        raise Invalid(check.errors)
    assert when is not None and isinstance(opted_out, bool)
    return Selection(claim_id, ssn, registration_id, opted_out, when)


def _date(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:  # well formed, impossible: 2026-02-30
        return None


def _moment(value: str) -> datetime | None:
    """A date-time with its offset, or a date (its start, in the state's time zone)."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        day = _date(value)
        if day is None:
            return None
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
