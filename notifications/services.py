"""Every email of the portal: queued with the change it tells of, sent by one Celery task per message."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)
# The longest wait between two tries, however long the mail server has been away.
LONGEST_WAIT = timedelta(hours=1)


def email_queue(*, to: list[str], subject: str, body: str) -> Email | None:
    """Queues an email in the current transaction; the worker sends it once that commits.

    The subject is made one line whatever it was given (a line break in a header would be
    refused by the mail library, after the change was saved). Nothing is queued without a recipient.
    """
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    email = Email.objects.create(to=recipients, subject=" ".join(subject.split())[:200], body=body)
    # robust: a broker that cannot be reached logs and leaves the email to the sweep, never a 500.
    transaction.on_commit(lambda: _hand_to_worker(email.pk), robust=True)
    return email


def _hand_to_worker(email_id: int, countdown: float = 0) -> None:
    from .tasks import email_send

    email_send.apply_async((email_id,), countdown=countdown)


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 ... times the base, at most an hour."""
    seconds = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 16)
    return min(timedelta(seconds=seconds), LONGEST_WAIT)


def email_deliver(*, email_id: int, now: datetime | None = None) -> bool:
    """Sends one queued email; True if it went out now, False if it had already gone.

    The row is locked while the mail goes out, so two workers never send it both. A failure is
    recorded on the row, with when to try again, and raised again for the task to retry then.
    """
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at=None)
            .first()
        )
        if email is None:
            return False
        try:
            EmailMessage(subject=email.subject, body=email.body, to=email.to).send()
        except Exception as exc:
            failure = exc
        else:
            email.sent_at, email.body, email.next_attempt_at = now or timezone.now(), "", None
            email.save(update_fields=["sent_at", "body", "next_attempt_at"])
            return True
    attempts = email.attempts + 1
    Email.objects.filter(pk=email.pk).update(
        attempts=attempts,
        last_error=f"{type(failure).__name__}: {failure}"[:200],
        next_attempt_at=(now or timezone.now()) + retry_wait(attempts),
    )
    if attempts % 10 == 0:
        logger.error(
            "email %s is still not sent after %d attempts: %s",
            email.pk,
            attempts,
            type(failure).__name__,
        )
    raise failure


def emails_resend_unsent(*, now: datetime | None = None) -> int:
    """Hands the worker again the unsent emails no task holds any more (the beat's sweep).

    An email queued a while ago and never tried (its hand-over was lost: the broker was down at
    commit time, or it was queued by a migration), or whose next try is well past (its task ran out of retries, or its worker
    died), is handed over again. One a task will still try is left to it. Each is sent at most once.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EMAIL_RESEND_AFTER_SECONDS)
    waiting = (
        Email.objects.filter(
            Q(next_attempt_at__isnull=True, created_at__lt=stale) | Q(next_attempt_at__lt=stale),
            sent_at=None,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    ids = list(waiting)
    for email_id in ids:
        _hand_to_worker(email_id)
    return len(ids)
