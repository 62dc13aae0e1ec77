"""Notices: stored with the change they tell of, emailed once it commits, read only by their recipient."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Email, Notification
from notifications.services import (
    notification_send,
    notifications_mark_read,
    notifications_settle,
)
from notifications.views import NOTICES_PER_PAGE
from portal.errors import PortalError
from tests.notifications.test_email import FLAKY, MailServerBack

SSN = "917-43-8265"
LINK = "/optout/queue/"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def send(recipient, message="New opt-in request from Pat.", **kwargs) -> Notification:
    return notification_send(recipient=recipient, message=message, link=LINK, **kwargs)


class TestSending:
    def test_the_notice_is_stored_at_once_and_its_email_leaves_only_on_commit(
        self, world, django_capture_on_commit_callbacks
    ):
        person = world.esd_supervisor
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                notice = send(person, email_subject="Opt-in request")
                assert Notification.objects.get() == notice and notice.read_at is None
                assert notice.email == Email.objects.get() and notice.email.to == [person.email]
            assert not mail.outbox  # committed only when the test's transaction would
        [message] = mail.outbox
        assert len(callbacks) == 1
        assert message.to == [person.email] and message.subject == "Opt-in request"
        # Without a body of its own, the email is the message and a link to the page.
        assert "New opt-in request from Pat." in message.body
        assert f"{settings.PORTAL_BASE_URL.rstrip('/')}{LINK}" in message.body
        notice.email.refresh_from_db()
        assert notice.email.sent_at is not None

    def test_a_change_that_rolls_back_stores_and_sends_nothing(
        self, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                send(world.esd_supervisor, email_subject="Opt-in request")
                raise RuntimeError
        assert not Notification.objects.exists() and not Email.objects.exists()
        assert not mail.outbox

    def test_only_an_active_account_with_an_address_is_emailed_and_only_when_asked(
        self, world, django_capture_on_commit_callbacks
    ):
        person = world.esd_supervisor
        with django_capture_on_commit_callbacks(execute=True):
            assert send(person).email is None  # no subject: a notice in the portal only
            person.email = ""
            assert send(person, email_subject="Opt-in request").email is None
            person.email, person.is_active = "sup@example.org", False
            assert send(person, email_subject="Opt-in request").email is None
        assert Notification.objects.count() == 3 and not Email.objects.exists()
        assert not mail.outbox

    @pytest.mark.parametrize(
        "field",
        [
            {"message": f"New opt-in request for SSN {SSN}."},
            {"email_subject": f"Request {SSN}"},
            {"email_body": f"The client's SSN is {SSN.replace('-', ' ')}."},
        ],
        ids=["message", "subject", "body"],
    )
    def test_an_ssn_anywhere_is_refused_and_nothing_is_kept(self, world, field):
        kwargs = {"email_subject": "Opt-in request"} | field
        with pytest.raises(PortalError) as refused:
            send(world.esd_supervisor, **kwargs)
        assert refused.value.code == "ssn_in_text" and SSN not in str(refused.value)
        assert not Notification.objects.exists() and not Email.objects.exists()

    def test_the_link_is_a_page_of_the_portal(self, world):
        for link in ("https://elsewhere.example/", "//elsewhere.example/", "optout/queue/"):
            with pytest.raises(ValueError):
                notification_send(recipient=world.esd_supervisor, message="Hi.", link=link)
        assert not Notification.objects.exists()

    def test_a_long_message_is_shortened_to_one_line_rather_than_refusing_the_change(self, world):
        notice = send(world.esd_supervisor, message="New opt-in request\nfor " + "Ann " * 100)
        assert len(notice.message) == 300 and notice.message.endswith("…")
        assert "\n" not in notice.message

    def test_the_worker_retries_the_email_until_the_mail_server_takes_it(
        self, world, settings, django_capture_on_commit_callbacks
    ):
        """The real task, run eagerly: two refusals, then sent, each try recorded on the row."""
        settings.MAILERS = FLAKY
        MailServerBack.refused = 0
        with django_capture_on_commit_callbacks(execute=True):
            notice = send(world.esd_supervisor, email_subject="Opt-in request")
        notice.email.refresh_from_db()
        assert MailServerBack.refused == 2 and notice.email.attempts == 2
        assert notice.email.sent_at is not None
        assert [m.to for m in mail.outbox] == [[world.esd_supervisor.email]]

    def test_the_notice_is_in_the_audit_trail(self, world):
        notice = send(world.esd_supervisor)
        notifications_mark_read(actor=world.esd_supervisor, notification=notice)
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Notification), object_pk=str(notice.pk)
        ).order_by("pk")
        assert [e.action for e in entries] == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
        read = entries.last()
        assert read.actor == world.esd_supervisor
        assert read.additional_data == {"reason": "notification read"}


class TestReading:
    def test_one_by_one_by_page_or_all_and_only_ones_own(self, world):
        person, other = world.esd_supervisor, world.esd_supervisor_b
        first, second = send(person), send(person)
        send(person, message="Another.")
        notification_send(recipient=person, message="Elsewhere.", link="/optout/requests/")
        theirs = send(other)
        assert notifications_mark_read(actor=person, notification=first) == 1
        assert notifications_mark_read(actor=person, notification=first) == 0
        assert notifications_mark_read(actor=other, notification=second) == 0
        assert notifications_mark_read(actor=person, link=LINK) == 2  # second and third
        assert notifications_mark_read(actor=person) == 1  # the one elsewhere
        assert {n.pk for n in Notification.objects.filter(read_at=None)} == {theirs.pk}

    def test_settling_a_page_reads_everyones_notices_about_it(self, world):
        send(world.esd_supervisor), send(world.esd_supervisor_b)
        kept = notification_send(recipient=world.esd_supervisor, message="Hi.", link="/other/")
        assert notifications_settle(link=LINK) == 2
        assert list(Notification.objects.filter(read_at=None)) == [kept]


class TestPages:
    def test_the_list_shows_ones_own_notices_newest_first_paginated(self, world):
        person = world.partner_case_manager
        for number in range(NOTICES_PER_PAGE + 1):
            send(person, message=f"Notice number {number}.")
        send(world.esd_supervisor, message="Someone else's notice.")
        client = signed_in(person)
        first = client.get(reverse("notifications:list")).content.decode()
        assert f"Notice number {NOTICES_PER_PAGE}." in first and "Notice number 0." not in first
        assert "Someone else's notice." not in first and "Page 1 of 2" in first
        second = client.get(reverse("notifications:list") + "?page=2").content.decode()
        assert "Notice number 0." in second
        # Listing reads nothing: a notice is read by opening its page or marking it read.
        assert Notification.objects.filter(recipient=person, read_at=None).count() == 26

    def test_an_empty_list_says_so(self, world):
        page = signed_in(world.auditor).get(reverse("notifications:list")).content.decode()
        assert "No notifications yet." in page and "Mark all read" not in page

    def test_mark_read_is_post_only_and_only_for_the_recipient(self, world):
        notice = send(world.partner_case_manager)
        url = reverse("notifications:read", args=[notice.pk])
        assert signed_in(world.partner_case_manager).get(url).status_code == 405
        # A forged POST for someone else's notice: 404, as for one that does not exist.
        forged = signed_in(world.partner_case_manager_b).post(url)
        assert forged.status_code == 404
        missing = signed_in(world.partner_case_manager).post(
            reverse("notifications:read", args=[notice.pk + 1000])
        )
        assert missing.status_code == 404
        notice.refresh_from_db()
        assert notice.read_at is None
        done = signed_in(world.partner_case_manager).post(url)
        assert done.status_code == 302 and done["Location"] == reverse("notifications:list")
        notice.refresh_from_db()
        assert notice.read_at is not None

    def test_mark_all_read_reads_only_ones_own(self, world):
        send(world.partner_case_manager), send(world.partner_case_manager)
        theirs = send(world.partner_case_manager_b)
        client = signed_in(world.partner_case_manager)
        assert client.get(reverse("notifications:read_all")).status_code == 405
        response = client.post(reverse("notifications:read_all"), follow=True)
        assert "Marked 2 notifications read." in response.content.decode()
        assert list(Notification.objects.filter(read_at=None)) == [theirs]

    def test_a_notice_about_a_seeker_since_hidden_from_the_person_loses_its_link(self, world):
        hidden, shown = world.seekers["opted_out"], world.seekers["own"]
        for seeker in (hidden, shown):
            notification_send(
                recipient=world.partner_case_manager,
                message=f"About seeker {seeker.pk}.",
                link=f"/dataedits/seekers/{seeker.pk}/",
                participant=seeker,
            )
        hidden_notice, shown_notice = Notification.objects.order_by("pk")
        for url in (reverse("notifications:list"), reverse("portal:dashboard")):
            page = signed_in(world.partner_case_manager).get(url).content.decode()
            assert f'action="{reverse("notifications:open", args=[shown_notice.pk])}"' in page
            assert reverse("notifications:open", args=[hidden_notice.pk]) not in page
            assert f"About seeker {hidden.pk}." in page and "ESD staff follow this up" in page
            # The seeker is named only where the gate shows them.
            assert f"customer ID {shown.customer_id}" in page
            assert hidden.last_name not in page and hidden.customer_id not in page

    def test_the_dashboard_shows_the_unread_ones(self, world):
        person = world.esd_supervisor
        read = send(person, message="Already read.")
        notifications_mark_read(actor=person, notification=read)
        send(person, message="Waiting for you.")
        page = signed_in(person).get(reverse("portal:dashboard")).content.decode()
        assert "1 new notification." in page and "Waiting for you." in page
        assert "Already read." not in page
        assert f'href="{reverse("notifications:list")}"' in page
