"""Seed 004: a request "must be submitted to the appropriate State Agency within 20 days after the
end of the applicable quarter". It is submitted to the state when the local board sends it on."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dataedits.models import DataEditTicket, Service, TicketState
from dataedits.services import ticket_decide, ticket_local_review, ticket_submit
from portal.errors import PortalError

from .helpers import ALL_REASONS, add_service, make_ticket, seed_example_services

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def example(world):
    """Seed 004's example 3: deleting the 10/20/20 service is allowed until 01/20/2021."""
    seeker = world.seekers["own"]
    services = seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
    ticket = make_ticket(
        seeker, by=world.partner_case_manager, office=world.office_a, service=services["wpa"]
    )
    return ticket, services


def test_submitted_on_the_deadline_but_sent_on_two_weeks_later_it_is_refused_and_can_only_be_denied(
    world, example
):
    ticket, services = example
    with at(2021, 1, 20, 15, 0):  # the last day, to the local board
        ticket_submit(
            actor=world.partner_case_manager, ticket=ticket, confirmed_reasons=ALL_REASONS
        )
    with at(2021, 2, 3, 10, 0):  # the local board sends it on two weeks later
        with pytest.raises(PortalError) as refused:
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        assert refused.value.code == "past_deadline" and "01/20/2021" in refused.value.message
        ticket.refresh_from_db()
        assert ticket.status == TicketState.LOCAL_REVIEW and ticket.filed_on is None
        ticket_local_review(
            actor=world.lwdb_reviewer,
            ticket=ticket,
            approve=False,
            reasons=["past_deadline"],
            **YES,
        )
    ticket.refresh_from_db()
    assert ticket.status == TicketState.DENIED and ticket.denial_reasons == ["past_deadline"]
    assert Service.objects.filter(pk=services["wpa"].pk).exists()


def test_sent_on_by_the_deadline_it_is_approved_by_the_state_even_after_it(world, example):
    ticket, services = example
    with at(2021, 1, 10, 10, 0):
        ticket_submit(
            actor=world.partner_case_manager, ticket=ticket, confirmed_reasons=ALL_REASONS
        )
    # Sent on 01/15, before the exit of 10/20/20 is determined (more than 90 days, on 01/19).
    with at(2021, 1, 15, 15, 0):
        ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
    with at(2021, 1, 28, 9, 0):  # the state works its queue after the deadline: filed in time
        ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketState.APPROVED and ticket.filed_on == date(2021, 1, 15)
    assert not Service.objects.filter(pk=services["wpa"].pk).exists()


def test_the_state_never_approves_a_ticket_that_reached_it_late(world, example):
    ticket, _ = example
    # However it got there (a ticket of before this rule, moved by hand), filed with the state too late.
    DataEditTicket.objects.filter(pk=ticket.pk).update(
        status=TicketState.STATE_QUEUE,
        filed_on=date(2021, 2, 3),
        submitted_at=datetime(2021, 1, 19, tzinfo=TZ),
    )
    with at(2021, 2, 4, 9, 0), pytest.raises(PortalError) as refused:
        ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
    assert refused.value.code == "past_deadline"


def test_the_filer_and_the_board_see_the_days_left_and_the_queue_puts_the_nearest_deadline_first(
    world,
):
    seeker = world.seekers["own"]
    partner = world.partner_case_manager
    early = add_service(
        seeker, "career_guidance", date(2020, 10, 2), office=world.office_a, by=partner
    )  # due 01/20/2021
    late = add_service(
        seeker, "career_guidance", date(2021, 1, 6), office=world.office_a, by=partner
    )  # due 04/20/2021
    first_in = make_ticket(seeker, by=partner, office=world.office_a, service=late)
    second_in = make_ticket(seeker, by=partner, office=world.office_a, service=early)
    with at(2021, 1, 10, 9, 0):
        ticket_submit(actor=partner, ticket=first_in, confirmed_reasons=ALL_REASONS)
    with at(2021, 1, 11, 9, 0):
        ticket_submit(actor=partner, ticket=second_in, confirmed_reasons=ALL_REASONS)
    with at(2021, 1, 12, 9, 0):
        queue = (
            signed_in(world.lwdb_reviewer).get(reverse("dataedits:local_queue")).content.decode()
        )
        assert queue.index(f"#{second_in.pk}<") < queue.index(
            f"#{first_in.pk}<"
        )  # deadline first, not arrival
        assert "8 days left (deadline at the state 01/20/2021)" in queue
        assert "98 days left (deadline at the state 04/20/2021)" in queue
        page = (
            signed_in(partner)
            .get(reverse("dataedits:ticket_detail", args=[second_in.pk]))
            .content.decode()
        )
        assert "8 days left (deadline at the state 01/20/2021)" in page
        mine = signed_in(partner).get(reverse("dataedits:index")).content.decode()
        assert "8 days left" in mine and "98 days left" in mine
    with at(2021, 1, 21, 9, 0):
        queue = (
            signed_in(world.lwdb_reviewer).get(reverse("dataedits:local_queue")).content.decode()
        )
        assert (
            "past deadline" in queue
            and "Past deadline (01/20/2021): it can only be denied" in queue
        )
        review = (
            signed_in(world.lwdb_reviewer)
            .get(reverse("dataedits:local_review", args=[second_in.pk]))
            .content.decode()
        )
        decisions = re.findall(r'name="decision" value="(\w+)"', review)
        assert decisions == ["deny"]
        forged = signed_in(world.lwdb_reviewer).post(
            reverse("dataedits:local_review", args=[second_in.pk]),
            {"justified": "yes", "documented": "yes", "aligned": "yes", "decision": "approve"},
        )
        assert forged.status_code == 400
        second_in.refresh_from_db()
        assert second_in.status == TicketState.LOCAL_REVIEW
