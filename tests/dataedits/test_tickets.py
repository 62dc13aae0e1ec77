"""Data-edit tickets: every transition and refusal, FIFO with the 4:00 PM rule, four eyes,
the change applied atomically, notifications at each step, supporting documents."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from access.roles import Role
from audit.models import AuditEntry
from dataedits.models import (
    ChangeKind,
    DataEditTicket,
    Program,
    SeekerField,
    Service,
    TicketState,
    Title,
)
from dataedits.selectors import local_board_queue, state_queue
from dataedits.services import (
    document_add,
    ticket_create,
    ticket_decide,
    ticket_local_review,
    ticket_submit,
)
from notifications.models import Email, Notification
from participants.models import Participant
from portal.errors import PortalError

from .helpers import (
    JPEG,
    PDF,
    PNG,
    add_note,
    add_service,
    make_ticket,
    seed_example_services,
    service_type,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.fixture
def example(world):
    """Seed 004's example 1 services on the own-office seeker, and a ticket deleting 10/20/20."""
    seeker = world.seekers["own"]
    services = seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
    ticket = make_ticket(
        seeker, by=world.partner_case_manager, office=world.office_a, service=services["wpa"]
    )
    return ticket, services


def walk_to_state_queue(world, ticket, when=(2021, 1, 5, 10, 0)):
    with at(*when):
        ticket_submit(actor=world.partner_case_manager, ticket=ticket)
        return ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)


class TestTheWholeWorkflow:
    def test_draft_to_approved_applies_the_change_and_tells_the_filer_at_each_step(
        self, world, example, django_capture_on_commit_callbacks
    ):
        ticket, services = example
        with django_capture_on_commit_callbacks(execute=True):
            with at(2021, 1, 5, 10, 0):  # within example 3's deadline (1/20/21)
                submitted = ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            # With the local board, it is not filed with the state yet; its deadline there is known.
            assert submitted.status == TicketState.LOCAL_REVIEW and submitted.filed_on is None
            assert submitted.deadline == date(2021, 1, 20)
            with at(2021, 1, 6, 9, 0):
                reviewed = ticket_local_review(
                    actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES
                )
            assert reviewed.status == TicketState.STATE_QUEUE and reviewed.title == Title.TITLE_I
            assert reviewed.filed_on == date(2021, 1, 6)  # sent on: filed with the state that day
            assert (
                reviewed.received_at
                == reviewed.counted_received_at
                == datetime(2021, 1, 6, 9, 0, tzinfo=TZ)
            )
            with at(2021, 1, 7, 9, 0):
                approved = ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        assert (
            approved.status == TicketState.APPROVED and approved.decided_by == world.state_dataedits
        )
        assert not Service.objects.filter(pk=services["wpa"].pk).exists()
        approved.refresh_from_db()
        assert approved.service is None and approved.service_snapshot["start"] == "2020-10-20"
        assert approved.precheck["decision"] == "approve"

        messages = list(
            Notification.objects.filter(recipient=world.partner_case_manager)
            .order_by("pk")
            .values_list("message", flat=True)
        )
        assert messages == [
            f"Data-edit ticket #{ticket.pk} was submitted and awaits local board review.",
            f"Data-edit ticket #{ticket.pk} was approved by the local board and sent to the state's Title I queue.",
            f"Data-edit ticket #{ticket.pk} was approved by the state and the change was applied.",
        ]
        assert [m.to for m in mail.outbox] == [[world.partner_case_manager.email]] * 3
        assert all(f"#{ticket.pk}" in m.subject for m in mail.outbox)
        seeker = world.seekers["own"]
        for message in mail.outbox:  # no seeker's name or number leaves by email
            assert seeker.last_name not in message.body and seeker.customer_id not in message.body
        assert not Email.objects.filter(sent_at=None).exists()

        # Every step is in the audit trail with who and why; the deletion too.
        ticket_entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(DataEditTicket), object_pk=str(ticket.pk)
        ).order_by("pk")
        reasons = [e.additional_data.get("reason") for e in ticket_entries if e.additional_data]
        assert "data-edit ticket submitted for local board review" in reasons
        assert "data-edit ticket approved by the local board" in reasons
        assert f"data-edit ticket #{ticket.pk} approved: change applied" in reasons
        deletion = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Service),
            object_pk=str(services["wpa"].pk),
            action=AuditEntry.Action.DELETE,
        )
        assert deletion.actor == world.state_dataedits

    def test_local_board_denial_with_reasons(
        self, world, example, django_capture_on_commit_callbacks
    ):
        ticket, _ = example
        with at(2021, 1, 5, 10, 0), django_capture_on_commit_callbacks(execute=True):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            denied = ticket_local_review(
                actor=world.lwdb_reviewer,
                ticket=ticket,
                approve=False,
                justified=True,
                documented=False,
                aligned=True,
                reasons=["no_supporting_case_note"],
                note="The note does not mention the workshop.",
            )
        assert denied.status == TicketState.DENIED and denied.denial_reasons == [
            "no_supporting_case_note"
        ]
        assert denied.local_documented is False
        assert (
            "denied by the local board"
            in Notification.objects.filter(link=f"/dataedits/tickets/{ticket.pk}/")
            .latest("pk")
            .message
        )
        assert len(mail.outbox) == 2

    def test_state_denial_with_reasons(self, world, example):
        ticket, services = example
        walk_to_state_queue(world, ticket)
        denied = ticket_decide(
            actor=world.state_dataedits,
            ticket=ticket,
            approve=False,
            reasons=["not_policy_compliant"],
        )
        assert denied.status == TicketState.DENIED and denied.denial_reason_texts == [
            "Does not comply with policy."
        ]
        assert Service.objects.filter(pk=services["wpa"].pk).exists()


class TestRefusals:
    def test_only_the_filer_submits(self, world, example):
        ticket, _ = example
        with pytest.raises(PortalError, match="Only the person who filed"):
            ticket_submit(actor=world.esd_case_manager, ticket=ticket)

    def test_an_incomplete_ticket_cannot_be_submitted_and_stays_a_draft(self, world, example):
        ticket, _ = example
        DataEditTicket.objects.filter(pk=ticket.pk).update(justification="", what_is_right="")
        ticket.supporting_notes.clear()
        with pytest.raises(PortalError) as refused:
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
        assert refused.value.code == "incomplete"
        for text in ("no justification", "required field is missing", "No supporting case note"):
            assert text in refused.value.message
        ticket.refresh_from_db()
        assert ticket.status == TicketState.DRAFT and ticket.submitted_at is None

    def test_transitions_outside_the_table_are_refused(self, world, example):
        ticket, _ = example

        def refused(status: str, action: str):
            message = f"This data-edit ticket cannot be {action} now: its status is “{status}”."
            return pytest.raises(PortalError, match=f"^{re.escape(message)}$")

        with refused("Draft", "approved by the local board") as raised:
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        assert raised.value.code == "bad_transition"
        with refused("Draft", "approved by the state"):
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        with at(2021, 1, 5, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            with refused("Local board review", "submitted for local board review"):
                ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            with refused("Local board review", "approved by the state"):
                ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
            with refused("Approved", "denied by the state"):
                ticket_decide(
                    actor=world.state_dataedits,
                    ticket=ticket,
                    approve=False,
                    reasons=["past_deadline"],
                )
        assert DataEditTicket.objects.get(pk=ticket.pk).status == TicketState.APPROVED

    def test_roles(self, world, example):
        ticket, _ = example
        walk_to_state_queue(world, ticket)
        with pytest.raises(PortalError, match="does not decide"):
            ticket_decide(actor=world.esd_supervisor, ticket=ticket, approve=True)
        with pytest.raises(PortalError, match="does not review"):
            ticket_local_review(actor=world.state_dataedits, ticket=ticket, approve=True, **YES)

    def test_the_local_board_approves_only_what_is_justified_documented_and_aligned(
        self, world, example
    ):
        ticket, _ = example
        with at(2021, 1, 5, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            with pytest.raises(PortalError, match="justified, documented and aligned"):
                ticket_local_review(
                    actor=world.lwdb_reviewer,
                    ticket=ticket,
                    approve=True,
                    justified=True,
                    documented=True,
                    aligned=False,
                )
            with pytest.raises(PortalError, match="at least one of the listed reasons"):
                ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=False, **YES)
            with pytest.raises(PortalError, match="at least one of the listed reasons"):
                ticket_local_review(
                    actor=world.lwdb_reviewer,
                    ticket=ticket,
                    approve=False,
                    reasons=["made_up"],
                    **YES,
                )
        ticket.refresh_from_db()
        assert ticket.status == TicketState.LOCAL_REVIEW and ticket.local_reviewer is None

    def test_a_ticket_from_another_area_is_not_the_reviewers(self, world, example):
        ticket, _ = example
        with at(2021, 1, 5, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
        world.lwdb_reviewer.offices.set([world.office_b])
        with pytest.raises(PortalError, match="another local board"):
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        assert list(local_board_queue(world.lwdb_reviewer)) == []

    def test_a_past_deadline_request_cannot_be_approved_by_anyone(self, world, example):
        ticket, services = example
        with at(2021, 5, 30, 10, 0):  # seed 004's example 1: filed 5/30/21
            ticket_submit(
                actor=world.partner_case_manager,
                ticket=ticket,
                confirmed_reasons=["past_deadline", "exit_quarter_changed"],
            )
            assert ticket.__class__.objects.get(pk=ticket.pk).precheck["reasons"] == [
                "past_deadline",
                "exit_quarter_changed",
            ]
            with pytest.raises(
                PortalError, match="would reach the state after its deadline, 01/20/2021"
            ) as refused:
                ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
            assert refused.value.code == "past_deadline"
        assert Service.objects.filter(pk=services["wpa"].pk).exists()

    def test_approval_re_runs_the_pre_check_and_refuses_when_it_now_denies(self, world, example):
        ticket, services = example
        walk_to_state_queue(world, ticket)
        # Since the ticket was filed, services were recorded that make the deletion split a period.
        add_service(
            world.seekers["own"],
            "career_guidance",
            date(2021, 1, 15),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        with (
            at(2021, 1, 18, 10, 0),
            pytest.raises(PortalError, match="pre-check denies") as refused,
        ):
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        assert "would become two or more" in refused.value.message
        ticket.refresh_from_db()
        assert ticket.status == TicketState.STATE_QUEUE and ticket.decided_by is None
        assert Service.objects.filter(pk=services["wpa"].pk).exists()


class TestFourEyes:
    def test_nobody_reviews_or_approves_a_ticket_they_filed(self, world, example):
        ticket, _ = example
        filer = world.partner_case_manager
        with at(2021, 1, 5, 10, 0):
            ticket_submit(actor=filer, ticket=ticket)
            filer.role = Role.LWDB_REVIEWER  # the filer later becomes the board's reviewer
            with pytest.raises(PortalError, match="Nobody reviews a ticket they filed"):
                ticket_local_review(actor=filer, ticket=ticket, approve=True, **YES)
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        state_filer = world.esd_case_manager
        DataEditTicket.objects.filter(pk=ticket.pk).update(filed_by=state_filer)
        state_filer.role = Role.STATE_DATAEDITS  # ...or joins the state's data-edit staff
        with (
            at(2021, 1, 6, 10, 0),
            pytest.raises(PortalError, match="Nobody decides a ticket they filed"),
        ):
            ticket_decide(actor=state_filer, ticket=ticket, approve=True)
        assert DataEditTicket.objects.get(pk=ticket.pk).status == TicketState.STATE_QUEUE


class TestApplyingChanges:
    def test_the_change_and_the_ticket_are_one_transaction(self, world):
        """If the ticket cannot be saved, the service it modifies is left as it was."""
        seeker = world.seekers["own"]
        service = add_service(
            seeker,
            "career_guidance",
            date(2021, 1, 4),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        ticket = make_ticket(
            seeker,
            by=world.partner_case_manager,
            office=world.office_a,
            kind=ChangeKind.MODIFY_SERVICE,
            service=service,
            new_service_type=service_type("work_experience"),
        )
        walk_to_state_queue(world, ticket, when=(2021, 1, 6, 10, 0))

        def refuse_ticket_updates(execute, sql, params, many, context):
            if sql.startswith('UPDATE "dataedits_dataeditticket"'):
                raise DatabaseError("the database refused the update")
            return execute(sql, params, many, context)

        with at(2021, 1, 7, 10, 0), connection.execute_wrapper(refuse_ticket_updates):
            with pytest.raises(DatabaseError):
                ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        service.refresh_from_db()
        assert service.service_type.code == "career_guidance"
        assert DataEditTicket.objects.get(pk=ticket.pk).status == TicketState.STATE_QUEUE
        assert not Notification.objects.filter(
            link=f"/dataedits/tickets/{ticket.pk}/", message__contains="approved by the state"
        ).exists()

        with at(2021, 1, 7, 10, 0):
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        service.refresh_from_db()
        assert service.service_type.code == "work_experience"

    def test_adding_a_service(self, world):
        seeker = world.seekers["own"]
        add_service(
            seeker,
            "career_guidance",
            date(2021, 1, 4),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        ticket = make_ticket(
            seeker,
            by=world.partner_case_manager,
            office=world.office_a,
            kind=ChangeKind.ADD_SERVICE,
            new_service_type=service_type("supportive_service"),
            new_program=Program.WAGNER_PEYSER,
            new_start_date=date(2021, 1, 5),
            new_end_date=date(2021, 1, 5),
        )
        assert ticket.title == Title.TITLE_III
        walk_to_state_queue(world, ticket, when=(2021, 1, 6, 10, 0))
        assert list(state_queue(world.state_dataedits, Title.TITLE_III)) == [ticket]
        assert list(state_queue(world.state_dataedits, Title.TITLE_I)) == []
        with at(2021, 1, 7, 10, 0):
            approved = ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        added = Service.objects.get(pk=approved.service_id)
        assert (added.service_type.code, added.program, added.start_date) == (
            "supportive_service",
            "wagner_peyser",
            date(2021, 1, 5),
        )
        assert added.entered_by == world.partner_case_manager

    def test_correcting_a_demographic_field(self, world):
        seeker = world.seekers["own"]
        add_service(
            seeker,
            "career_guidance",
            date(2021, 1, 4),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        ticket = make_ticket(
            seeker,
            by=world.partner_case_manager,
            office=world.office_a,
            kind=ChangeKind.CORRECT_SEEKER_DATA,
            seeker_field=SeekerField.DATE_OF_BIRTH,
            seeker_value="1980-02-29",
        )
        walk_to_state_queue(world, ticket, when=(2021, 1, 6, 10, 0))
        with at(2021, 1, 7, 10, 0):
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        seeker.refresh_from_db()
        assert seeker.date_of_birth == date(1980, 2, 29)
        entry = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Participant), object_pk=str(seeker.pk)
        ).latest("pk")
        assert entry.actor == world.state_dataedits and "date_of_birth" in entry.changes_dict


class TestFirstInFirstOut:
    def test_after_4_pm_or_on_a_weekend_a_ticket_counts_as_received_the_next_business_day_at_7(
        self, world
    ):
        seeker = world.seekers["own"]
        add_service(
            seeker,
            "career_guidance",
            date(2024, 3, 1),
            office=world.office_a,
            by=world.partner_case_manager,
        )
        arrivals = {
            "tue_3_59pm": (2024, 3, 5, 15, 59),
            "tue_4_05pm": (2024, 3, 5, 16, 5),  # counts Wednesday 7:00 AM
            "wed_6_30am": (2024, 3, 6, 6, 30),  # counts Wednesday 7:00 AM too, but arrived later
            "wed_8_00am": (2024, 3, 6, 8, 0),
            "fri_5_00pm": (2024, 3, 8, 17, 0),  # counts Monday 7:00 AM
            "sat_10_00am": (2024, 3, 9, 10, 0),  # counts Monday 7:00 AM, arrived later
            "mon_7_30am": (2024, 3, 11, 7, 30),
        }
        tickets = {}
        # Local board approvals in a scrambled order: the queue must not depend on it.
        for name in [
            "sat_10_00am",
            "tue_4_05pm",
            "mon_7_30am",
            "tue_3_59pm",
            "wed_8_00am",
            "fri_5_00pm",
            "wed_6_30am",
        ]:
            ticket = make_ticket(
                seeker,
                by=world.partner_case_manager,
                office=world.office_a,
                kind=ChangeKind.CORRECT_SEEKER_DATA,
                seeker_field=SeekerField.FIRST_NAME,
                seeker_value=name,
                status=TicketState.LOCAL_REVIEW,
                filed_on=date(2024, 3, 4),
            )
            with at(*arrivals[name]):
                tickets[name] = ticket_local_review(
                    actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES
                )
        queue = list(state_queue(world.state_dataedits, Title.TITLE_I))
        assert [t.seeker_value for t in queue] == list(arrivals)
        assert tickets["tue_4_05pm"].counted_received_at == datetime(2024, 3, 6, 7, 0, tzinfo=TZ)
        assert tickets["sat_10_00am"].counted_received_at == datetime(2024, 3, 11, 7, 0, tzinfo=TZ)
        assert tickets["tue_3_59pm"].counted_received_at == tickets["tue_3_59pm"].received_at


class TestDrafts:
    def test_a_draft_keeps_the_precheck_and_routes_by_the_services_program(self, world, example):
        _, services = example
        Service.objects.filter(pk=services["ost"].pk).update(program=Program.WAGNER_PEYSER)
        services["ost"].refresh_from_db()
        draft = DataEditTicket(
            kind=ChangeKind.DELETE_SERVICE,
            service=services["ost"],
            what_is_wrong="x",
            what_is_right="y",
            justification="z",
        )
        with at(2021, 1, 5, 10, 0):
            ticket = ticket_create(
                actor=world.partner_case_manager, participant=world.seekers["own"], ticket=draft
            )
        assert ticket.status == TicketState.DRAFT and ticket.title == Title.TITLE_III
        assert ticket.office == world.office_a and ticket.filed_by == world.partner_case_manager
        assert "no_supporting_case_note" in ticket.precheck["reasons"]

    def test_refuses_another_seekers_service_or_note_and_a_seeker_out_of_reach(
        self, world, example
    ):
        _, services = example
        other = world.seekers["other"]
        others_service = add_service(
            other,
            "career_guidance",
            date(2021, 1, 4),
            office=world.office_b,
            by=world.partner_case_manager,
        )
        with pytest.raises(PortalError, match="one of this seeker's services"):
            ticket_create(
                actor=world.partner_case_manager,
                participant=world.seekers["own"],
                ticket=DataEditTicket(kind=ChangeKind.DELETE_SERVICE, service=others_service),
            )
        note = add_note(
            other, by=world.partner_case_manager, office=world.office_b, contact=date(2021, 1, 1)
        )
        with pytest.raises(PortalError, match="must be this seeker's"):
            ticket_create(
                actor=world.partner_case_manager,
                participant=world.seekers["own"],
                ticket=DataEditTicket(kind=ChangeKind.DELETE_SERVICE, service=services["wpa"]),
                supporting_notes=[note],
            )
        with pytest.raises(PortalError, match="could not be found"):
            ticket_create(
                actor=world.partner_case_manager,
                participant=world.seekers["opted_out"],
                ticket=DataEditTicket(
                    kind=ChangeKind.CORRECT_SEEKER_DATA, new_program=Program.ADULT
                ),
            )
        with pytest.raises(PortalError, match="Add this seeker to your office"):
            ticket_create(
                actor=world.partner_case_manager,
                participant=other,
                ticket=DataEditTicket(
                    kind=ChangeKind.CORRECT_SEEKER_DATA, new_program=Program.ADULT
                ),
            )
        assert DataEditTicket.objects.count() == 1  # the example's own

    def test_refuses_a_future_service_a_too_long_name_and_a_bad_date_of_birth(self, world):
        seeker = world.seekers["own"]
        with at(2024, 3, 13, 10, 0):
            with pytest.raises(PortalError, match="cannot start in the future"):
                ticket_create(
                    actor=world.partner_case_manager,
                    participant=seeker,
                    ticket=DataEditTicket(
                        kind=ChangeKind.ADD_SERVICE,
                        new_program=Program.ADULT,
                        new_start_date=date(2024, 3, 14),
                    ),
                )
            with pytest.raises(PortalError, match="longer than the 100 characters"):
                ticket_create(
                    actor=world.partner_case_manager,
                    participant=seeker,
                    ticket=DataEditTicket(
                        kind=ChangeKind.CORRECT_SEEKER_DATA,
                        new_program=Program.ADULT,
                        seeker_field=SeekerField.LAST_NAME,
                        seeker_value="A" * 101,
                    ),
                )
            with pytest.raises(PortalError, match="YYYY-MM-DD"):
                ticket_create(
                    actor=world.partner_case_manager,
                    participant=seeker,
                    ticket=DataEditTicket(
                        kind=ChangeKind.CORRECT_SEEKER_DATA,
                        new_program=Program.ADULT,
                        seeker_field=SeekerField.DATE_OF_BIRTH,
                        seeker_value="02/29/1980",
                    ),
                )


class TestDocuments:
    def upload(self, name, content):
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")

    def test_pdf_png_and_jpeg_are_kept_in_private_storage(self, world, example, private_media):
        ticket, _ = example
        for name, content, kind in (
            ("scan.pdf", PDF, "application/pdf"),
            ("scan.png", PNG, "image/png"),
            ("photo.JPG", JPEG, "image/jpeg"),
        ):
            document = document_add(
                actor=world.partner_case_manager, ticket=ticket, upload=self.upload(name, content)
            )
            assert document.content_type == kind and document.original_name == name
            stored = private_media / document.file.name
            assert stored.read_bytes() == content
            assert name not in document.file.name  # stored under a random name
        with pytest.raises(ValueError):
            document.file.url  # noqa: B018 - no public URL exists

    @pytest.mark.parametrize(
        "name,content,message",
        [
            ("notes.txt", b"plain text", "PDF, PNG or JPEG"),
            ("fake.pdf", b"MZ\x90\x00 not a pdf", "PDF, PNG or JPEG"),
            ("scan.png", PDF, "PDF, PNG or JPEG"),  # the name and the content disagree
            ("empty.pdf", b"", "empty"),
        ],
    )
    def test_other_files_are_refused(self, world, example, name, content, message):
        ticket, _ = example
        with pytest.raises(PortalError, match=message):
            document_add(
                actor=world.partner_case_manager, ticket=ticket, upload=self.upload(name, content)
            )
        assert not ticket.documents.exists()

    def test_size_limit(self, world, example, settings):
        ticket, _ = example
        settings.DATAEDIT_UPLOAD_MAX_BYTES = 1024
        with pytest.raises(PortalError, match="larger than"):
            document_add(
                actor=world.partner_case_manager,
                ticket=ticket,
                upload=self.upload("big.pdf", PDF + b"0" * 1024),
            )

    def test_only_the_filer_adds_and_only_to_a_draft(self, world, example):
        ticket, _ = example
        with pytest.raises(PortalError, match="by the filer while the ticket is a draft"):
            document_add(
                actor=world.esd_case_manager, ticket=ticket, upload=self.upload("scan.pdf", PDF)
            )
        with pytest.raises(PortalError, match="could not be found"):
            # A person who may not see the seeker cannot reach the ticket at all.
            DataEditTicket.objects.filter(pk=ticket.pk).update(
                participant=world.seekers["opted_out"]
            )
            document_add(
                actor=world.partner_case_manager, ticket=ticket, upload=self.upload("scan.pdf", PDF)
            )
