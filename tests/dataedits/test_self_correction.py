"""A slip corrected by the person who made it: until the end of the next business day, while the
quarter is open, with a reason, audited; anything else, and anything that moves a period, is a ticket."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from dataedits.models import CaseNote, Service
from dataedits.rules import self_correction_ends
from dataedits.services import case_note_correct, case_note_remove, service_correct, service_remove
from portal.errors import PortalError

from .helpers import add_note, add_service, make_ticket, service_type

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.mark.parametrize(
    "entered,ends",
    [
        (datetime(2024, 3, 13, 10, 0), date(2024, 3, 14)),  # a Wednesday: until Thursday night
        (datetime(2024, 3, 15, 16, 30), date(2024, 3, 18)),  # a Friday: until Monday night
        (datetime(2024, 3, 16, 9, 0), date(2024, 3, 18)),  # a Saturday: until Monday night
    ],
)
def test_the_window_ends_with_the_next_business_day(entered, ends):
    until = self_correction_ends(entered.replace(tzinfo=TZ))
    assert until.date() == ends and (until.hour, until.minute) == (23, 59)


@pytest.fixture
def slip(world):
    """A career guidance service recorded Friday 03/15/2024 by the partner case manager, in a period."""
    seeker, partner = world.seekers["own"], world.partner_case_manager
    add_service(
        seeker,
        "initial_assessment",
        date(2024, 3, 1),
        office=world.office_a,
        by=partner,
        entered_at=datetime(2024, 3, 1, 9, 0, tzinfo=TZ),
    )
    return add_service(
        seeker,
        "career_guidance",
        date(2024, 3, 15),
        office=world.office_a,
        by=partner,
        entered_at=datetime(2024, 3, 15, 16, 30, tzinfo=TZ),
    )


def correct(world, slip, actor=None, **values):
    fields = {
        "service_type": slip.service_type,
        "program": "youth",
        "start_date": slip.start_date,
        "end_date": slip.end_date,
        "reason": "Chose the adult program by mistake.",
    } | values
    return service_correct(actor=actor or world.partner_case_manager, service=slip, **fields)


def test_the_recorder_corrects_it_until_the_next_business_days_end_with_a_reason_audited(
    world, slip
):
    with at(2024, 3, 18, 22, 0):  # Monday night
        corrected = correct(world, slip)
    assert corrected.program == "youth"
    entry = AuditEntry.objects.filter(
        object_pk=str(slip.pk), action=AuditEntry.Action.UPDATE
    ).latest("pk")
    assert entry.actor == world.partner_case_manager
    assert (
        entry.additional_data["reason"]
        == "service corrected by the person who recorded it: Chose the adult program by mistake."
    )
    with at(2024, 3, 19, 0, 1), pytest.raises(PortalError, match="until 03/18/2024") as refused:
        correct(world, slip, program="adult")
    assert refused.value.code == "needs_a_ticket"


def test_nobody_else_corrects_it_and_a_reason_is_needed(world, slip):
    with at(2024, 3, 18, 9, 0):
        with pytest.raises(PortalError, match="Only the person who recorded it"):
            correct(world, slip, actor=world.partner_restricted)
        with pytest.raises(PortalError, match="Enter the reason"):
            correct(world, slip, reason="  ")
    assert Service.objects.get(pk=slip.pk).program == "adult"


def test_a_correction_that_would_move_a_period_needs_a_ticket(world):
    seeker, partner = world.seekers["own"], world.partner_case_manager
    only = add_service(
        seeker,
        "career_guidance",
        date(2024, 3, 15),
        office=world.office_a,
        by=partner,
        entered_at=datetime(2024, 3, 15, 16, 30, tzinfo=TZ),
    )
    with at(2024, 3, 18, 9, 0):
        # The seeker's only counted service: turned into one that does not count, or removed, the
        # period of participation would disappear.
        with pytest.raises(
            PortalError,
            match="This needs a data-edit ticket: A period of participation would disappear",
        ):
            correct(world, only, service_type=service_type("information_only"))
        with pytest.raises(PortalError, match="This needs a data-edit ticket"):
            service_remove(actor=partner, service=only, reason="Wrong seeker.")
        # Its dates moved within the quarter, the period stays: allowed.
        correct(world, only, start_date=date(2024, 3, 14), end_date=date(2024, 3, 14))
    assert Service.objects.get(pk=only.pk).start_date == date(2024, 3, 14)


def test_a_closed_quarter_is_corrected_only_by_a_ticket(world):
    seeker, partner = world.seekers["own"], world.partner_case_manager
    late = add_service(
        seeker,
        "career_guidance",
        date(2023, 12, 15),
        office=world.office_a,
        by=partner,
        entered_at=datetime(2024, 1, 19, 15, 0, tzinfo=TZ),
    )
    with at(2024, 1, 22, 9, 0), pytest.raises(PortalError, match="PY2023 Q2 is closed"):
        service_remove(actor=partner, service=late, reason="Wrong seeker.")


def test_removing_needs_no_period_to_change_and_no_open_ticket(world, slip):
    with at(2024, 3, 18, 9, 0):
        ticket = make_ticket(
            world.seekers["own"], by=world.partner_case_manager, office=world.office_a, service=slip
        )
        with pytest.raises(PortalError, match=f"ticket #{ticket.pk} is about this service"):
            service_remove(actor=world.partner_case_manager, service=slip, reason="Recorded twice.")
        ticket.delete()
        service_remove(actor=world.partner_case_manager, service=slip, reason="Recorded twice.")
    assert not Service.objects.filter(pk=slip.pk).exists()
    entry = AuditEntry.objects.filter(object_pk=str(slip.pk), action=AuditEntry.Action.DELETE).get()
    assert entry.additional_data["reason"].endswith("Recorded twice.")


def test_a_case_note_is_corrected_or_removed_by_its_author_and_stays_if_it_supports_a_ticket(world):
    seeker, partner = world.seekers["own"], world.partner_case_manager
    note = add_note(
        seeker,
        by=partner,
        office=world.office_a,
        contact=date(2024, 3, 13),
        entered_at=datetime(2024, 3, 13, 11, 0, tzinfo=TZ),
    )
    with at(2024, 3, 14, 17, 0):
        case_note_correct(
            actor=partner,
            note=note,
            contact_date=date(2024, 3, 12),
            text="Met; agreed a plan.",
            reason="Wrong day.",
        )
        ticket = make_ticket(seeker, by=partner, office=world.office_a, note=note)
        with pytest.raises(PortalError, match=f"supports data-edit ticket #{ticket.pk}"):
            case_note_remove(actor=partner, note=note, reason="Wrong seeker.")
    note.refresh_from_db()
    assert (note.contact_date, note.text) == (date(2024, 3, 12), "Met; agreed a plan.")


def test_the_seeker_page_offers_the_correction_only_while_it_may_be_made(world, slip):
    client = Client()
    client.force_login(world.partner_case_manager)
    page_url = reverse("dataedits:seeker", args=[world.seekers["own"].pk])
    correct_url = reverse("dataedits:service_correct", args=[world.seekers["own"].pk, slip.pk])
    with at(2024, 3, 18, 9, 0):
        assert correct_url in client.get(page_url).content.decode()
        form = client.post(
            correct_url,
            {
                "service_type": slip.service_type_id,
                "program": "youth",
                "start_date": "2024-03-15",
                "end_date": "2024-03-15",
                "reason": "Program.",
            },
        )
        assert form.status_code == 302
    with at(2024, 3, 19, 9, 0):
        client.force_login(world.partner_case_manager)  # a new day, a new sign-in
        assert correct_url not in client.get(page_url).content.decode()
        refused = client.get(correct_url)
        assert refused.status_code == 403 and "file a data-edit ticket" in refused.content.decode()
    assert CaseNote.objects.count() == 0
