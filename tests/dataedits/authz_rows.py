"""The data-edit URLs in the authorization matrix (see tests/authz.py and the `world` fixture).

Tickets are filed by the partner case manager for the "own" and "other" seekers and by the state
case manager for the opted-out one (the partner may not see that seeker). A seeker the person
may not see answers 404, and so do its services, notes, tickets and documents.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dataedits.catalog import catalog_ensure
from dataedits.models import (
    CaseNote,
    ChangeKind,
    DataEditTicket,
    SeekerField,
    Service,
    ServiceType,
    TicketState,
)
from tests.authz import EDITORS, LOGIN, PARTNER_READERS, READERS, STATE_READERS, by_role

STATE_EDITORS = ("esd_case_manager", "esd_supervisor", "esd_restricted")
# Seekers' pages: state staff see all three; partner staff do not see the opted-out one.
SEEKER_PAGE = {
    **dict.fromkeys(STATE_READERS, 200),
    **dict.fromkeys(PARTNER_READERS, (200, 200, 404)),
}
# Recording on a seeker needs the seeker in the office the person is logged into ("other" is not).
# Office B's editors record on "other" (in their office) only; partners never reach the opted-out seeker.
PARTNER_EDITORS = ("partner_case_manager", "partner_restricted")


def recording(ok):
    return {
        **dict.fromkeys(STATE_EDITORS, (ok, 403, ok)),
        **dict.fromkeys(PARTNER_EDITORS, (ok, 403, 404)),
        "partner_case_manager_b": (403, ok, 404),
        "esd_supervisor_b": (403, ok, 403),
    }


RECORD, RECORDED = recording(200), recording(302)


def filer_only(ok, other=None):
    """Only the filer submits, withdraws or deletes a ticket, or attaches to it (tickets are filed
    in office A); editing a draft also needs the seeker in the filer's office (`other`: 403)."""
    return {
        **dict.fromkeys(STATE_EDITORS, 403),
        "esd_case_manager": (403, 403, ok),
        "partner_case_manager": (ok, other or ok, 404),
        "partner_restricted": (403, 403, 404),
        "partner_case_manager_b": (403, 403, 404),
        "esd_supervisor_b": 403,
    }


FILER_ONLY = filer_only(302)
LOCAL_REVIEWERS = ("lwdb_reviewer", "lwdb_reviewer_b")


def own_slip(ok):
    """A service or case note recorded just now by the partner case manager (the state case manager
    for the opted-out seeker): its recorder may correct it; everyone else is refused (403), and those
    who may not see the seeker find nothing (404)."""
    return {
        "partner_case_manager": (ok, 403, 404),
        "esd_case_manager": (403, 403, ok),
        **dict.fromkeys(("partner_restricted", "partner_case_manager_b"), (403, 403, 404)),
    }


MATRIX = {
    ("dataedits:index", "GET"): by_role(403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)),
    # Opening a seeker by customer ID: an opted-out seeker is "no seeker you may see" for partners.
    ("dataedits:index", "POST"): by_role(
        403,
        anonymous=LOGIN,
        **dict.fromkeys(STATE_READERS, 302),
        **dict.fromkeys(PARTNER_READERS, (302, 302, 400)),
    ),
    ("dataedits:seeker", "GET"): by_role(403, anonymous=LOGIN, **SEEKER_PAGE),
    ("dataedits:service_create", "GET"): by_role(403, anonymous=LOGIN, **RECORD),
    ("dataedits:service_create", "POST"): by_role(403, anonymous=LOGIN, **RECORDED),
    ("dataedits:case_note_create", "GET"): by_role(403, anonymous=LOGIN, **RECORD),
    ("dataedits:case_note_create", "POST"): by_role(403, anonymous=LOGIN, **RECORDED),
    **{
        (name, "GET"): by_role(403, anonymous=LOGIN, **own_slip(200))
        for name in (
            "dataedits:service_correct",
            "dataedits:service_remove",
            "dataedits:case_note_correct",
            "dataedits:case_note_remove",
        )
    },
    **{
        (name, "POST"): by_role(403, anonymous=LOGIN, **own_slip(302))
        for name in (
            "dataedits:service_correct",
            "dataedits:service_remove",
            "dataedits:case_note_correct",
            "dataedits:case_note_remove",
        )
    },
    ("dataedits:ticket_create", "GET"): by_role(403, anonymous=LOGIN, **RECORD),
    ("dataedits:ticket_create", "POST"): by_role(403, anonymous=LOGIN, **RECORDED),
    ("dataedits:ticket_precheck", "GET"): by_role(405, anonymous=LOGIN),
    ("dataedits:ticket_precheck", "POST"): by_role(403, anonymous=LOGIN, **RECORD),
    ("dataedits:ticket_detail", "GET"): by_role(403, anonymous=LOGIN, **SEEKER_PAGE),
    ("dataedits:ticket_acknowledge", "GET"): by_role(405, anonymous=LOGIN),
    ("dataedits:ticket_acknowledge", "POST"): by_role(403, anonymous=LOGIN, state_dataedits=302),
    # Submit, withdraw and delete ask for a confirmation first (GET), then act (POST).
    **{
        (name, method): by_role(403, anonymous=LOGIN, **filer_only(status))
        for name in (
            "dataedits:ticket_submit",
            "dataedits:ticket_withdraw",
            "dataedits:ticket_delete",
        )
        for method, status in (("GET", 200), ("POST", 302))
    },
    ("dataedits:ticket_edit", "GET"): by_role(403, anonymous=LOGIN, **filer_only(200, 403)),
    ("dataedits:ticket_edit", "POST"): by_role(403, anonymous=LOGIN, **filer_only(302, 403)),
    ("dataedits:document_add", "GET"): by_role(405, anonymous=LOGIN),
    ("dataedits:document_add", "POST"): by_role(403, anonymous=LOGIN, **FILER_ONLY),
    ("dataedits:document", "GET"): by_role(403, anonymous=LOGIN, **SEEKER_PAGE),
    # Tickets filed in office A: its board reviews them; the other area's board may not (403).
    ("dataedits:local_review", "GET"): by_role(
        403, anonymous=LOGIN, lwdb_reviewer=(200, 200, 404), lwdb_reviewer_b=(403, 403, 404)
    ),
    ("dataedits:local_review", "POST"): by_role(
        403, anonymous=LOGIN, lwdb_reviewer=(302, 302, 404), lwdb_reviewer_b=(403, 403, 404)
    ),
    ("dataedits:decide", "GET"): by_role(403, anonymous=LOGIN, state_dataedits=200),
    ("dataedits:decide", "POST"): by_role(403, anonymous=LOGIN, state_dataedits=302),
    ("dataedits:local_queue", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(LOCAL_REVIEWERS, 200)
    ),
    ("dataedits:state_queue", "GET"): by_role(403, anonymous=LOGIN, state_dataedits=200),
    ("dataedits:data_integrity", "GET"): by_role(
        403,
        anonymous=LOGIN,
        **dict.fromkeys(
            (
                "esd_supervisor",
                "lwdb_reviewer",
                "state_dataedits",
                "auditor",
                "esd_supervisor_b",
                "lwdb_reviewer_b",
            ),
            200,
        ),
    ),
    ("dataedits:quarterly_counts", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)
    ),
    ("dataedits:quarterly_counts_csv", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)
    ),
}
assert set(EDITORS) >= set(STATE_EDITORS) | {"partner_case_manager"}

PDF = b"%PDF-1.4\n%%EOF\n"


def ticket_for(world, seeker, status=TicketState.DRAFT) -> DataEditTicket:
    """A complete ticket correcting the seeker's first name, filed by someone who may see the seeker."""
    filer = world.esd_case_manager if seeker.opted_out else world.partner_case_manager
    ticket = DataEditTicket.objects.create(
        participant=seeker,
        office=world.office_a,
        filed_by=filer,
        kind=ChangeKind.CORRECT_SEEKER_DATA,
        title="title_i",
        new_program="adult",
        seeker_field=SeekerField.FIRST_NAME,
        seeker_value="Corrected",
        what_is_wrong="Misspelled first name.",
        what_is_right="Corrected",
        justification="The ID card shows it.",
        status=status,
        filed_on=timezone.localdate() if status != TicketState.DRAFT else None,
        submitted_at=timezone.now() if status != TicketState.DRAFT else None,
    )
    ticket.documents.create(
        file=ContentFile(PDF, name="id.pdf"),
        original_name="id.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=filer,
    )
    return ticket


def request_for(name, world, seeker):
    today = timezone.localdate().isoformat()
    if not name.startswith("dataedits:"):
        return None
    if name == "dataedits:index":
        return reverse(name), {"customer_id": seeker.customer_id}
    if name in (
        "dataedits:local_queue",
        "dataedits:data_integrity",
        "dataedits:quarterly_counts",
        "dataedits:quarterly_counts_csv",
    ):
        return reverse(name), {}
    if name == "dataedits:state_queue":
        return reverse(name, args=["title_i"]), {}
    if name == "dataedits:seeker":
        return reverse(name, args=[seeker.pk]), {}
    if name == "dataedits:service_create":
        catalog_ensure()  # a browser test before this one may have emptied the tables
        return reverse(name, args=[seeker.pk]), {
            "service_type": ServiceType.objects.get(code="career_guidance").pk,
            "program": "adult",
            "start_date": today,
            "end_date": today,
        }
    if name in ("dataedits:service_correct", "dataedits:service_remove"):
        catalog_ensure()
        recorder = world.esd_case_manager if seeker.opted_out else world.partner_case_manager
        # An earlier service holds the period, so that removing the slip changes no period.
        Service.objects.create(
            participant=seeker,
            service_type=ServiceType.objects.get(code="career_guidance"),
            program="adult",
            start_date=timezone.localdate() - timedelta(days=3),
            end_date=timezone.localdate() - timedelta(days=3),
            office=world.office_a,
            entered_by=world.esd_supervisor,
        )
        service = Service.objects.create(
            participant=seeker,
            service_type=ServiceType.objects.get(code="career_guidance"),
            program="adult",
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            office=world.office_a,
            entered_by=recorder,
        )
        return reverse(name, args=[seeker.pk, service.pk]), {
            "service_type": service.service_type_id,
            "program": "youth",
            "start_date": today,
            "end_date": today,
            "reason": "Chose the wrong program.",
        }
    if name in ("dataedits:case_note_correct", "dataedits:case_note_remove"):
        recorder = world.esd_case_manager if seeker.opted_out else world.partner_case_manager
        note = CaseNote.objects.create(
            participant=seeker,
            contact_date=timezone.localdate(),
            text="Called.",
            office=world.office_a,
            author=recorder,
        )
        return reverse(name, args=[seeker.pk, note.pk]), {
            "contact_date": today,
            "text": "Called about training.",
            "reason": "Left out the subject.",
        }
    if name == "dataedits:case_note_create":
        return reverse(name, args=[seeker.pk]), {
            "contact_date": today,
            "text": "Called about training.",
        }
    if name in ("dataedits:ticket_create", "dataedits:ticket_precheck", "dataedits:ticket_edit"):
        at = [ticket_for(world, seeker).pk] if name == "dataedits:ticket_edit" else [seeker.pk]
        return reverse(name, args=at), {
            "subject": "First name misspelled",
            "need_type": "demographic_snapshot",
            "filer_phone": "3605550100",
            "kind": "correct_seeker_data",
            "new_program": "adult",
            "seeker_field": "first_name",
            "seeker_value": "Corrected",
            "what_is_wrong": "Misspelled",
            "what_is_right": "Corrected",
            "justification": "ID card",
        }
    if name == "dataedits:ticket_acknowledge":
        ticket = ticket_for(world, seeker, TicketState.STATE_QUEUE)
        DataEditTicket.objects.filter(pk=ticket.pk).update(received_at=timezone.now())
        return reverse(name, args=[ticket.pk]), {}
    if name in ("dataedits:ticket_detail", "dataedits:ticket_submit", "dataedits:ticket_delete"):
        return reverse(name, args=[ticket_for(world, seeker).pk]), {}
    if name == "dataedits:ticket_withdraw":
        return reverse(name, args=[ticket_for(world, seeker, TicketState.LOCAL_REVIEW).pk]), {}
    if name == "dataedits:document_add":
        from django.core.files.uploadedfile import SimpleUploadedFile

        ticket = ticket_for(world, seeker)
        return reverse(name, args=[ticket.pk]), {"document": SimpleUploadedFile("more.pdf", PDF)}
    if name == "dataedits:document":
        return reverse(name, args=[ticket_for(world, seeker).documents.get().pk]), {}
    if name == "dataedits:local_review":
        ticket = ticket_for(world, seeker, TicketState.LOCAL_REVIEW)
        return reverse(name, args=[ticket.pk]), {
            "justified": "yes",
            "documented": "yes",
            "aligned": "yes",
            "decision": "approve",
        }
    if name == "dataedits:decide":
        ticket = ticket_for(world, seeker, TicketState.STATE_QUEUE)
        return reverse(name, args=[ticket.pk]), {"decision": "approve"}
    raise AssertionError(f"no request for {name}")
