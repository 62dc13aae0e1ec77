"""Seed 004's smaller rules: follow-up services, measurable skills gains, confidential medical
information in case notes, the ticket's Attachment II fields and the state's acknowledgment."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dataedits.confidential import named_condition
from dataedits.models import (
    CaseNote,
    ChangeKind,
    DataEditTicket,
    Service,
    SkillsGain,
    TicketState,
)
from dataedits.services import (
    service_create,
    ticket_acknowledge,
    ticket_create,
    ticket_decide,
    ticket_local_review,
    ticket_submit,
)
from notifications.models import Notification
from portal.errors import PortalError

from .helpers import ALL_REASONS, add_note, add_service, service_type

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- follow-up services ----------------------------------------------------------------------------


def follow_up(
    world, day, kind="career_planning", note="Talked through the next training step with her."
):
    return service_create(
        actor=world.partner_case_manager,
        participant=world.seekers["own"],
        service_type=service_type("follow_up"),
        program="adult",
        start_date=day,
        end_date=day,
        follow_up_kind=kind,
        follow_up_note=note,
    )


def test_a_follow_up_is_recorded_only_after_the_exit_with_a_case_note(world):
    add_service(
        world.seekers["own"],
        "career_guidance",
        date(2024, 1, 10),
        office=world.office_a,
        by=world.partner_case_manager,
    )
    with at(2024, 3, 13, 10, 0):
        with pytest.raises(PortalError, match="only after the seeker's exit") as refused:
            follow_up(world, date(2024, 3, 13))
        assert "01/10/2024" in refused.value.message
    with at(2024, 5, 1, 10, 0):  # more than 90 days after the last service: exited
        with pytest.raises(PortalError, match="Document the follow-up service in a case note"):
            follow_up(world, date(2024, 5, 1), note="  ")
        service = follow_up(world, date(2024, 5, 1))
    assert service.follow_up_kind == "career_planning"
    note = CaseNote.objects.get(participant=world.seekers["own"])
    assert note.contact_date == date(2024, 5, 1) and "next training step" in note.text


@pytest.mark.parametrize("kind", ["attempted_contact", "documentation_contact"])
def test_an_attempted_contact_is_a_case_note_not_a_follow_up(world, kind):
    with pytest.raises(PortalError, match="Write a case note instead"):
        follow_up(world, date.today(), kind=kind)
    response = signed_in(world.partner_case_manager).post(
        reverse("dataedits:service_create", args=[world.seekers["own"].pk]),
        {
            "service_type": service_type("follow_up").pk,
            "program": "adult",
            "start_date": date.today().isoformat(),
            "end_date": date.today().isoformat(),
            "follow_up_kind": kind,
            "follow_up_note": "Left a voicemail.",
        },
    )
    assert response.status_code == 400 and "Write a case note instead" in response.content.decode()
    assert not Service.objects.exists()


# --- measurable skills gains ---------------------------------------------------------------------------


def gain_ticket(world, gain_date):
    seeker, partner = world.seekers["own"], world.partner_case_manager
    draft = DataEditTicket(
        kind=ChangeKind.MEASURABLE_SKILLS_GAIN,
        gain_type="training_milestone",
        gain_date=gain_date,
        new_program="adult",
        subject="Training milestone",
        need_type="measurable_skills_gain",
        filer_phone="3605550100",
        what_is_wrong="The milestone is not recorded.",
        what_is_right="Milestone reached.",
        justification="Transcript.",
    )
    note = add_note(seeker, by=partner, office=world.office_a, contact=gain_date)
    return ticket_create(actor=partner, participant=seeker, ticket=draft, supporting_notes=[note])


def test_a_measurable_skills_gain_is_its_own_ticket_under_the_20_day_rule(world):
    with at(2024, 1, 15, 10, 0):
        ticket = ticket_submit(
            actor=world.partner_case_manager, ticket=gain_ticket(world, date(2023, 12, 4))
        )
        assert ticket.deadline == date(2024, 1, 20)
        ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
    gain = SkillsGain.objects.get()
    assert (gain.gain_type, gain.achieved_on, gain.ticket_id) == (
        "training_milestone",
        date(2023, 12, 4),
        ticket.pk,
    )


def test_a_measurable_skills_gain_of_a_prior_quarter_is_denied(world):
    with at(2024, 3, 1, 10, 0):
        ticket = ticket_submit(
            actor=world.partner_case_manager,
            ticket=gain_ticket(world, date(2023, 9, 20)),
            confirmed_reasons=ALL_REASONS,
        )
        assert ticket.precheck["reasons"] == ["past_deadline"]
        with pytest.raises(PortalError) as refused:
            ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
    assert refused.value.code == "past_deadline" and not SkillsGain.objects.exists()


# --- confidential medical information --------------------------------------------------------------


@pytest.mark.parametrize(
    "text,found",
    [
        ("Scheduled an interpreter: accommodation made for the interview.", None),
        ("She told me about her diabetes diagnosis.", "diabetes"),
        ("Struggles with PTSD since the accident.", "ptsd"),
    ],
)
def test_the_check_finds_notes_that_name_a_condition(text, found):
    assert named_condition(text) == found


def test_a_note_naming_a_condition_asks_first_and_then_stays_in_the_authors_office_and_with_the_state(
    world,
):
    seeker = world.seekers["own"]
    url = reverse("dataedits:case_note_create", args=[seeker.pk])
    note = {
        "contact_date": date.today().isoformat(),
        "text": "Her anxiety makes group workshops hard.",
    }
    author = signed_in(world.partner_case_manager)
    asked = author.post(url, note)
    assert (
        asked.status_code == 400
        and "names a medical condition or disability" in asked.content.decode()
    )
    assert not CaseNote.objects.exists()
    assert author.post(url, note | {"confirm_condition": "on"}).status_code == 302
    saved = CaseNote.objects.get()
    assert saved.names_condition

    page = reverse("dataedits:seeker", args=[seeker.pk])
    assert "group workshops" in author.get(page).content.decode()
    assert "group workshops" in signed_in(world.auditor).get(page).content.decode()  # state staff
    # Staff of another office who may see the seeker do not see the note.
    elsewhere = world.partner_case_manager_b
    assert "group workshops" not in signed_in(elsewhere).get(page).content.decode()
    # An accommodation, without the condition, is an ordinary note.
    author.post(
        url,
        {
            "contact_date": date.today().isoformat(),
            "text": "Accommodation made: extra time for the test.",
        },
    )
    assert CaseNote.objects.filter(names_condition=False).count() == 1


# --- Attachment II: the ticket's own fields, and the state's reply --------------------------------------


def test_the_state_acknowledges_receipt_and_the_filer_is_told(world):
    partner = world.partner_case_manager
    with at(2024, 1, 10, 10, 0):
        ticket = ticket_submit(actor=partner, ticket=gain_ticket(world, date(2024, 1, 5)))
        with pytest.raises(PortalError, match="once it is in its queue"):
            ticket_acknowledge(actor=world.state_dataedits, ticket=ticket)
        ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
        client = signed_in(world.state_dataedits)
        detail = reverse("dataedits:ticket_detail", args=[ticket.pk])
        assert "Acknowledge receipt to the filer" in client.get(detail).content.decode()
        client.post(reverse("dataedits:ticket_acknowledge", args=[ticket.pk]))
        page = client.get(detail).content.decode()
        assert "Receipt acknowledged" in page and "Acknowledge receipt to the filer" not in page
        with pytest.raises(PortalError, match="already acknowledged"):
            ticket_acknowledge(actor=world.state_dataedits, ticket=ticket)
    ticket.refresh_from_db()
    assert (
        ticket.acknowledged_by == world.state_dataedits and ticket.status == TicketState.STATE_QUEUE
    )
    assert Notification.objects.filter(
        recipient=partner, message__startswith="The state received"
    ).exists()
    shown = (
        signed_in(partner)
        .get(reverse("dataedits:ticket_detail", args=[ticket.pk]))
        .content.decode()
    )
    assert (
        "Training milestone" in shown
        and "3605550100" in shown
        and "Measurable skills gain" in shown
    )


def test_the_work_phone_is_kept_as_digits_and_must_be_a_phone(world):
    seeker = world.seekers["own"]
    service = add_service(
        seeker,
        "career_guidance",
        date.today() - timedelta(days=2),
        office=world.office_a,
        by=world.partner_case_manager,
    )
    base = {
        "kind": "delete_service",
        "service": service.pk,
        "subject": "Duplicate",
        "need_type": "participant_data",
        "what_is_wrong": "Twice.",
        "what_is_right": "Once.",
        "justification": "Duplicate.",
    }
    client = signed_in(world.partner_case_manager)
    refused = client.post(
        reverse("dataedits:ticket_create", args=[seeker.pk]), base | {"filer_phone": "call me"}
    )
    assert (
        refused.status_code == 400
        and "Enter your work phone: 10 digits" in refused.content.decode()
    )
    assert (
        client.post(
            reverse("dataedits:ticket_create", args=[seeker.pk]),
            base | {"filer_phone": "360.555.0100"},
        ).status_code
        == 302
    )
    assert DataEditTicket.objects.get().filer_phone == "3605550100"
