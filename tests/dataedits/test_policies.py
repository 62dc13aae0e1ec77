"""dataedits/policies.py: who may submit, review, decide and acknowledge a ticket, role by role,
and every arm of the four-eyes rule (seed 004): the filer, the local reviewer, the state decider."""

from typing import Any

import pytest
from django.utils import timezone

from access.roles import Role
from dataedits.models import DataEditTicket, TicketState
from dataedits.policies import (
    acknowledge_refusal,
    area_refusal,
    decide_refusal,
    filer_refusal,
    may_acknowledge,
    may_add_document,
    may_decide,
    may_review,
    may_submit,
    review_refusal,
)
from tests.world import PEOPLE

from .helpers import make_ticket

pytestmark = pytest.mark.django_db
EVERYONE = [key + suffix for suffix in ("", "_b") for key in PEOPLE]


@pytest.fixture
def ticket(world: Any) -> DataEditTicket:
    """A ticket the partner case manager filed in office A (area 1)."""
    return make_ticket(world.seekers["own"], by=world.partner_case_manager, office=world.office_a)


def in_status(ticket: DataEditTicket, status: TicketState) -> DataEditTicket:
    ticket.status = status
    return ticket


class TestTheFiler:
    def test_submits_and_adds_documents_to_the_draft_only(self, world: Any, ticket) -> None:
        filer = world.partner_case_manager
        assert filer_refusal(filer, ticket) is None
        assert may_submit(filer, ticket) and may_add_document(filer, ticket)
        for status in set(TicketState) - {TicketState.DRAFT}:
            in_status(ticket, status)
            assert not may_submit(filer, ticket) and not may_add_document(filer, ticket)

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - {"partner_case_manager"}))
    def test_nobody_else(self, world: Any, ticket, key: str) -> None:
        person = world.people[key]
        assert filer_refusal(person, ticket).code == "not_filer"
        assert not may_submit(person, ticket) and not may_add_document(person, ticket)


class TestTheLocalBoard:
    def test_the_areas_reviewer_reviews_while_the_ticket_waits_for_the_board(
        self, world: Any, ticket
    ) -> None:
        reviewer = world.lwdb_reviewer
        assert review_refusal(reviewer, ticket) is None
        assert not may_review(reviewer, ticket)  # a draft: not yet submitted
        assert may_review(reviewer, in_status(ticket, TicketState.LOCAL_REVIEW))
        for status in (TicketState.STATE_QUEUE, TicketState.APPROVED, TicketState.DENIED):
            assert not may_review(reviewer, in_status(ticket, status))

    def test_another_boards_reviewer_does_not(self, world: Any, ticket) -> None:
        in_status(ticket, TicketState.LOCAL_REVIEW)
        assert area_refusal(world.lwdb_reviewer_b, ticket).code == "other_area"
        assert review_refusal(world.lwdb_reviewer_b, ticket).code == "other_area"
        assert not may_review(world.lwdb_reviewer_b, ticket)

    def test_four_eyes_the_filer_never_reviews_their_own_ticket(self, world: Any, ticket) -> None:
        filer = world.partner_case_manager
        filer.role = Role.LWDB_REVIEWER  # the filer later becomes the board's reviewer
        in_status(ticket, TicketState.LOCAL_REVIEW)
        # The ticket is their board's: only four eyes refuses.
        assert area_refusal(filer, ticket) is None
        assert review_refusal(filer, ticket).code == "four_eyes"
        assert not may_review(filer, ticket)

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - {"lwdb_reviewer", "lwdb_reviewer_b"}))
    def test_no_other_role_reviews(self, world: Any, ticket, key: str) -> None:
        in_status(ticket, TicketState.LOCAL_REVIEW)
        assert review_refusal(world.people[key], ticket).code == "not_reviewer"
        assert not may_review(world.people[key], ticket)


class TestTheState:
    def test_state_data_edit_staff_decide_what_reached_the_queue(self, world: Any, ticket) -> None:
        decider = world.state_dataedits
        ticket.local_reviewer = world.lwdb_reviewer
        assert decide_refusal(decider, ticket) is None
        assert may_decide(decider, in_status(ticket, TicketState.STATE_QUEUE))
        # The other area's state staff work the same statewide queue.
        assert may_decide(world.state_dataedits_b, ticket)
        for status in set(TicketState) - {TicketState.STATE_QUEUE}:
            assert not may_decide(decider, in_status(ticket, status))

    def test_four_eyes_the_filer_never_decides(self, world: Any) -> None:
        filer = world.state_dataedits
        ticket = make_ticket(world.seekers["own"], by=filer, office=world.office_a)
        in_status(ticket, TicketState.STATE_QUEUE)
        assert decide_refusal(filer, ticket).code == "four_eyes"
        assert not may_decide(filer, ticket)
        assert may_decide(world.state_dataedits_b, ticket)

    def test_four_eyes_the_local_reviewer_never_decides(self, world: Any, ticket) -> None:
        reviewer = world.state_dataedits  # a state agency reviewer did the local step
        ticket.local_reviewer = reviewer
        in_status(ticket, TicketState.STATE_QUEUE)
        assert decide_refusal(reviewer, ticket).code == "four_eyes"
        assert not may_decide(reviewer, ticket)

    @pytest.mark.parametrize(
        "key", sorted(set(EVERYONE) - {"state_dataedits", "state_dataedits_b"})
    )
    def test_no_other_role_decides_or_acknowledges(self, world: Any, ticket, key: str) -> None:
        in_status(ticket, TicketState.STATE_QUEUE)
        ticket.received_at = timezone.now()
        assert decide_refusal(world.people[key], ticket).code == "not_state_staff"
        assert acknowledge_refusal(world.people[key], ticket).code == "not_state_staff"
        assert not may_decide(world.people[key], ticket)
        assert not may_acknowledge(world.people[key], ticket)

    def test_acknowledging_once_a_ticket_reached_the_state(self, world: Any, ticket) -> None:
        decider = world.state_dataedits
        assert acknowledge_refusal(decider, ticket).code == "not_received"
        ticket.received_at = timezone.now()
        assert acknowledge_refusal(decider, ticket).code == "not_received"  # still a draft
        for status in (TicketState.STATE_QUEUE, TicketState.APPROVED, TicketState.DENIED):
            assert may_acknowledge(decider, in_status(ticket, status))
        ticket.acknowledged_at = timezone.now()
        assert acknowledge_refusal(decider, ticket).code == "acknowledged"
        assert not may_acknowledge(decider, ticket)
