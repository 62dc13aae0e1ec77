"""Every change and every read of a seeker's data is found by that seeker's filter on the trail.

Each test does what a person does on the page, then filters the trail by the seeker's customer
ID as the auditor does (POSTed, redirected to ids) and finds the entry there.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry, Kind
from dataedits.models import CaseNote, DataEditTicket, Service, SupportingDocument
from intake.models import HeldRegistration, Scope
from intake.services import credential_create, sending_system_create
from optout.models import OptInRequest, OptOutChange, OptOutLookup
from participants.models import Enrollment, Participant
from tests.dataedits.helpers import (
    PDF,
    add_service,
    make_ticket,
    seed_example_services,
    service_type,
)
from tests.intake.conftest import Sender

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
ACCESS, CREATE, UPDATE = (
    AuditEntry.Action.ACCESS,
    AuditEntry.Action.CREATE,
    AuditEntry.Action.UPDATE,
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seeker_trail(world, seeker):
    """The entries the auditor's seeker filter finds, as the page lists them."""
    client = signed_in(world.auditor)
    filtered = client.post(reverse("audit:trail"), {"customer_id": seeker.customer_id})
    assert filtered.status_code == 302 and seeker.customer_id not in filtered["Location"]
    page = client.get(filtered["Location"])
    assert page.status_code == 200
    return page.context["page"].paginator.object_list


def found(world, seeker, model, action, actor=None, reason=None) -> AuditEntry:
    entries = seeker_trail(world, seeker).filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        action=action,
    )
    if actor is not None:
        entries = entries.filter(actor=actor)
    if reason is not None:
        entries = entries.filter(additional_data__reason=reason)
    assert entries.exists(), f"no {model.__name__} entry by the seeker filter"
    return entries.first()


@pytest.fixture
def at_2024_03_13():
    with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
        yield


class TestChanges:
    def test_the_seeker_record_edited(self, world):
        seeker = world.seekers["own"]
        signed_in(world.esd_case_manager).post(
            reverse("participants:detail", args=[seeker.pk]),
            {"first_name": seeker.first_name, "last_name": seeker.last_name, "city": "Forks"},
        )
        entry = found(world, seeker, Participant, UPDATE, world.esd_case_manager)
        assert entry.changes_dict["city"] == ["", "Forks"]

    def test_an_enrollment(self, world):
        seeker = world.seekers["other"]
        signed_in(world.partner_case_manager).post(
            reverse("participants:enroll"), {"participants": [seeker.pk]}
        )
        entry = found(world, seeker, Enrollment, CREATE, world.partner_case_manager)
        assert entry.names["office"] == {str(world.office_a.pk): "WorkSource Alpha"}

    def test_a_service_and_a_case_note(self, world, at_2024_03_13):
        seeker = world.seekers["own"]
        client = signed_in(world.partner_case_manager)
        client.post(
            reverse("dataedits:service_create", args=[seeker.pk]),
            {
                "service_type": service_type("career_guidance").pk,
                "program": "adult",
                "start_date": "2024-03-12",
                "end_date": "2024-03-12",
            },
        )
        client.post(
            reverse("dataedits:case_note_create", args=[seeker.pk]),
            {"contact_date": "2024-03-12", "text": "Résumé workshop attended."},
        )
        found(world, seeker, Service, CREATE, world.partner_case_manager)
        found(world, seeker, CaseNote, CREATE, world.partner_case_manager)

    def test_a_data_edit_ticket_and_its_document(self, world):
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            signed_in(world.partner_case_manager).post(
                reverse("dataedits:ticket_create", args=[seeker.pk]),
                {
                    "kind": "delete_service",
                    "service": services["wpa"].pk,
                    "what_is_wrong": "Entered twice",
                    "what_is_right": "Not provided",
                    "justification": "Cancelled",
                    "subject": "Delete a cancelled workshop",
                    "need_type": "participant_data",
                    "filer_phone": "(360) 555-0100",
                    "document": SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf"),
                },
            )
        assert DataEditTicket.objects.exists()
        found(world, seeker, DataEditTicket, CREATE, world.partner_case_manager)
        found(world, seeker, SupportingDocument, CREATE, world.partner_case_manager)

    def test_an_opt_out_change(self, world):
        seeker = world.seekers["own"]
        signed_in(world.esd_case_manager).post(
            reverse("participants:detail", args=[seeker.pk]),
            {
                "first_name": seeker.first_name,
                "last_name": seeker.last_name,
                "optout-shown": "True",
                "optout-opted_out": "on",
                "optout-reason": "Asked at the front desk.",
            },
        )
        found(world, seeker, OptOutChange, CREATE, world.esd_case_manager)
        flag = found(world, seeker, Participant, UPDATE, world.esd_case_manager)
        assert flag.changes_dict["opted_out"] == [False, True]

    def test_an_opt_out_lookup_and_the_opt_in_request_filed_from_it(self, world):
        seeker = world.seekers["opted_out"]
        client = signed_in(world.partner_case_manager)
        answer = client.post(reverse("optout:lookup"), {"ssn": seeker.ssn})["Location"]
        lookup = OptOutLookup.objects.get()
        client.get(answer)
        client.post(
            reverse("optout:request_file", args=[lookup.pk]),
            {
                "client_name": "Ophelia Optedout",
                "client_phone": "(360) 555-0100",
                "client_reason": "Wants WIOA adult services from our office.",
            },
        )
        found(world, seeker, OptOutLookup, CREATE, world.partner_case_manager)
        read = found(world, seeker, OptOutLookup, ACCESS, world.partner_case_manager)
        assert read.additional_data["reason"] == "Opt-Out Lookup answer read"
        found(world, seeker, OptInRequest, CREATE, world.partner_case_manager)
        # The lookup's entries hold the SSN's blind index only, never the SSN.
        for entry in seeker_trail(world, seeker):
            assert seeker.ssn not in str(entry.changes) + str(entry.additional_data)

    def test_a_held_registration(self, world):
        seeker = world.seekers["opted_out"]
        system = sending_system_create(actor=world.mis_admin, name="Job Match")
        token = credential_create(actor=world.mis_admin, system=system, scopes=[Scope.REGISTRATION])
        Sender(token.token).register(registration_id="R-9", ssn=seeker.ssn, city="Olympia")
        found(world, seeker, HeldRegistration, CREATE)


class TestReads:
    def test_the_record(self, world):
        seeker = world.seekers["other"]
        signed_in(world.partner_case_manager).get(reverse("participants:detail", args=[seeker.pk]))
        entry = found(world, seeker, Participant, ACCESS, world.partner_case_manager)
        assert entry.kind == Kind.ACCESS

    def test_the_services_and_case_notes_page(self, world):
        seeker = world.seekers["own"]
        signed_in(world.partner_case_manager).get(reverse("dataedits:seeker", args=[seeker.pk]))
        found(
            world,
            seeker,
            Participant,
            ACCESS,
            world.partner_case_manager,
            reason="services and case notes opened",
        )

    def test_a_ticket_and_a_document_download(self, world):
        seeker = world.seekers["own"]
        ticket = make_ticket(seeker, by=world.partner_case_manager, office=world.office_a)
        signed_in(world.partner_case_manager).post(
            reverse("dataedits:document_add", args=[ticket.pk]),
            {"document": SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")},
        )
        reader = signed_in(world.auditor)
        reader.get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
        download = reader.get(reverse("dataedits:document", args=[ticket.documents.get().pk]))
        assert b"".join(download.streaming_content) == PDF
        found(world, seeker, DataEditTicket, ACCESS, world.auditor)
        found(world, seeker, SupportingDocument, ACCESS, world.auditor)

    def test_an_export_of_the_seekers_trail(self, world):
        seeker = world.seekers["own"]
        add_service(
            seeker,
            "career_guidance",
            datetime(2024, 3, 12).date(),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        client = signed_in(world.auditor)
        location = client.post(reverse("audit:trail"), {"customer_id": seeker.customer_id})[
            "Location"
        ]
        query = location.split("?", 1)[1]
        export = client.get(f"{reverse('audit:trail_csv')}?{query}")
        b"".join(export.streaming_content)
        entry = found(world, seeker, Participant, ACCESS, world.auditor, "audit trail exported")
        assert entry.additional_data["filter"] == f"seeker {seeker.customer_id}"

    def test_a_partner_refused_the_trail_leaves_no_entry(self, world):
        seeker = world.seekers["own"]
        response = signed_in(world.partner_case_manager).get(
            reverse("audit:trail"), {"participant": seeker.pk}
        )
        assert response.status_code == 403
        assert not AuditEntry.objects.filter(actor=world.partner_case_manager).exists()
