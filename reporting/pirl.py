"""The extract's layout: the U.S. Department of Labor's Participant Individual Record Layout
(PIRL, form ETA-9172) for the elements the portal holds, then the portal's own columns.

PIRL's headers carry the element's number and name as the layout spells them; its dates are
written YYYYMMDD. Elements the portal does not hold (sex, ethnicity, veteran status, employment
at entry, wages, credentials, ...) are not in the file: see the README for the list. The program
participation elements (903, 904, 905, 918) carry 1 for the row's program and are left blank
for the others: PIRL's finer code values (which kinds of services were received) are not derived.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from dataedits.models import Program
from dataedits.rules import Quarter

OBS_NUMBER = "OBS Number"
UNIQUE_IDENTIFIER = "PIRL 100 Unique Individual Identifier (WIOA)"
STATE_OF_RESIDENCE = "PIRL 101 State Code of Residence (WIOA)"
ZIP_OF_RESIDENCE = "PIRL 103 Zip Code of Residence"
DATE_OF_BIRTH = "PIRL 200 Date of Birth"
PROGRAM_ENTRY = "PIRL 900 Date of Program Entry (WIOA)"
PROGRAM_EXIT = "PIRL 901 Date of Program Exit (WIOA)"
PROGRAM_ELEMENTS = {
    Program.ADULT: "PIRL 903 Adult (WIOA)",
    Program.DISLOCATED_WORKER: "PIRL 904 Dislocated Worker (WIOA)",
    Program.YOUTH: "PIRL 905 Youth (WIOA)",
    Program.WAGNER_PEYSER: "PIRL 918 Wagner-Peyser Employment Service (WIOA)",
}
# The portal's own columns, after PIRL's: not PIRL elements.
PROGRAM = "Program"
ENTRY_QUARTER = "Quarter of program entry"
EXIT_QUARTER = "Quarter of program exit"
SERVICES_PREFIX = "Counted services in the quarter: "


def pirl_date(day: date | None) -> str:
    return f"{day:%Y%m%d}" if day else ""


def zip5(zip_code: str) -> str:
    """PIRL's five-digit ZIP code (a ZIP+4 loses its four; anything else is left blank)."""
    head = zip_code.strip()[:5]
    return head if len(head) == 5 and head.isdigit() else ""


def header(service_types: Sequence[Sequence[str]]) -> list[str]:
    return [
        OBS_NUMBER,
        UNIQUE_IDENTIFIER,
        STATE_OF_RESIDENCE,
        ZIP_OF_RESIDENCE,
        DATE_OF_BIRTH,
        PROGRAM_ENTRY,
        PROGRAM_EXIT,
        *PROGRAM_ELEMENTS.values(),
        PROGRAM,
        ENTRY_QUARTER,
        EXIT_QUARTER,
        *(SERVICES_PREFIX + name for _, name in service_types),
        SERVICES_PREFIX + "all types",
    ]


def record(obs: int, figure: Any, service_types: Sequence[Sequence[str]]) -> list[str | int]:
    """One PIRL record: a QuarterFigure (or a figure worked out now, of the same shape)."""
    services = figure.services
    return [
        f"{obs:09d}",
        figure.customer_id,
        figure.state,
        zip5(figure.zip_code),
        pirl_date(figure.date_of_birth),
        pirl_date(figure.entry_date),
        pirl_date(figure.exit_date),
        *("1" if program == figure.program else "" for program in PROGRAM_ELEMENTS),
        Program(figure.program).label,
        str(Quarter.of(figure.entry_date)),
        str(Quarter.of(figure.exit_date)) if figure.exit_date else "",
        *(services.get(code, 0) for code, _ in service_types),
        sum(services.values()),
    ]


def records(
    figures: Iterable[Any], service_types: Sequence[Sequence[str]]
) -> Iterator[Sequence[str | int]]:
    yield header(service_types)
    for obs, figure in enumerate(figures, 1):
        yield record(obs, figure, service_types)
