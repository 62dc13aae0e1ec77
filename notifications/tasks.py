from celery import shared_task
from django.conf import settings

from .services import email_deliver, emails_resend_unsent


@shared_task(bind=True, acks_late=True, max_retries=8)
def email_send(self, email_id: int) -> bool:
    """Sends one email; a failure is retried with a growing wait (1, 2, 4 ... times the base)."""
    try:
        return email_deliver(email_id=email_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=settings.EMAIL_RETRY_BASE_SECONDS * 2**self.request.retries) from exc


@shared_task
def resend_unsent_emails() -> int:
    """Every 10 minutes: emails still unsent go back to the worker (each is sent at most once)."""
    return emails_resend_unsent()
