"""Dates a person enters are bounded by sense: no year 1 or 9999 reaches a record.

Every date field of every form refuses a date before 1900 or after 2099 (portal.forms applies
it), so a typo cannot make a period of participation in PY1998 or a quarter in year 10000.
Fields and services ask tighter bounds of their own: no service or contact before the seeker was
born, none in the future, no end date more than a few years ahead.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from .errors import PortalError

EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)
SENSELESS_MESSAGE = "Enter a date between 01/01/1900 and 12/31/2099: check the year."


def years_after(day: date, years: int) -> date:
    """The same day `years` later (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def refuse_senseless_date(value) -> None:
    """Form validator for every date and date-and-time field."""
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(SENSELESS_MESSAGE, code="senseless_date")


def checked_date(
    value: date,
    *,
    label: str,
    earliest: date | None = None,
    latest: date | None = None,
    earliest_why: str = "",
    latest_why: str = "",
) -> date:
    """`value` if it lies within sense and the bounds given; PortalError saying why otherwise."""
    if not EARLIEST <= value <= LATEST:
        raise PortalError(f"{label.capitalize()}: {SENSELESS_MESSAGE}", code="senseless_date")
    if earliest is not None and value < earliest:
        raise PortalError(
            f"{label.capitalize()} is before {earliest:%m/%d/%Y}{earliest_why}.",
            code="date_too_early",
        )
    if latest is not None and value > latest:
        raise PortalError(
            f"{label.capitalize()} is after {latest:%m/%d/%Y}{latest_why}.", code="date_too_late"
        )
    return value


def shown(moment: datetime, *, time_only: bool = False) -> str:
    """A moment as every page writes it, in the state's time: 12/01/2026 4:05 PM (or 4:05 PM).

    For text written in Python (emails, messages, notices); templates use the same formats
    through Django's `date` filter (settings.FORMAT_MODULE_PATH).
    """
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return formats.date_format(local, "TIME_FORMAT" if time_only else "DATETIME_FORMAT")
