"""Test data for the data-edit tests: services, case notes and tickets written straight to the
database (the services under test are called by the tests themselves)."""

from datetime import date, datetime

from django.utils import timezone

from dataedits.catalog import catalog_ensure
from dataedits.models import (
    CaseNote,
    ChangeKind,
    DataEditTicket,
    Program,
    Service,
    ServiceType,
    TicketState,
)
from dataedits.rules import Reason
from dataedits.services import service_snapshot

# What a filer confirms on the submit page of a ticket the pre-check would deny: every reason it
# gave (a test that submits such a ticket on purpose confirms them all).
ALL_REASONS = [str(reason) for reason in Reason]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def service_type(code: str) -> ServiceType:
    # A transactional test (the browser tests) empties every table, the migrated catalog too.
    catalog_ensure()
    return ServiceType.objects.get(code=code)


def add_service(
    participant,
    code,
    start: date,
    end: date | None = None,
    *,
    office,
    by,
    program=Program.ADULT,
    entered_at: datetime | None = None,
    is_late=False,
) -> Service:
    return Service.objects.create(
        participant=participant,
        service_type=service_type(code),
        program=program,
        start_date=start,
        end_date=end or start,
        office=office,
        entered_by=by,
        entered_at=entered_at or timezone.now(),
        is_late=is_late,
    )


def add_note(
    participant,
    *,
    by,
    office,
    contact: date,
    text="Met with the seeker.",
    entered_at=None,
    is_late=False,
) -> CaseNote:
    return CaseNote.objects.create(
        participant=participant,
        contact_date=contact,
        text=text,
        office=office,
        author=by,
        entered_at=entered_at or timezone.now(),
        is_late=is_late,
    )


def seed_example_services(participant, *, office, by, with_example_2=False) -> dict[str, Service]:
    """Seed 004's services (example 1 and 3; with the three later ones for example 2)."""
    rows = {
        "ia": ("initial_assessment", date(2020, 6, 3), None),
        "cg": ("career_guidance", date(2020, 6, 3), None),
        "ost": ("occupational_skills_training", date(2020, 6, 14), date(2020, 9, 18)),
        "wpa": ("workforce_preparation", date(2020, 10, 20), None),
    }
    if with_example_2:
        rows |= {
            "cg2": ("career_guidance", date(2021, 1, 20), None),
            "we": ("work_experience", date(2021, 2, 3), date(2021, 4, 21)),
            "wpa2": ("workforce_preparation", date(2021, 5, 27), None),
        }
    return {
        key: add_service(participant, code, start, end, office=office, by=by)
        for key, (code, start, end) in rows.items()
    }


def make_ticket(
    participant,
    *,
    by,
    office,
    kind=ChangeKind.DELETE_SERVICE,
    service=None,
    status=TicketState.DRAFT,
    note=None,
    **fields,
) -> DataEditTicket:
    """A complete ticket (what is wrong, what is right, justification, a supporting note)."""
    program = fields.pop("new_program", "") or (service.program if service else Program.ADULT)
    ticket = DataEditTicket.objects.create(
        participant=participant,
        office=office,
        filed_by=by,
        kind=kind,
        service=service,
        status=status,
        title="title_iii" if program == Program.WAGNER_PEYSER else "title_i",
        service_snapshot=service_snapshot(service) if service else {},
        new_program=program
        if kind in (ChangeKind.ADD_SERVICE, ChangeKind.CORRECT_SEEKER_DATA)
        else "",
        what_is_wrong=fields.pop("what_is_wrong", "The service was entered in error."),
        what_is_right=fields.pop("what_is_right", "No such service was provided."),
        justification=fields.pop("justification", "The case notes show the seeker did not attend."),
        **fields,
    )
    note = note or add_note(participant, by=by, office=office, contact=date(2020, 10, 20))
    ticket.supporting_notes.add(note)
    return ticket
