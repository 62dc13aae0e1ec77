"""The ticket says why the state queue counts it as received later, and only the reason that applies."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dataedits import rules
from dataedits.models import ChangeKind, SeekerField, TicketState
from dataedits.services import ticket_local_review

from .helpers import make_ticket

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}


def received(world, *when):
    """A ticket the local board sent to the state queue at `when`; the page state staff open."""
    ticket = make_ticket(
        world.seekers["own"],
        by=world.partner_case_manager,
        office=world.office_a,
        kind=ChangeKind.CORRECT_SEEKER_DATA,
        seeker_field=SeekerField.FIRST_NAME,
        seeker_value="Olive",
        status=TicketState.LOCAL_REVIEW,
        filed_on=date(2024, 3, 4),
    )
    with time_machine.travel(datetime(*when, tzinfo=TZ), tick=False):
        ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
    client = Client()
    client.force_login(world.state_dataedits)
    return client.get(reverse("dataedits:ticket_detail", args=[ticket.pk])).content.decode()


@pytest.mark.parametrize(
    "when, says",
    [
        ((2024, 3, 5, 16, 5), "counted as received 03/06/2024 7:00 AM (received after 4:00 PM)"),
        ((2024, 3, 9, 10, 0), "counted as received 03/11/2024 7:00 AM (received on a weekend)"),
        ((2024, 3, 9, 17, 0), "counted as received 03/11/2024 7:00 AM (received on a weekend)"),
        ((2024, 3, 6, 6, 30), "counted as received 03/06/2024 7:00 AM (received before 7:00 AM)"),
    ],
)
def test_a_ticket_counted_later_gives_the_one_reason_that_applies(world, when, says):
    page = received(world, *when)
    assert says in page
    assert "after 4:00 PM or on a weekend" not in page


def test_a_ticket_received_in_business_hours_says_nothing_of_them(world):
    page = received(world, 2024, 3, 5, 15, 59)
    assert "Received in the state queue" in page and "03/05/2024 3:59 PM" in page
    assert "counted as received" not in page and "4:00 PM" not in page


def test_the_reason_follows_the_rule_of_business_hours():
    assert rules.receipt_wait(datetime(2024, 3, 5, 16, 0, tzinfo=TZ)) is None  # 4:00 PM counts
    assert rules.receipt_wait(datetime(2024, 3, 5, 16, 1, tzinfo=TZ)) == "after_closing"
    assert rules.receipt_wait(datetime(2024, 3, 5, 7, 0, tzinfo=TZ)) is None
    assert rules.receipt_wait(datetime(2024, 3, 5, 6, 59, tzinfo=TZ)) == "before_opening"
    assert rules.receipt_wait(datetime(2024, 3, 9, 12, 0, tzinfo=TZ)) == "weekend"  # Saturday
    assert rules.receipt_wait(datetime(2024, 3, 10, 6, 0, tzinfo=TZ)) == "weekend"  # Sunday
    assert rules.receipt_wait(datetime(2024, 3, 8, 23, 59, tzinfo=TZ)) == "after_closing"
