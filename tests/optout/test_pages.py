"""The opt-out pages a person uses, through the test client: widgets, forms, messages, empty states."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from optout.models import OptInRequest, Status
from optout.services import opt_out_lookup
from participants.models import Enrollment
from tests.factories import ParticipantFactory

from .conftest import assert_no_ssn, decide, file_request

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


class TestDashboard:
    def test_partner_staff_get_the_lookup_widget_and_state_staff_do_not(self, world):
        for role in ("partner_case_manager", "lwdb_reviewer"):
            page = text(signed_in(world.people[role]).get(reverse("portal:dashboard")))
            assert 'aria-label="Opt-Out Lookup"' in page and 'href="/optout/lookup/"' in page, role
        assert "My opt-in requests" in text(
            signed_in(world.partner_case_manager).get(reverse("portal:dashboard"))
        )
        for role in (
            "esd_case_manager",
            "esd_supervisor",
            "esd_restricted",
            "access_requester",
            "auditor",
        ):
            page = text(signed_in(world.people[role]).get(reverse("portal:dashboard")))
            assert 'aria-label="Opt-Out Lookup"' not in page, role

    def test_the_supervisor_sees_waiting_and_overdue_requests_and_notifications(self, world):
        with time_machine.travel(timezone.now() - timedelta(days=31), tick=False):
            old = file_request(world)
        file_request(
            world, seeker=ParticipantFactory(first_name="Nia", last_name="New", opted_out=True)
        )
        supervisor = signed_in(world.esd_supervisor)
        page = text(supervisor.get(reverse("portal:dashboard")))
        assert "2 requests waiting for your decision, <strong>1 overdue</strong>" in page
        assert "New opt-in request from" in page and 'href="/optout/queue/"' in page
        # Opening the request from its notification reads it; showing the page alone does not.
        notice = Notification.objects.get(
            recipient=world.esd_supervisor, link=f"/optout/requests/{old.pk}/"
        )
        supervisor.get(reverse("optout:request_detail", args=[old.pk]))
        notice.refresh_from_db()
        assert notice.read_at is None
        supervisor.post(reverse("notifications:open", args=[notice.pk]))
        assert not Notification.objects.filter(
            recipient=world.esd_supervisor, link=f"/optout/requests/{old.pk}/", read_at=None
        ).exists()
        assert (
            Notification.objects.filter(recipient=world.esd_supervisor, read_at=None).count() == 1
        )

    def test_the_case_manager_is_notified_of_the_outcome(self, world):
        request = file_request(world)
        decide(world, request, "remain_opted_out", esd_staff_offered=True)
        page = text(signed_in(world.partner_case_manager).get(reverse("portal:dashboard")))
        assert "Ophelia Optedout asked to remain opted out." in page


class TestFiling:
    def test_the_form_is_prefilled_with_the_client_name_and_bad_input_changes_nothing(self, world):
        lookup = opt_out_lookup(
            actor=world.partner_case_manager, ssn=world.seekers["opted_out"].ssn
        )
        partner = signed_in(world.partner_case_manager)
        url = reverse("optout:request_file", args=[lookup.pk])
        assert 'value="Ophelia Optedout"' in text(partner.get(url))
        refused = partner.post(
            url,
            {
                "client_name": "Ophelia Optedout",
                "client_phone": "555",
                "client_reason": "Wants services.",
            },
        )
        assert refused.status_code == 400 and "10 digits" in text(refused)
        assert not OptInRequest.objects.exists()
        sent = partner.post(
            url,
            {
                "client_name": "Ophelia Optedout",
                "client_phone": "(360) 555-0100",
                "client_reason": "Wants services.",
            },
            follow=True,
        )
        page = text(sent)
        assert "Your opt-in request was sent to the ESD WIOA supervisors of your area." in page
        assert "Ask the client to contact the ESD WIOA supervisor" in page
        assert world.esd_supervisor.email in page

    def test_the_filer_sees_only_what_the_lookup_showed(self, world):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        decide(
            world,
            request,
            "remain_opted_out",
            esd_staff_offered=True,
            note="Prefers to keep her data private.",
        )
        page = text(
            signed_in(world.partner_case_manager).get(
                reverse("optout:request_detail", args=[request.pk])
            )
        )
        assert "The client remains opted out" in page
        assert "Prefers to keep her data private." not in page
        assert (
            seeker.customer_id not in page
            and reverse("participants:detail", args=[seeker.pk]) not in page
        )
        assert_no_ssn(page, seeker.ssn)
        supervisor_page = text(
            signed_in(world.esd_supervisor).get(reverse("optout:request_detail", args=[request.pk]))
        )
        assert (
            "Prefers to keep her data private." in supervisor_page
            and seeker.customer_id in supervisor_page
        )

    def test_my_requests_lists_outcomes_newest_first_with_an_empty_state(self, world):
        partner = signed_in(world.partner_case_manager)
        assert "You have not filed an opt-in request." in text(
            partner.get(reverse("optout:my_requests"))
        )
        first = file_request(world)
        decide(world, first, "opt_in")
        file_request(
            world, seeker=ParticipantFactory(first_name="Nia", last_name="New", opted_out=True)
        )
        page = text(partner.get(reverse("optout:my_requests")))
        assert page.index("Nia New") < page.index("Ophelia Optedout")
        assert (
            "Decided: the client opted in" in page and "Waiting for the ESD WIOA supervisor" in page
        )


class TestWithdrawing:
    def test_asks_for_a_confirmation_first(self, world):
        request = file_request(world)
        partner = signed_in(world.partner_case_manager)
        url = reverse("optout:request_withdraw", args=[request.pk])
        assert "Withdraw the opt-in request for Ophelia Optedout?" in text(partner.get(url))
        request.refresh_from_db()
        assert request.status == Status.FILED
        done = partner.post(url, follow=True)
        assert "The opt-in request was withdrawn." in text(done)
        assert "Withdraw the request" not in text(partner.get(url, follow=True))
        assert "nothing to withdraw" in text(partner.get(url, follow=True))

    def test_a_second_withdrawal_says_why_it_is_refused(self, world):
        request = file_request(world)
        partner = signed_in(world.partner_case_manager)
        url = reverse("optout:request_withdraw", args=[request.pk])
        partner.post(url)
        again = partner.post(url, follow=True)
        assert (
            "This opt-in request cannot be withdrawn now: "
            "its status is “Withdrawn by the case manager”." in text(again)
        )


class TestDeciding:
    def test_offers_add_seeker_to_office_first_then_records_opt_in(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        seeker = ParticipantFactory(
            first_name="Bea", last_name="Beta", opted_out=True, offices=[world.office_b]
        )
        request = file_request(world, seeker=seeker)
        supervisor = signed_in(world.esd_supervisor)
        url = reverse("optout:request_decide", args=[request.pk])
        page = text(supervisor.get(url))
        assert "Add the seeker to your office to opt them in" in page
        form = {"decision": "opt_in", "client_contacted_on": timezone.localdate().isoformat()}
        refused = supervisor.post(url, form)
        assert refused.status_code == 400
        assert (
            "Add the seeker to WorkSource Alpha (Add Seeker to Office) before opting them in."
            in text(refused)
        )

        enrolled = supervisor.post(reverse("optout:request_enroll", args=[request.pk]), follow=True)
        assert "Enrolled in WorkSource Alpha: Bea Beta." in text(enrolled)
        assert "Add the seeker to your office to opt them in" not in text(enrolled)
        assert Enrollment.objects.filter(
            participant=seeker, office=world.office_a, enrolled_by=world.esd_supervisor
        ).exists()

        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            done = supervisor.post(url, form, follow=True)
        assert (
            "Recorded. Decided: the client opted in. The case manager has been notified."
            in text(done)
        )
        assert len(mailoutbox) == 1
        seeker.refresh_from_db()
        assert not seeker.opted_out

    def test_deciding_twice_is_refused_with_a_message(self, world):
        request = file_request(world)
        decide(world, request, "remain_opted_out", esd_staff_offered=True)
        supervisor = signed_in(world.esd_supervisor)
        url = reverse("optout:request_decide", args=[request.pk])
        again = supervisor.post(
            url,
            {"decision": "opt_in", "client_contacted_on": timezone.localdate().isoformat()},
            follow=True,
        )
        assert (
            "This opt-in request cannot be answered “opt in” now: "
            "its status is “Decided: the client remains opted out”." in text(again)
        )
        assert "there is nothing left to decide" in text(supervisor.get(url, follow=True))
        request.refresh_from_db()
        assert request.status == Status.REMAINED_OPTED_OUT

    def test_form_errors_are_shown_and_change_nothing(self, world):
        request = file_request(world)
        supervisor = signed_in(world.esd_supervisor)
        response = supervisor.post(
            reverse("optout:request_decide", args=[request.pk]),
            {
                "decision": "remain_opted_out",
                "client_contacted_on": timezone.localdate().isoformat(),
            },
        )
        assert response.status_code == 400
        assert "Record that you offered the client to work with an ESD WIOA staff member." in text(
            response
        )
        missing = supervisor.post(reverse("optout:request_decide", args=[request.pk]), {})
        assert "Choose the client&#x27;s decision." in text(
            missing
        ) and "Enter the date you talked to the client." in text(missing)
        request.refresh_from_db()
        assert request.status == Status.FILED


class TestQueue:
    def test_oldest_first_overdue_flagged_closed_apart_and_an_empty_state(self, world):
        supervisor = signed_in(world.esd_supervisor)
        assert "No opt-in request is waiting for a decision." in text(
            supervisor.get(reverse("optout:queue"))
        )
        with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
            oldest = file_request(
                world,
                seeker=ParticipantFactory(first_name="Olga", last_name="Oldest", opted_out=True),
            )
        newest = file_request(world)
        done = file_request(
            world, seeker=ParticipantFactory(first_name="Dana", last_name="Done", opted_out=True)
        )
        decide(world, done, "remain_opted_out", esd_staff_offered=True)
        page = text(supervisor.get(reverse("optout:queue")))
        assert page.index("Olga Oldest") < page.index(newest.client_name)
        assert page.count(">Overdue</span>") == 1 and "Dana Done" not in page
        assert oldest.is_overdue
        closed = text(supervisor.get(reverse("optout:queue") + "?show=closed"))
        assert "Dana Done" in closed and "Olga Oldest" not in closed

    def test_the_nav_names_the_queue_for_supervisors_and_the_lookup_for_partners(self, world):
        assert ">Opt-in requests</span>" in text(
            signed_in(world.esd_supervisor).get(reverse("portal:dashboard"))
        )
        assert ">Opt-Out Lookup</span>" in text(
            signed_in(world.partner_case_manager).get(reverse("portal:dashboard"))
        )
        esd_page = text(signed_in(world.esd_case_manager).get(reverse("portal:dashboard")))
        assert (
            ">Opt-in requests</span>" not in esd_page and ">Opt-Out Lookup</span>" not in esd_page
        )
