# Every workflow names its state `status` (portal/states.py): the ticket's column is renamed.
# PostgreSQL and SQLite carry a renamed column into the indexes on it, so the two queue indexes
# are only redescribed to the migration state, not rebuilt.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dataedits", "0006_notices_moved_to_notifications"),
    ]

    operations = [
        migrations.RenameField(model_name="dataeditticket", old_name="state", new_name="status"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="dataeditticket", name="ticket_state_queue"),
                migrations.RemoveIndex(model_name="dataeditticket", name="ticket_local_queue"),
                migrations.AddIndex(
                    model_name="dataeditticket",
                    index=models.Index(
                        fields=["status", "title", "counted_received_at"],
                        name="ticket_state_queue",
                    ),
                ),
                migrations.AddIndex(
                    model_name="dataeditticket",
                    index=models.Index(
                        fields=["status", "deadline", "submitted_at"], name="ticket_local_queue"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
