"""Every email: queued with its change, one Celery task per message, retried, never a 500 after a commit."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from access.models import Report
from notifications.models import Email
from notifications.services import email_queue, emails_resend_unsent


class MailServerDown(EmailBackend):
    """The outside world: a mail server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


class MailServerBack(EmailBackend):
    """A mail server that refuses the first two messages it is given, then takes them."""

    refused = 0

    def send_messages(self, messages):
        if MailServerBack.refused < 2:
            MailServerBack.refused += 1
            raise ConnectionRefusedError("the mail server is restarting")
        return super().send_messages(messages)


DOWN = {"default": {"BACKEND": "tests.notifications.test_email.MailServerDown"}}
FLAKY = {"default": {"BACKEND": "tests.notifications.test_email.MailServerBack"}}


@pytest.mark.django_db
def test_an_email_is_sent_when_its_change_commits_and_never_for_one_rolled_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email_queue(
                to=["a@example.org", "a@example.org", ""],
                subject="Line one\r\nBcc: x@example.org",
                body="Hi.",
            )
        try:
            with transaction.atomic():
                email_queue(to=["b@example.org"], subject="Rolled back", body="Never.")
                raise RuntimeError
        except RuntimeError:
            pass
    [message] = mail.outbox
    assert message.to == ["a@example.org"] and message.subject == "Line one Bcc: x@example.org"
    assert (
        Email.objects.get().sent_at is not None
        and not Email.objects.filter(subject="Rolled back").exists()
    )
    assert email_queue(to=["", None], subject="Nobody", body="") is None


@pytest.mark.django_db
def test_a_mail_server_that_is_down_never_turns_a_saved_change_into_a_500(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(world.partner_case_manager)
    with override_settings(MAILERS=DOWN), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("access:report_add"),
            {
                "kind": "security_breach",
                "occurred_on": timezone.localdate().isoformat(),
                "summary": "Laptop stolen",
                "details": "From the car.",
            },
        )
    assert response.status_code == 302 and Report.objects.count() == 1
    email = Email.objects.get()
    assert (
        email.sent_at is None
        and email.attempts >= 1
        and "ConnectionRefusedError" in email.last_error
    )
    # While a task will still try it, the sweep leaves it alone; once no task holds it any more
    # (retries run out, a worker died), the sweep hands it over again, and it goes out once.
    assert emails_resend_unsent() == 0
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=11))
    assert emails_resend_unsent() == 1
    assert emails_resend_unsent() == 0
    assert [m.subject for m in mail.outbox] == [email.subject]
    # Sent, the body (which may hold a first-sign-in link or a client's phone) is not kept.
    email.refresh_from_db()
    assert email.sent_at is not None and email.body == ""


@pytest.mark.django_db
def test_the_wait_between_tries_grows_and_is_capped(settings):
    from notifications.services import retry_wait

    settings.EMAIL_RETRY_BASE_SECONDS = 60
    assert [retry_wait(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_wait(40) == timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_email_retrying_with_backoff(real_workers, settings):
    settings.MAILERS = FLAKY
    settings.EMAIL_RETRY_BASE_SECONDS = 0.2
    MailServerBack.refused = 0
    with start_worker(real_workers, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            email = email_queue(to=["pat@example.org"], subject="Your account", body="Welcome.")
        deadline = time.monotonic() + 30
        while not Email.objects.filter(pk=email.pk, sent_at__isnull=False).exists():
            assert time.monotonic() < deadline, "the worker did not send the email"
            time.sleep(0.1)
    email.refresh_from_db()
    assert email.attempts == 2 and MailServerBack.refused == 2
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
