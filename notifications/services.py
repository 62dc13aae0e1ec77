"""Every notice and email of the portal.

A notice is given with `notification_send`, and read with `notifications_mark_read` (or settled
for everyone with `notifications_settle`). Every email is queued with the change it tells of
(`email_queue`) and sent by one Celery task per message, retried until the mail server takes it.
"""

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.audit import audit_reason
from portal.text import checked_line, checked_text

from .models import MESSAGE_LIMIT, Email, Notification

if TYPE_CHECKING:
    from access.models import Staff
    from participants.models import Participant

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


# --- notices -------------------------------------------------------------------------------------


def _shortened(message: str) -> str:
    """One line, at most MESSAGE_LIMIT characters: a notice is built from names people typed,
    and a long name shortens it rather than refusing the change it tells of."""
    message = " ".join(message.split())
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def notice_email_body(message: str, link: str) -> str:
    """The email of a notice that has no text of its own: the message, and the page to open."""
    return f"{message}\n\nOpen it in the WorkSource portal: {absolute_link(link)}\n"


def absolute_link(link: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + link


def notification_send(
    *,
    recipient: "Staff",
    message: str,
    link: str,
    participant: "Participant | None" = None,
    link_behind_gate: bool = True,
    email_subject: str | None = None,
    email_body: str | None = None,
) -> Notification:
    """Gives `recipient` a notice in the portal about the page `link`; with an email subject, emails it.

    Call it inside the transaction of the change it tells of: the notice is stored with the
    change, and the email is queued in the outbox and handed to the worker once that commits (a
    change that rolls back tells no one). The email goes to an active account with an address,
    with `email_body` or, without one, the message and the link. `participant` is the seeker the
    notice is about, if any: the list names them to a recipient the visibility gate shows them
    to, and follows the link only then unless `link_behind_gate` is False (a page the recipient
    may open whatever the seeker chose, such as their own opt-in request). Message, link,
    subject and body are refused (PortalError, rolling the change back) if they hold an SSN.
    """
    message = checked_line(_shortened(message), label="the notice", required=True)
    link = checked_line(link, label="the notice's link", required=True, limit=200)
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError(
            f"A notice links to a page of the portal, such as /optout/queue/: {link!r}"
        )
    with transaction.atomic():
        email = None
        if email_subject is not None and recipient.is_active and recipient.email:
            subject = checked_line(
                " ".join(email_subject.split()), label="the email's subject", required=True
            )
            body = checked_text(
                notice_email_body(message, link) if email_body is None else email_body,
                label="the email",
                required=True,
            )
            email = email_queue(to=[recipient.email], subject=subject, body=body)
        return Notification.objects.create(
            recipient=recipient,
            message=message,
            link=link,
            participant=participant,
            link_behind_gate=link_behind_gate,
            email=email,
        )


def _mark_read(unread: QuerySet[Notification]) -> int:
    # One save per notice, not a bulk update: each reading is in the audit trail.
    notices = list(unread.select_for_update().filter(read_at=None))
    now = timezone.now()
    for notice in notices:
        notice.read_at = now
        notice.save(update_fields=["read_at"])
    return len(notices)


def notifications_mark_read(
    *, actor: "Staff", notification: Notification | None = None, link: str | None = None
) -> int:
    """Marks the actor's own unread notices read, and says how many: `notification` alone, those
    about the page `link` (the person opened it), or, given neither, all of them."""
    unread = Notification.objects.filter(recipient=actor)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    if link is not None:
        unread = unread.filter(link=link)
    with transaction.atomic(), audit_reason("notification read", actor=actor):
        return _mark_read(unread)


def notifications_settle(*, link: str) -> int:
    """Everyone's unread notices about the page `link` are done: what it shows waits for no one now.

    Called inside the change that settled it, whose actor and audit reason the readings carry.
    """
    with transaction.atomic():
        return _mark_read(Notification.objects.filter(link=link))
