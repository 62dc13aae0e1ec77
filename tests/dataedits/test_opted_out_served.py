"""Seed 002: opting out "in no way affect[s] a job seeker's eligibility for services". A seeker's
work never waits on someone who may not see them."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from access.roles import Role
from dataedits.models import TicketState
from dataedits.services import ticket_decide, ticket_local_review, ticket_submit
from optout.services import participant_set_opt_out
from tests.factories import StaffFactory

from .helpers import ALL_REASONS, add_service, make_ticket

pytestmark = pytest.mark.django_db
YES = {"justified": True, "documented": True, "aligned": True}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def opted_out_ticket(world):
    seeker, esd = world.seekers["opted_out"], world.esd_case_manager
    add_service(
        seeker,
        "initial_assessment",
        date.today() - timedelta(days=5),
        office=world.office_a,
        by=esd,
    )
    service = add_service(seeker, "career_guidance", date.today(), office=world.office_a, by=esd)
    return make_ticket(seeker, by=esd, office=world.office_a, service=service)


def test_with_a_state_agency_reviewer_in_the_area_the_local_step_is_theirs(world):
    state_reviewer = StaffFactory(
        organization=world.state, role=Role.LWDB_REVIEWER, current_office=world.office_a
    )
    ticket = ticket_submit(actor=world.esd_case_manager, ticket=opted_out_ticket(world))
    assert (
        ticket.status == TicketState.LOCAL_REVIEW
        and "state agency's local reviewers" in ticket.routing_note
    )
    # The partner board's reviewer finds nothing; the state's reviewer has it in the queue and moves it.
    assert (
        f"#{ticket.pk}<"
        not in signed_in(world.lwdb_reviewer).get(reverse("dataedits:local_queue")).content.decode()
    )
    assert (
        f"#{ticket.pk}<"
        in signed_in(state_reviewer).get(reverse("dataedits:local_queue")).content.decode()
    )
    ticket_local_review(actor=state_reviewer, ticket=ticket, approve=True, **YES)
    ticket.refresh_from_db()
    assert ticket.status == TicketState.STATE_QUEUE


def test_without_one_it_goes_straight_to_the_state_with_the_reason_recorded(world):
    ticket = ticket_submit(actor=world.esd_case_manager, ticket=opted_out_ticket(world))
    assert ticket.status == TicketState.STATE_QUEUE and ticket.filed_on is not None
    assert "no state-agency local reviewer serves" in ticket.routing_note
    queue = (
        signed_in(world.state_dataedits)
        .get(reverse("dataedits:state_queue", args=["title_i"]))
        .content.decode()
    )
    assert f"#{ticket.pk}<" in queue
    page = (
        signed_in(world.state_dataedits)
        .get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
        .content.decode()
    )
    assert "sent straight to the state" in page
    ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)


def test_a_seeker_who_opts_out_while_a_ticket_waits_for_the_board_does_not_leave_it_stalled(world):
    seeker, partner = world.seekers["own"], world.partner_case_manager
    service = add_service(
        seeker, "career_guidance", date.today(), office=world.office_a, by=partner
    )
    ticket = ticket_submit(
        actor=partner,
        ticket=make_ticket(seeker, by=partner, office=world.office_a, service=service),
        confirmed_reasons=ALL_REASONS,
    )
    assert ticket.status == TicketState.LOCAL_REVIEW
    participant_set_opt_out(actor=world.esd_case_manager, participant=seeker, opted_out=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketState.STATE_QUEUE and "opted out" in ticket.routing_note
    # The filer may no longer open it; their notifications say who follows it up instead of a dead link.
    page = signed_in(partner).get(reverse("notifications:list")).content.decode()
    assert "ESD staff follow this up" in page
    assert reverse("dataedits:ticket_detail", args=[ticket.pk]) not in page
