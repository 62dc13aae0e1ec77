from celery import shared_task

from .models import Email
from .services import email_deliver, emails_resend_unsent, retry_wait


@shared_task(bind=True, acks_late=True, max_retries=8)
def email_send(self, email_id: int) -> bool:
    """Sends one email; a failure is tried again after a growing wait (notifications.services.retry_wait).

    When the retries run out the email stays queued: the sweep hands it over again later.
    """
    try:
        return email_deliver(email_id=email_id)
    except Exception as exc:
        attempts = Email.objects.filter(pk=email_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(exc=exc, countdown=retry_wait(attempts).total_seconds()) from exc


@shared_task
def resend_unsent_emails() -> int:
    """Every 10 minutes: emails no task holds any more go back to a worker (each is sent at most once)."""
    return emails_resend_unsent()
