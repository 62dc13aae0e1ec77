"""Every email of the portal: queued with the change it tells of, sent by one Celery task per message."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)
# After this many failed attempts an email is left for the operator (the log says so).
MAX_ATTEMPTS = 12


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


def _hand_to_worker(email_id: int) -> None:
    from .tasks import email_send

    email_send.delay(email_id)


def email_deliver(*, email_id: int, now: datetime | None = None) -> bool:
    """Sends one queued email; True if it went out now, False if it had already gone.

    The row is locked while the mail goes out, so two workers never send it both. A failure is
    recorded on the row and raised again, for the task to retry later.
    """
    with transaction.atomic():
        email = Email.objects.select_for_update(skip_locked=True).filter(pk=email_id, sent_at=None).first()
        if email is None:
            return False
        try:
            EmailMessage(subject=email.subject, body=email.body, to=email.to).send()
        except Exception as exc:
            failure = exc
        else:
            email.sent_at = now or timezone.now()
            email.save(update_fields=["sent_at"])
            return True
    _record_failure(email, failure)
    raise failure


def _record_failure(email: Email, failure: Exception) -> None:
    Email.objects.filter(pk=email.pk).update(
        attempts=email.attempts + 1, last_error=f"{type(failure).__name__}: {failure}"[:200],
    )
    if email.attempts + 1 >= MAX_ATTEMPTS:
        logger.error("email %s was not sent after %d attempts: %s", email.pk, MAX_ATTEMPTS, type(failure).__name__)


def emails_resend_unsent(*, now: datetime | None = None) -> int:
    """Hands the worker again the emails still unsent a while after they were queued (the beat's sweep).

    It catches emails whose hand-over was lost (the broker was down at commit time) or whose
    retries ran out while the mail server was away; each is still sent at most once.
    """
    now = now or timezone.now()
    waiting = Email.objects.filter(
        sent_at=None, attempts__lt=MAX_ATTEMPTS,
        created_at__lt=now - timedelta(seconds=settings.EMAIL_RESEND_AFTER_SECONDS),
    ).order_by("pk").values_list("pk", flat=True)[:500]
    ids = list(waiting)
    for email_id in ids:
        _hand_to_worker(email_id)
    return len(ids)
