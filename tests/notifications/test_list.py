"""One list of every notice (opt-out and data-edit alike): newest first, each naming its seeker to
a recipient the visibility gate shows them to, read when opened by POST and never by a GET."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dataedits.models import ChangeKind, SeekerField, TicketState
from dataedits.services import ticket_local_review
from notifications.models import Notification
from tests.dataedits.helpers import make_ticket
from tests.optout.conftest import decide, file_request

pytestmark = pytest.mark.django_db
YES = {"justified": True, "documented": True, "aligned": True}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def ticket_reviewed(world, seeker):
    """A ticket about `seeker` the local board approved: its filer is told (a data-edit notice)."""
    ticket = make_ticket(
        seeker,
        by=world.partner_case_manager,
        office=world.office_a,
        kind=ChangeKind.CORRECT_SEEKER_DATA,
        seeker_field=SeekerField.FIRST_NAME,
        seeker_value="Olive",
        status=TicketState.LOCAL_REVIEW,
        filed_on=timezone.localdate(),
    )
    ticket_local_review(actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES)
    return ticket


def open_form(notice) -> str:
    return f'action="{reverse("notifications:open", args=[notice.pk])}"'


def test_opt_out_and_data_edit_notices_are_one_list_newest_first_with_the_seeker_named(world):
    own, opted_out = world.seekers["own"], world.seekers["opted_out"]
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=2), tick=False):
        ticket_reviewed(world, own)
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        opt_in = file_request(world)
        decide(world, opt_in, "opt_in")
    ticket, decided = Notification.objects.filter(recipient=world.partner_case_manager).order_by(
        "created_at"
    )
    assert ticket.participant == own and decided.participant == opted_out

    page = signed_in(world.partner_case_manager).get(reverse("notifications:list")).content.decode()
    # Newest first: the opt-in request's outcome, then the ticket's step.
    assert page.index(open_form(decided)) < page.index(open_form(ticket))
    assert f"seeker: Olivia Ownoffice, customer ID {own.customer_id}" in page
    # Opted in, the seeker is shown to partner staff again: named on the notice too.
    assert f"seeker: Ophelia Optedout, customer ID {opted_out.customer_id}" in page


def test_a_seeker_the_gate_hides_is_not_named_yet_the_filer_still_opens_their_request(world):
    opt_in = file_request(world)
    decide(world, opt_in, "remain_opted_out", esd_staff_offered=True)
    seeker = world.seekers["opted_out"]
    notice = Notification.objects.get(recipient=world.partner_case_manager)
    assert notice.participant == seeker

    client = signed_in(world.partner_case_manager)
    page = client.get(reverse("notifications:list")).content.decode()
    assert seeker.customer_id not in page and "seeker: " not in page
    # The request is the filer's own page, whatever the seeker chose: it stays one click away.
    assert open_form(notice) in page
    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == f"/optout/requests/{opt_in.pk}/"
    assert client.get(opened["Location"]).status_code == 200

    # The supervisors, state staff, see who the request they were told of was about.
    supervisor_page = signed_in(world.esd_supervisor).get(reverse("notifications:list"))
    assert f"customer ID {seeker.customer_id}" in supervisor_page.content.decode()


def test_opening_a_notice_by_post_reads_it_and_goes_to_its_page(world):
    ticket = ticket_reviewed(world, world.seekers["own"])
    notice = Notification.objects.get(recipient=world.partner_case_manager)
    client = signed_in(world.partner_case_manager)
    # A GET of the list, of the dashboard and of the ticket itself reads nothing.
    for url in (
        reverse("notifications:list"),
        reverse("portal:dashboard"),
        reverse("dataedits:ticket_detail", args=[ticket.pk]),
    ):
        assert client.get(url).status_code == 200
        notice.refresh_from_db()
        assert notice.read_at is None, url
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None

    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == reverse("dataedits:ticket_detail", args=[ticket.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Read, it is a plain link to its page.
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("dataedits:ticket_detail", args=[ticket.pk])}"' in page
    assert open_form(notice) not in page


def test_someone_elses_notice_cannot_be_opened_or_read(world):
    ticket_reviewed(world, world.seekers["own"])
    notice = Notification.objects.get(recipient=world.partner_case_manager)
    forged = signed_in(world.partner_case_manager_b).post(
        reverse("notifications:open", args=[notice.pk])
    )
    assert forged.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_whose_seeker_is_since_hidden_is_read_and_leads_back_to_the_list(world):
    seeker = world.seekers["own"]
    ticket_reviewed(world, seeker)
    notice = Notification.objects.get(recipient=world.partner_case_manager)
    seeker.opted_out = True
    seeker.save(update_fields=["opted_out"])
    client = signed_in(world.partner_case_manager)
    page = client.get(reverse("notifications:list")).content.decode()
    assert open_form(notice) not in page and seeker.customer_id not in page
    # A forged open does not lead to the hidden seeker's ticket.
    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == reverse("notifications:list")


def test_a_stored_link_that_would_leave_the_portal_is_never_followed(world):
    notice = Notification.objects.create(
        recipient=world.partner_case_manager, message="Odd.", link="/\\\\evil.example.org/"
    )
    opened = signed_in(world.partner_case_manager).post(
        reverse("notifications:open", args=[notice.pk])
    )
    assert opened["Location"] == reverse("notifications:list")
    notice.refresh_from_db()  # read all the same
    assert notice.read_at is not None
