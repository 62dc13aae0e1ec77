from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import Notification
from .services import notification_email_send

# Mails are first sent when the step commits; this sweep only retries the ones that failed.
RETRY_AFTER = timedelta(minutes=5)
BATCH = 200


@shared_task
def email_unsent_notifications() -> int:
    """Emails the data-edit notifications whose first email failed; returns how many went out."""
    waiting = Notification.objects.filter(
        emailed_at=None, created_at__lt=timezone.now() - RETRY_AFTER
    ).exclude(recipient__email="").order_by("pk").values_list("pk", flat=True)[:BATCH]
    return sum(notification_email_send(notification_id=pk) for pk in list(waiting))
