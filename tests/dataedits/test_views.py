"""The data-edit pages: entry forms, the ticket form and its live pre-check, queues, reports."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from access.roles import Role
from audit.models import AuditEntry, Kind
from dataedits.models import CaseNote, DataEditTicket, Service, TicketState
from dataedits.services import ticket_submit

from .helpers import PDF, add_note, add_service, make_ticket, seed_example_services, service_type

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def at_2021_05_30():
    with time_machine.travel(datetime(2021, 5, 30, 10, 0, tzinfo=TZ), tick=False):
        yield


class TestEntry:
    def test_recording_a_service_and_a_late_case_note(self, world):
        client = client_for(world.partner_case_manager)
        seeker = world.seekers["own"]
        with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
            response = client.post(
                reverse("dataedits:service_create", args=[seeker.pk]),
                {
                    "service_type": service_type("career_guidance").pk,
                    "program": "adult",
                    "start_date": "2024-03-12",
                    "end_date": "2024-03-12",
                },
                follow=True,
            )
            assert "Service recorded: Career Guidance on 03/12/2024." in response.content.decode()
            response = client.post(
                reverse("dataedits:case_note_create", args=[seeker.pk]),
                {"contact_date": "2024-03-01", "text": "Résumé workshop attended."},
                follow=True,
            )
        page = response.content.decode()
        assert "entered more than seven days after the contact and is flagged late" in page
        assert "Résumé workshop attended." in page
        assert Service.objects.get().entered_by == world.partner_case_manager
        assert CaseNote.objects.get().is_late

    def test_a_future_service_is_refused_with_a_message_and_nothing_recorded(self, world):
        client = client_for(world.partner_case_manager)
        with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
            response = client.post(
                reverse("dataedits:service_create", args=[world.seekers["own"].pk]),
                {
                    "service_type": service_type("career_guidance").pk,
                    "program": "adult",
                    "start_date": "2024-03-14",
                    "end_date": "2024-03-14",
                },
            )
        assert response.status_code == 400
        assert "this date is in the future" in response.content.decode()
        assert not Service.objects.exists()

    def test_the_seeker_page_shows_services_periods_and_notes(self, world):
        seeker = world.seekers["own"]
        seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
        add_note(
            seeker,
            by=world.partner_case_manager,
            office=world.office_a,
            contact=date(2020, 10, 20),
            text="Attended the workforce preparation workshop.",
        )
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            page = (
                client_for(world.lwdb_reviewer)
                .get(reverse("dataedits:seeker", args=[seeker.pk]))
                .content.decode()
            )
        assert "Occupational Skills Training" in page and "06/14/2020 to 09/18/2020" in page
        assert "06/03/2020 (PY2019 Q4)" in page and "not yet determined" in page
        assert "Attended the workforce preparation workshop." in page
        assert "File a data-edit ticket" not in page  # reviewers read, case managers record


class TestTicketForm:
    def form_data(self, services, **overrides):
        return {
            "kind": "delete_service",
            "service": services["wpa"].pk,
            "new_program": "",
            "what_is_wrong": "",
            "what_is_right": "",
            "justification": "",
            "subject": "Delete a cancelled workshop",
            "need_type": "participant_data",
            "filer_phone": "(360) 555-0100",
        } | overrides

    def test_the_live_precheck_shows_every_reason_the_deadline_and_the_timeline(
        self, world, at_2021_05_30
    ):
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        client = client_for(world.partner_case_manager)
        response = client.post(
            reverse("dataedits:ticket_precheck", args=[seeker.pk]),
            self.form_data(services),
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "<html" not in page  # the partial alone
        for code in (
            "past_deadline",
            "exit_quarter_changed",
            "missing_justification",
            "missing_field",
            "no_supporting_case_note",
        ):
            assert f'data-reason="{code}"' in page
            assert (
                f"<strong>{code}</strong>" not in page
            )  # codes for programs, sentences for people
        assert "This would be denied, for 5 reasons:" in page
        # Seed 004's example 1, in words: the quarter ended 12/31/2020, the deadline 20 days later.
        assert "It is filed after 01/20/2021, 20 days after the quarter ended (12/31/2020)." in page
        assert "01/20/2021: 20 days after the end of the applicable quarter" in page
        assert "Timeline of services and periods of participation" in page
        assert (
            "10/20/2020 (PY2020 Q2)" in page and "09/18/2020 (PY2020 Q1)" in page
        )  # exits before and after
        assert "<strong>deleted</strong>" in page

    def test_seed_example_3_passes_the_precheck_when_complete(self, world):
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        note = add_note(
            seeker, by=world.partner_case_manager, office=world.office_a, contact=date(2020, 10, 20)
        )
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            response = client_for(world.partner_case_manager).post(
                reverse("dataedits:ticket_precheck", args=[seeker.pk]),
                self.form_data(
                    services,
                    what_is_wrong="Entered twice",
                    what_is_right="Not provided",
                    justification="Workshop cancelled",
                    supporting_notes=[note.pk],
                ),
            )
        assert (
            "This would be approved: it is filed by 01/20/2021, 20 days after the quarter ended "
            "(12/31/2020), and it changes no period of participation" in response.content.decode()
        )

    def test_saving_a_draft_with_a_document_then_submitting(self, world):
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        client = client_for(world.partner_case_manager)
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            response = client.post(
                reverse("dataedits:ticket_create", args=[seeker.pk]),
                self.form_data(
                    services,
                    what_is_wrong="Entered twice",
                    what_is_right="Not provided",
                    justification="Cancelled",
                    document=SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf"),
                ),
            )
            ticket = DataEditTicket.objects.get()
            assert response.status_code == 302 and response["Location"] == reverse(
                "dataedits:ticket_detail", args=[ticket.pk]
            )
            assert ticket.documents.get().original_name == "memo.pdf"
            assert ticket.filer_phone == "3605550100"  # digits only, as Attachment II asks
            response = client.post(
                reverse("dataedits:ticket_submit", args=[ticket.pk]), follow=True
            )
        assert (
            f"Ticket #{ticket.pk} was submitted for local board review."
            in response.content.decode()
        )
        assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW

    def test_a_ticket_form_missing_the_service_says_so(self, world):
        seeker = world.seekers["own"]
        response = client_for(world.partner_case_manager).post(
            reverse("dataedits:ticket_create", args=[seeker.pk]), {"kind": "modify_service"}
        )
        assert response.status_code == 400
        assert "Choose the service to change." in response.content.decode()
        assert not DataEditTicket.objects.exists()


class TestDocumentsAndVisibility:
    def test_a_document_is_served_only_through_the_gate(self, world):
        seeker = world.seekers["opted_out"]
        ticket = make_ticket(seeker, by=world.esd_case_manager, office=world.office_a)
        client = client_for(world.esd_case_manager)
        client.post(
            reverse("dataedits:document_add", args=[ticket.pk]),
            {"document": SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")},
        )
        document = ticket.documents.get()
        response = client_for(world.auditor).get(reverse("dataedits:document", args=[document.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert 'attachment; filename="proof.pdf"' in response["Content-Disposition"]
        for hidden in (world.partner_case_manager, world.lwdb_reviewer):
            assert (
                client_for(hidden)
                .get(reverse("dataedits:document", args=[document.pk]))
                .status_code
                == 404
            )
            assert (
                client_for(hidden)
                .get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
                .status_code
                == 404
            )

    def test_a_refused_upload_says_why(self, world):
        ticket = make_ticket(
            world.seekers["own"], by=world.partner_case_manager, office=world.office_a
        )
        response = client_for(world.partner_case_manager).post(
            reverse("dataedits:document_add", args=[ticket.pk]),
            {
                "document": SimpleUploadedFile(
                    "virus.exe", b"MZ\x90\x00", content_type="application/pdf"
                )
            },
            follow=True,
        )
        assert (
            "The document was not attached: Attach a PDF, PNG or JPEG document."
            in response.content.decode()
        )
        assert not ticket.documents.exists()


class TestQueuesAndDecisions:
    def test_reviewer_and_state_pages(self, world, django_capture_on_commit_callbacks):
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        ticket = make_ticket(
            seeker, by=world.partner_case_manager, office=world.office_a, service=services["wpa"]
        )
        with time_machine.travel(
            datetime(2021, 1, 8, 17, 30, tzinfo=TZ), tick=False
        ):  # Friday evening
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            reviewer = client_for(world.lwdb_reviewer)
            assert (
                f"#{ticket.pk}" in reviewer.get(reverse("dataedits:local_queue")).content.decode()
            )
            response = reviewer.post(
                reverse("dataedits:local_review", args=[ticket.pk]),
                {"justified": "yes", "documented": "yes", "aligned": "yes", "decision": "approve"},
            )
            assert response.status_code == 302
            page = (
                client_for(world.state_dataedits)
                .get(reverse("dataedits:state_queue", args=["title_i"]))
                .content.decode()
            )
            assert "01/11/2021 7:00 AM" in page and "(arrived 01/08/2021 5:30 PM)" in page
        with time_machine.travel(datetime(2021, 1, 11, 8, 0, tzinfo=TZ), tick=False):
            state = client_for(world.state_dataedits)
            response = state.post(
                reverse("dataedits:decide", args=[ticket.pk]), {"decision": "deny"}
            )
            assert "Give at least one reason for the denial." in response.content.decode()
            response = state.post(
                reverse("dataedits:decide", args=[ticket.pk]), {"decision": "approve"}
            )
        assert response.status_code == 302
        assert not Service.objects.filter(pk=services["wpa"].pk).exists()
        partner = client_for(world.partner_case_manager)
        notifications = partner.get(reverse("notifications:list")).content.decode()
        assert "approved by the state and the change was applied" in notifications
        partner.post(reverse("notifications:read_all"))
        assert not world.partner_case_manager.notifications.filter(read_at=None).exists()

    def test_the_local_review_form_refuses_an_approval_with_a_no(self, world):
        ticket = make_ticket(
            world.seekers["own"],
            by=world.partner_case_manager,
            office=world.office_a,
            status=TicketState.LOCAL_REVIEW,
        )
        response = client_for(world.lwdb_reviewer).post(
            reverse("dataedits:local_review", args=[ticket.pk]),
            {"justified": "yes", "documented": "no", "aligned": "yes", "decision": "approve"},
        )
        assert response.status_code == 400
        assert "is denied" in response.content.decode()
        assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW


class TestQuarterlyCounts:
    @pytest.fixture
    def served(self, world):
        by = world.esd_case_manager
        for kind in ("own", "opted_out"):
            seeker = world.seekers[kind]
            add_service(
                seeker, "initial_assessment", date(2020, 7, 6), office=world.office_a, by=by
            )
            add_service(seeker, "follow_up", date(2020, 8, 3), office=world.office_a, by=by)
        add_service(
            world.seekers["other"],
            "career_guidance",
            date(2020, 7, 7),
            office=world.office_b,
            by=by,
        )

    def test_opted_out_seekers_are_counted_for_everyone_but_listed_only_to_state_staff(
        self, world, served
    ):
        url = (
            reverse("dataedits:quarterly_counts")
            + f"?where=office:{world.office_a.pk}&quarter=PY2020+Q1"
        )
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            partner = client_for(world.partner_case_manager).get(url)
            state = client_for(world.esd_case_manager).get(url)
        for response in (partner, state):
            counts = response.context["counts"]
            assert (
                counts.seekers_served,
                counts.services_total,
                counts.participations,
                counts.exits,
            ) == (2, 4, 2, 2)
            assert counts.services_by_type == [("Follow-up Service", 2), ("Initial Assessment", 2)]
        assert "Optedout" not in partner.content.decode()
        assert (
            "1 seeker who opted out of data sharing is counted above but not listed: ESD staff of the office follow up their records."
            in partner.content.decode()
        )
        assert "Optedout, Ophelia" in state.content.decode()
        assert "counted above but not listed" not in state.content.decode()

    def test_the_csv_export(self, world, served):
        url = (
            reverse("dataedits:quarterly_counts_csv")
            + f"?where=office:{world.office_a.pk}&quarter=PY2020+Q1"
        )
        with time_machine.travel(datetime(2021, 1, 9, 10, 0, tzinfo=TZ), tick=False):
            response = client_for(world.partner_case_manager).get(url)
        assert response["Content-Type"] == "text/csv"
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["where", "quarter", "measure", "service type", "count"]
        assert ["WorkSource Alpha", "PY2020 Q1", "seekers served", "", "2"] in rows
        assert ["WorkSource Alpha", "PY2020 Q1", "determined exits", "", "2"] in rows
        assert not any("Optedout" in cell for row in rows for cell in row)
        # The export is itself in the audit trail: one entry, how many seekers, which filter.
        export = AuditEntry.objects.get(additional_data__reason="quarterly counts exported")
        assert (export.actor, export.kind) == (world.partner_case_manager, Kind.ACCESS)
        assert export.additional_data["seekers"] == 2
        assert export.additional_data["filter"] == f"{world.office_a}, PY2020 Q1"

    def test_an_office_not_assigned_is_refused(self, world, served):
        from tests.factories import OfficeFactory

        stranger = OfficeFactory()
        url = (
            reverse("dataedits:quarterly_counts_csv")
            + f"?where=office:{stranger.pk}&quarter=PY2020+Q1"
        )
        response = client_for(world.partner_case_manager).get(url)
        assert response.status_code == 400 and response["Content-Type"].startswith(
            "text/plain"
        )  # no CSV
        assert response.content.decode() == (
            "Choose where to count (an office you may choose, an area or the state) and a "
            "program year quarter."
        )


def test_the_data_integrity_page(world):
    add_service(
        world.seekers["own"],
        "career_guidance",
        date(2024, 2, 1),
        office=world.office_a,
        by=world.partner_case_manager,
        entered_at=datetime(2024, 3, 12, 9, 0, tzinfo=TZ),
        is_late=True,
    )
    with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
        page = (
            client_for(world.esd_supervisor)
            .get(reverse("dataedits:data_integrity"))
            .content.decode()
        )
    assert "03/11/2024" in page and str(world.partner_case_manager) in page


def test_the_dashboard_widget(world):
    make_ticket(
        world.seekers["own"],
        by=world.partner_case_manager,
        office=world.office_a,
        status=TicketState.LOCAL_REVIEW,
        submitted_at=datetime(2024, 3, 13, 10, 0, tzinfo=TZ),
    )
    page = client_for(world.lwdb_reviewer).get(reverse("portal:dashboard")).content.decode()
    assert "Local board review queue</a>: 1" in page


def test_the_index_opens_a_seeker_by_customer_id_through_the_gate(world):
    client = client_for(world.partner_case_manager)
    own, hidden = world.seekers["own"], world.seekers["opted_out"]
    response = client.post(reverse("dataedits:index"), {"customer_id": own.customer_id})
    assert response["Location"] == reverse("dataedits:seeker", args=[own.pk])
    response = client.post(reverse("dataedits:index"), {"customer_id": hidden.customer_id})
    assert (
        response.status_code == 400
        and "No seeker you may see has this customer ID." in response.content.decode()
    )
    # An SSN typed into the box by mistake is refused, and the box is a POST: it never reaches a URL.
    mistaken = client.post(reverse("dataedits:index"), {"customer_id": "917438265"})
    assert (
        mistaken.status_code == 400
        and "Remove the Social Security number" in mistaken.content.decode()
    )
    assert 'method="post"' in client.get(reverse("dataedits:index")).content.decode()


def test_a_decided_ticket_shows_the_precheck_it_was_decided_on(world):
    seeker = world.seekers["own"]
    services = seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
    ticket = make_ticket(
        seeker,
        by=world.partner_case_manager,
        office=world.office_a,
        service=services["wpa"],
        status=TicketState.APPROVED,
        filed_on=date(2021, 1, 9),
        precheck={
            "decision": "approve",
            "reasons": [],
            "deadline": "2021-01-20",
            "periods_before": [
                {
                    "participation": "2020-06-03",
                    "last_end": "2020-10-20",
                    "exit": None,
                    "services": ["1", "2", "3", "4"],
                }
            ],
            "periods_after": [
                {
                    "participation": "2020-06-03",
                    "last_end": "2020-09-18",
                    "exit": "2020-09-18",
                    "services": ["1", "2", "3"],
                }
            ],
        },
    )
    services["wpa"].delete()  # the approved change, applied
    page = (
        client_for(world.auditor)
        .get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
        .content.decode()
    )
    assert "Pre-check at the decision (filed on 01/09/2021)" in page
    assert "The pre-check found no reason to deny the request." in page
    assert "09/18/2020" in page and "missing_field" not in page


def test_a_reviewer_who_filed_the_ticket_is_refused_its_review_page(world):
    """Four eyes on the page as in the service: the filer, later the board's reviewer, gets 403."""
    seeker, filer = world.seekers["own"], world.partner_case_manager
    services = seed_example_services(seeker, office=world.office_a, by=filer)
    ticket = make_ticket(seeker, by=filer, office=world.office_a, service=services["wpa"])
    with time_machine.travel(datetime(2021, 1, 8, 10, 0, tzinfo=TZ), tick=False):
        ticket_submit(actor=filer, ticket=ticket)
        filer.role = Role.LWDB_REVIEWER
        filer.save(update_fields=["role"])
        client = client_for(filer)
        page = reverse("dataedits:local_review", args=[ticket.pk])
        refused = client.get(page)
        assert refused.status_code == 403
        assert "Nobody reviews a ticket they filed" in refused.content.decode()
        answer = {"decision": "approve", "justified": "yes", "documented": "yes", "aligned": "yes"}
        assert client.post(page, answer).status_code == 403
        # The board's own reviewer still reviews it.
        assert client_for(world.lwdb_reviewer).get(page).status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketState.LOCAL_REVIEW and ticket.local_reviewer is None
