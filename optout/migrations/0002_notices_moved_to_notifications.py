"""The optout notices live in notifications.Notification now (copied by its migration 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_copy_optout_and_dataedits_notices"),
        ("optout", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="notification",
            name="optout_notification_unread",
        ),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
