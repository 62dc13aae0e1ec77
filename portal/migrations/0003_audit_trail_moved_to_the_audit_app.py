"""The audit trail's entries are the audit app's from now on (audit.AuditEntry, which names the
seeker each entry concerns); the proxy that carried the triggers of django-auditlog's table goes.

Only the proxy leaves the migration state: the triggers stay on django-auditlog's table, which
keeps the entries written before the move (copied into the trail by audit 0002), so that they can
never be changed either. Its foreign keys are dropped: a kept copy must not stop anything else
from changing, and its rows are read only to compare them with the trail.
"""

from django.db import migrations

DROP_FOREIGN_KEYS = """
DO $$
DECLARE name text;
BEGIN
    FOR name IN SELECT conname FROM pg_constraint
        WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', name);
    END LOOP;
END $$;
"""


def drop_foreign_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FOREIGN_KEYS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_audit_trail_triggers"),
        ("audit", "0002_entries_copied_from_auditlog"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditTrail")],
            database_operations=[
                migrations.RunPython(drop_foreign_keys, migrations.RunPython.noop)
            ],
        )
    ]
