"""What the filer undoes: a draft edited or deleted, a submitted ticket withdrawn until the local
board acts, each confirmed first and audited; and a ticket the pre-check would deny is submitted
only once its reasons are confirmed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from dataedits.models import TICKETS, DataEditTicket, TicketAction, TicketState
from dataedits.selectors import local_board_queue
from dataedits.services import (
    ticket_delete,
    ticket_local_review,
    ticket_submit,
    ticket_update,
    ticket_withdraw,
)
from portal.errors import PortalError

from .helpers import make_ticket, seed_example_services

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_reasons(ticket) -> list[str]:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DataEditTicket), object_pk=str(ticket.pk)
    ).order_by("pk")
    return [e.additional_data.get("reason") for e in entries if e.additional_data]


@pytest.fixture
def example(world):
    """Seed 004's example 1 services; a complete ticket deleting the 10/20/20 service."""
    seeker = world.seekers["own"]
    services = seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
    ticket = make_ticket(
        seeker, by=world.partner_case_manager, office=world.office_a, service=services["wpa"]
    )
    return ticket, services


def test_the_table_allows_exactly_the_filers_moves():
    allowed = {
        (status, action)
        for status in TicketState
        for action in (TicketAction.EDIT, TicketAction.DELETE, TicketAction.WITHDRAW)
        if TICKETS.allows(status, action)
    }
    assert allowed == {
        (TicketState.DRAFT, TicketAction.EDIT),
        (TicketState.DRAFT, TicketAction.DELETE),
        (TicketState.LOCAL_REVIEW, TicketAction.WITHDRAW),
    }


class TestWithdraw:
    def test_the_filer_withdraws_a_ticket_waiting_for_the_board(self, world, example):
        ticket, _ = example
        filer = world.partner_case_manager
        with at(2021, 1, 9, 10, 0):  # seed 004's example 3: approvable
            ticket_submit(actor=filer, ticket=ticket)
            client = client_for(filer)
            url = reverse("dataedits:ticket_withdraw", args=[ticket.pk])
            page = client.get(url).content.decode()
            assert f"Withdraw data-edit ticket #{ticket.pk}?" in page
            assert "The local board will not review it" in page
            assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW  # asked only
            response = client.post(url, follow=True)
        assert f"Ticket #{ticket.pk} was withdrawn" in response.content.decode()
        ticket.refresh_from_db()
        assert ticket.status == TicketState.WITHDRAWN
        assert "data-edit ticket withdrawn by its filer" in audit_reasons(ticket)
        assert list(local_board_queue(world.lwdb_reviewer)) == []
        with pytest.raises(PortalError) as refused:
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        assert refused.value.code == "bad_transition"

    def test_a_withdrawal_after_the_board_acted_is_refused(self, world, example):
        ticket, _ = example
        filer = world.partner_case_manager
        with at(2021, 1, 9, 10, 0):
            ticket_submit(actor=filer, ticket=ticket)
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
            with pytest.raises(PortalError, match="cannot be withdrawn") as refused:
                ticket_withdraw(actor=filer, ticket=ticket)
            assert refused.value.code == "bad_transition"
            client = client_for(filer)
            url = reverse("dataedits:ticket_withdraw", args=[ticket.pk])
            # No confirmation is offered for a move the table does not have, and a POST is refused.
            assert client.get(url)["Location"] == reverse(
                "dataedits:ticket_detail", args=[ticket.pk]
            )
            response = client.post(url, follow=True)
        assert (
            "This data-edit ticket cannot be withdrawn now: its status is “State queue”."
            in response.content.decode()
        )
        assert DataEditTicket.objects.get().status == TicketState.STATE_QUEUE

    def test_a_forged_withdrawal_by_another_user_is_refused(self, world, example):
        ticket, _ = example
        with at(2021, 1, 9, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            for other in (world.esd_case_manager, world.partner_restricted):
                url = reverse("dataedits:ticket_withdraw", args=[ticket.pk])
                assert client_for(other).post(url).status_code == 403
            with pytest.raises(PortalError) as refused:
                ticket_withdraw(actor=world.esd_case_manager, ticket=ticket)
        assert refused.value.code == "not_filer"
        assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW


class TestDelete:
    def test_the_filer_deletes_a_draft_after_confirming(self, world, example):
        ticket, _ = example
        client = client_for(world.partner_case_manager)
        url = reverse("dataedits:ticket_delete", args=[ticket.pk])
        assert "Delete data-edit ticket" in client.get(url).content.decode()
        response = client.post(url)
        assert response["Location"] == reverse("dataedits:seeker", args=[ticket.participant_id])
        ticket.refresh_from_db()
        assert ticket.status == TicketState.DELETED
        assert "data-edit ticket draft deleted by its filer" in audit_reasons(ticket)
        # Seen by nobody afterwards, its documents neither.
        for person in (world.partner_case_manager, world.auditor, world.esd_case_manager):
            detail = client_for(person).get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
            assert detail.status_code == 404
        page = client.get(reverse("dataedits:seeker", args=[ticket.participant_id]))
        assert f"Draft ticket #{ticket.pk} was deleted." in page.content.decode()
        assert reverse("dataedits:ticket_detail", args=[ticket.pk]) not in page.content.decode()

    def test_a_submitted_ticket_is_not_deleted(self, world, example):
        ticket, _ = example
        with at(2021, 1, 9, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            with pytest.raises(PortalError, match="cannot be deleted now") as refused:
                ticket_delete(actor=world.partner_case_manager, ticket=ticket)
            assert refused.value.code == "bad_transition"
            response = client_for(world.partner_case_manager).post(
                reverse("dataedits:ticket_delete", args=[ticket.pk])
            )
        assert response.status_code == 302
        assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW

    def test_a_forged_delete_by_another_user_is_refused(self, world, example):
        ticket, _ = example
        url = reverse("dataedits:ticket_delete", args=[ticket.pk])
        assert client_for(world.esd_case_manager).post(url).status_code == 403
        with pytest.raises(PortalError) as refused:
            ticket_delete(actor=world.esd_case_manager, ticket=ticket)
        assert refused.value.code == "not_filer"
        assert DataEditTicket.objects.get().status == TicketState.DRAFT


class TestEdit:
    def form(self, ticket, **changes):
        return {
            "subject": "Delete a cancelled workshop",
            "need_type": "participant_data",
            "filer_phone": "3605550100",
            "kind": "delete_service",
            "service": ticket.service_id,
            "what_is_wrong": ticket.what_is_wrong,
            "what_is_right": ticket.what_is_right,
            "justification": ticket.justification,
            "supporting_notes": [n.pk for n in ticket.supporting_notes.all()],
        } | changes

    def test_the_filer_edits_a_draft_and_the_pre_check_is_kept_anew(self, world, example):
        ticket, _ = example
        client = client_for(world.partner_case_manager)
        url = reverse("dataedits:ticket_edit", args=[ticket.pk])
        with at(2021, 1, 9, 10, 0):
            page = client.get(url).content.decode()
            assert f"Edit data-edit ticket #{ticket.pk}" in page
            assert f"?ticket={ticket.pk}" in page  # the live pre-check counts its documents
            response = client.post(url, self.form(ticket, justification="Cancelled, see note."))
        assert response["Location"] == reverse("dataedits:ticket_detail", args=[ticket.pk])
        ticket.refresh_from_db()
        assert ticket.justification == "Cancelled, see note." and ticket.status == TicketState.DRAFT
        assert ticket.precheck["decision"] == "approve" and ticket.precheck["services_before"]
        assert "data-edit ticket draft edited by its filer" in audit_reasons(ticket)

    def test_a_submitted_ticket_is_withdrawn_not_edited(self, world, example):
        ticket, _ = example
        client = client_for(world.partner_case_manager)
        url = reverse("dataedits:ticket_edit", args=[ticket.pk])
        with at(2021, 1, 9, 10, 0):
            ticket_submit(actor=world.partner_case_manager, ticket=ticket)
            response = client.post(url, self.form(ticket, justification="Changed."), follow=True)
            assert "A submitted ticket is withdrawn, not edited." in response.content.decode()
            changed = DataEditTicket.objects.get(pk=ticket.pk)
            changed.justification = "Changed."
            with pytest.raises(PortalError, match="cannot be edited now"):
                ticket_update(actor=world.partner_case_manager, ticket=ticket, changed=changed)
        assert DataEditTicket.objects.get().justification != "Changed."

    def test_a_forged_edit_by_another_user_is_refused(self, world, example):
        ticket, _ = example
        url = reverse("dataedits:ticket_edit", args=[ticket.pk])
        forged = self.form(ticket, justification="Forged.")
        assert client_for(world.esd_case_manager).post(url, forged).status_code == 403
        assert DataEditTicket.objects.get().justification != "Forged."


class TestConfirmingADenial:
    def test_a_ticket_the_pre_check_would_deny_is_submitted_only_once_confirmed(
        self, world, example
    ):
        ticket, _ = example
        client = client_for(world.partner_case_manager)
        submit = reverse("dataedits:ticket_submit", args=[ticket.pk])
        with at(2021, 5, 30, 10, 0):  # seed 004's example 1: past the deadline
            detail = client.get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
            # The detail page leads to the confirmation, not straight to a POST.
            assert f'href="{submit}"' in detail.content.decode()
            # A POST without the confirmation (a forged or a scripted one) is refused, and says why.
            refused = client.post(submit, follow=True).content.decode()
            assert "The pre-check would deny this ticket." in refused
            assert (
                "It is filed after 01/20/2021, 20 days after the quarter ended (12/31/2020)."
                in (refused)
            )
            assert DataEditTicket.objects.get().status == TicketState.DRAFT
            page = client.get(submit).content.decode()
            assert "The pre-check would deny this ticket" in page
            assert 'data-reason="past_deadline"' in page
            assert 'name="confirmed_reasons" value="past_deadline"' in page
            assert 'name="confirmed_reasons" value="exit_quarter_changed"' in page
            assert "Submit it all the same" in page
            # Confirming only some of the reasons is no confirmation of the others.
            client.post(submit, {"confirmed_reasons": ["past_deadline"]})
            assert DataEditTicket.objects.get().status == TicketState.DRAFT
            client.post(submit, {"confirmed_reasons": ["past_deadline", "exit_quarter_changed"]})
        ticket.refresh_from_db()
        assert ticket.status == TicketState.LOCAL_REVIEW
        assert (
            "data-edit ticket submitted for local board review, the filer confirming the "
            "pre-check's reasons to deny it" in audit_reasons(ticket)
        )

    def test_an_approvable_ticket_needs_no_confirmation(self, world, example):
        ticket, _ = example
        with at(2021, 1, 9, 10, 0):
            client_for(world.partner_case_manager).post(
                reverse("dataedits:ticket_submit", args=[ticket.pk])
            )
        assert DataEditTicket.objects.get().status == TicketState.LOCAL_REVIEW


def test_the_board_sees_the_pre_check_as_the_filer_saw_it_and_the_days_left(world, example):
    ticket, services = example
    with at(2021, 1, 9, 10, 0):
        ticket_submit(actor=world.partner_case_manager, ticket=ticket)
    # Since then the service the ticket deletes was corrected: the board still sees what was filed.
    services["wpa"].start_date = services["wpa"].end_date = datetime(2020, 11, 2).date()
    services["wpa"].save()
    with at(2021, 1, 12, 10, 0):
        page = (
            client_for(world.lwdb_reviewer)
            .get(reverse("dataedits:local_review", args=[ticket.pk]))
            .content.decode()
        )
    assert "Pre-check as the filer saw it when submitting (01/09/2021)" in page
    assert "This would be approved: it is filed by 01/20/2021" in page
    assert "8 days left (deadline at the state 01/20/2021)" in page
    assert "Timeline of services and periods of participation" in page
    assert "10/20/2020" in page and "11/02/2020" not in page
