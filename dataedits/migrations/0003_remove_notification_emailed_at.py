"""Data-edit notifications no longer send their own email: every email goes through notifications.Email.

A notification whose email had not gone out yet (the old retry sweep would have sent it) is queued
as an email first, so nothing is lost; the worker sends it once the migration has committed.
"""

from django.conf import settings
from django.db import migrations
from django.urls import reverse


def queue_unsent(apps, schema_editor):
    Notification = apps.get_model("dataedits", "Notification")
    Email = apps.get_model("notifications", "Email")
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for notification in Notification.objects.filter(emailed_at=None).select_related("recipient"):
        if notification.recipient.email:
            link = base + reverse("dataedits:ticket_detail", args=[notification.ticket_id])
            Email.objects.create(
                to=[notification.recipient.email],
                subject=f"WorkSource data-edit ticket #{notification.ticket_id}",
                body=f"{notification.message}\n\nOpen the ticket in the WorkSource portal: {link}\n",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("dataedits", "0002_service_catalog"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(queue_unsent, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notification", name="emailed_at"),
    ]
