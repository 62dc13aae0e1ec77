"""No SSN in free text, in any spelling, and no control character in a single line: through the pages.

The refused posts run committed (a transactional test), and the database is dumped afterwards:
had any form stored any part of the refused input, the dump would show it.
"""

import subprocess
from datetime import date, timedelta
from io import StringIO

import pytest
from django import forms
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Report
from access.services import requester_designate
from audit.models import AuditEntry
from dataedits.models import CaseNote
from optout.services import opt_out_lookup
from portal.forms import USWDSFormMixin
from portal.text import SSN_MESSAGE, contains_ssn, redact_ssns, refuse_ssn
from tests.dataedits.helpers import add_note, add_service

SPELLINGS = ["917-43-8265", "917 43 8265", "917.43.8265", "917438265"]


MIXED = [
    "917-43 8265",
    "917.43-8265",
    "917 - 43 - 8265",
    "917\u201343\u20138265",
    "917\u00a043\u00a08265",
    "917/43/8265",
    "917-438265",
]


@pytest.mark.parametrize("text", SPELLINGS + MIXED + [f"SSN {s}, called today" for s in SPELLINGS])
def test_every_spelling_of_an_ssn_is_found(text):
    assert contains_ssn(text) and "8265" not in redact_ssns(text)


@pytest.mark.parametrize(
    "text",
    [
        "98101-1234",
        "(360) 555-0100",
        "360-555-0100",
        "3605550100",
        "Ticket 12345678",
        "2024-11-22",
    ],
)
def test_zip_codes_phone_numbers_customer_ids_and_dates_are_not_taken_for_ssns(text):
    assert not contains_ssn(text)


def test_a_log_line_loses_even_a_zip_shaped_number():
    assert redact_ssns("typed 91743-8265 in the box") == "typed [SSN REDACTED] in the box"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form_cases(world):
    """(person, url, valid data, the free-text fields of that form) for the forms people type into."""
    today = timezone.localdate()
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    own = world.seekers["own"]
    service = add_service(
        own,
        "career_guidance",
        today - timedelta(days=3),
        office=world.office_a,
        by=world.partner_case_manager,
    )
    note = add_note(
        own, by=world.partner_case_manager, office=world.office_a, contact=today - timedelta(days=3)
    )
    lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["opted_out"].ssn)
    report = Report.objects.create(
        kind="records_request",
        reported_by=world.partner_case_manager,
        occurred_on=today,
        summary="Caller asked for records",
        details="By phone.",
    )
    record = {
        name: getattr(own, name) or ""
        for name in (
            "first_name",
            "middle_name",
            "last_name",
            "phone",
            "email",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
        )
    }
    return [
        (
            world.partner_case_manager,
            reverse("access:report_add"),
            {
                "kind": "records_request",
                "occurred_on": today.isoformat(),
                "summary": "Caller",
                "details": "Asked by phone.",
            },
            ["summary", "details"],
        ),
        (
            world.mis_admin,
            reverse("access:report_detail", args=[report.pk]),
            {"action": "review", "note": "Looking."},
            ["note"],
        ),
        (
            world.access_requester,
            reverse("access:request_add"),
            {
                "first_name": "Pat",
                "last_name": "Newhire",
                "email": "pat@example.org",
                "organization": world.partner.pk,
                "role": "case_manager",
                "offices": [world.office_a.pk],
                "training_completed_on": today.isoformat(),
                "supervisor_certified": "on",
            },
            ["first_name", "last_name"],
        ),
        (
            world.access_requester,
            reverse("access:request_disable"),
            {
                "staff": world.partner_case_manager.pk,
                "reason": "other",
                "reason_other": "Moved on",
                "effective_at": (timezone.localtime() + timedelta(days=2)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            },
            ["reason_other"],
        ),
        (
            world.mis_admin,
            reverse("access:contract_add"),
            {
                "organization": world.partner.pk,
                "kind": "service",
                "party": "lwdb",
                "number": "C-1",
                "effective_date": today.isoformat(),
                "expiry_date": (today + timedelta(days=365)).isoformat(),
                "business_case": "WIOA services.",
                "data_owner_name": "Dana Owner",
                "data_owner_signed_on": today.isoformat(),
            },
            ["number", "business_case", "data_owner_name"],
        ),
        (
            world.partner_case_manager,
            reverse("dataedits:case_note_create", args=[own.pk]),
            {"contact_date": today.isoformat(), "text": "Met with the seeker."},
            ["text"],
        ),
        (
            world.partner_case_manager,
            reverse("dataedits:ticket_create", args=[own.pk]),
            {
                "kind": "delete_service",
                "service": service.pk,
                "what_is_wrong": "Entered twice.",
                "what_is_right": "Once.",
                "justification": "Duplicate.",
                "supporting_notes": [note.pk],
                "subject": "Duplicate service",
                "need_type": "participant_data",
                "filer_phone": "3605550100",
            },
            ["what_is_wrong", "what_is_right", "justification", "subject"],
        ),
        (
            world.partner_case_manager,
            reverse("optout:request_file", args=[lookup.pk]),
            {
                "client_name": "Ophelia Optedout",
                "client_phone": "(360) 555-0100",
                "client_reason": "Wants services.",
            },
            ["client_name", "client_phone", "client_reason"],
        ),
        (
            world.esd_case_manager,
            reverse("participants:detail", args=[own.pk]),
            record,
            ["first_name", "last_name", "address_line1", "city", "phone"],
        ),
    ]


@pytest.mark.django_db(transaction=True)
def test_each_spelling_is_refused_in_each_free_text_form_and_nothing_of_it_is_stored(world):
    cases = form_cases(world)
    before = AuditEntry.objects.count()
    for person, url, data, fields in cases:
        client = signed_in(person)
        for field in fields:
            for spelling in SPELLINGS + MIXED[:2]:
                response = client.post(url, data | {field: f"See {spelling} for this"})
                assert response.status_code in (200, 400), f"{url} {field}: {response.status_code}"
                page = response.content.decode()
                assert SSN_MESSAGE in page or "phone number" in page, (
                    f"{url} {field} {spelling!r}: not refused"
                )
    assert AuditEntry.objects.count() == before  # nothing refused was audited either

    settings = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            settings["HOST"],
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for spelling in SPELLINGS + MIXED[:2]:
        assert spelling not in dump, f"{spelling!r} reached the database"


@pytest.mark.django_db
def test_a_line_break_in_a_single_line_field_is_refused_without_a_500_and_nothing_is_saved(
    world, mailoutbox
):
    client = signed_in(world.partner_case_manager)
    response = client.post(
        reverse("access:report_add"),
        {
            "kind": "security_breach",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "Laptop stolen\r\nBcc: someone@example.com",
            "details": "From the car.\r\nReported to police.",
        },
    )
    assert (
        response.status_code == 200
        and "Remove the line break or control character" in response.content.decode()
    )
    assert not Report.objects.exists() and not mailoutbox

    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    response = signed_in(world.access_requester).post(
        reverse("access:request_add"),
        {
            "first_name": "Pat\r\nBcc: x@example.com",
            "last_name": "Newhire",
            "email": "pat@example.org",
            "organization": world.partner.pk,
            "role": "case_manager",
            "offices": [world.office_a.pk],
            "training_completed_on": timezone.localdate().isoformat(),
            "supervisor_certified": "on",
        },
    )
    assert response.status_code == 200 and "Remove the line break" in response.content.decode()
    # A line break is fine where a text has lines; a NUL is not, anywhere.
    note = signed_in(world.partner_case_manager).post(
        reverse("dataedits:case_note_create", args=[world.seekers["own"].pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "text": "Called.\r\nLeft a message.\x00",
        },
    )
    assert note.status_code == 400 and not CaseNote.objects.exists()


def every_form():
    """Every form class built on the portal's form mixin."""
    import importlib

    for app in ("access", "participants", "optout", "dataedits", "portal"):
        module = importlib.import_module(f"{app}.forms")
        for form_class in vars(module).values():
            if (
                isinstance(form_class, type)
                and issubclass(form_class, USWDSFormMixin)
                and issubclass(form_class, forms.BaseForm)
            ):
                yield form_class


def text_fields_of_every_form():
    for form_class in every_form():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and name not in form_class.FORMATTED_FIELDS:
                yield form_class, name


def test_every_text_field_of_every_form_is_guarded():
    from portal.forms import USWDSFormMixin as Mixin

    cases = list(text_fields_of_every_form())
    assert len(cases) > 30
    for form_class, name in cases:
        field = form_class.base_fields[name]
        probe = type("Probe", (Mixin, forms.Form), {name: field})()
        assert refuse_ssn in probe.fields[name].validators, f"{form_class.__name__}.{name}"
    # The few fields that are not free text say so, and check their own format.
    formatted = {(cls.__name__, name) for cls in every_form() for name in cls.FORMATTED_FIELDS}
    assert formatted == {
        ("QuickSearchForm", "q"),
        ("LookupForm", "ssn"),
        ("ParticipantForm", "zip_code"),
    }


@pytest.mark.django_db
def test_quick_search_takes_an_ssn_typed_with_spaces_or_dots_as_an_ssn(world):
    seeker = world.seekers["own"]
    digits = seeker.ssn
    client = signed_in(world.esd_case_manager)
    for typed in (
        f"{digits[:3]} {digits[3:5]} {digits[5:]}",
        f"{digits[:3]}.{digits[3:5]}.{digits[5:]}",
    ):
        response = client.post(
            reverse("participants:search"), {"q": typed, "scope": "worksource"}, follow=True
        )
        page = response.content.decode()
        assert "Total Participants: 1" in page and seeker.last_name in page
        session = str(dict(client.session))
        assert digits not in session and typed not in session


@pytest.mark.django_db
def test_an_ssn_beside_other_words_in_quick_search_is_refused_and_kept_nowhere(world):
    client = signed_in(world.esd_case_manager)
    for typed in ("Smith 917-43-8265", "917-43-8265.", "#917438265"):
        response = client.post(reverse("participants:search"), {"q": typed, "scope": "worksource"})
        assert (
            response.status_code == 400 and "Search by the SSN alone" in response.content.decode()
        )
        assert "8265" not in str(dict(client.session))


@pytest.mark.django_db
def test_a_zip_plus_4_code_is_a_zip_code_not_an_ssn(world):
    seeker = world.seekers["own"]
    client = signed_in(world.esd_case_manager)
    record = {
        name: getattr(seeker, name) or "" for name in ("first_name", "last_name", "city", "state")
    }
    for typed in ("981011234", "98101-1234"):
        assert (
            client.post(
                reverse("participants:detail", args=[seeker.pk]), record | {"zip_code": typed}
            ).status_code
            == 302
        )
        seeker.refresh_from_db()
        assert seeker.zip_code == typed
    refused = client.post(
        reverse("participants:detail", args=[seeker.pk]), record | {"zip_code": "9810"}
    )
    assert refused.status_code == 400 and "A ZIP code has 5 digits" in refused.content.decode()


@pytest.mark.django_db
def test_a_document_named_after_an_ssn_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dataedits.services import document_add
    from portal.errors import PortalError
    from tests.dataedits.helpers import PDF, make_ticket

    ticket = make_ticket(world.seekers["own"], by=world.partner_case_manager, office=world.office_a)
    with pytest.raises(PortalError, match="Remove the Social Security number"):
        document_add(
            actor=world.partner_case_manager,
            ticket=ticket,
            upload=SimpleUploadedFile("917-43-8265.pdf", PDF, content_type="application/pdf"),
        )
    assert not ticket.documents.exists()


@pytest.mark.parametrize("invisible", ["\u202e", "\u200b", "\ufeff", "\u2066"])
def test_invisible_characters_that_reorder_or_hide_text_are_refused(invisible):
    from portal.errors import PortalError
    from portal.text import checked_line, checked_text

    for check in (checked_line, checked_text):
        with pytest.raises(PortalError):
            check(f"Pat{invisible}Smith", label="the name")


@pytest.mark.django_db
def test_the_command_lists_where_ssns_sit_in_old_text_without_printing_them(world):
    own = world.seekers["own"]
    note = add_note(
        own,
        by=world.partner_case_manager,
        office=world.office_a,
        contact=date(2026, 1, 5),
        text="Her SSN is 917-43-8265, she said.",
    )
    clean = add_note(
        own,
        by=world.partner_case_manager,
        office=world.office_a,
        contact=date(2026, 1, 6),
        text="ZIP 98101-1234, phone 360-555-0100.",
    )
    entry = AuditEntry.objects.log_create(
        own,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        changes={"city": ["Forks", "917 43 8265"]},
    )
    out = StringIO()
    call_command("find_ssn_in_text", stdout=out)
    report = out.getvalue()
    assert (
        f"dataedits.CaseNote {note.pk}: text" in report
        and f"dataedits.CaseNote {clean.pk}:" not in report
    )
    assert f"audit.AuditEntry {entry.pk}: changes" in report
    # The note's own creation entry holds the text too: three places, and not one digit of them.
    assert "3 place(s)" in report
    assert "8265" not in report
