"""The dataedits notices live in notifications.Notification now (copied by its migration 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_copy_optout_and_dataedits_notices"),
        ("dataedits", "0005_smaller_gaps"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_unread",
        ),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
