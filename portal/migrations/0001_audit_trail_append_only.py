"""The audit trail is append-only at the database (NIST AU-9): PostgreSQL refuses UPDATE and DELETE.

Deactivate staff rather than delete them: deleting a staff member would update their entries.
"""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION audit_trail_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_trail_append_only ON auditlog_logentry;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_trail_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS audit_trail_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS audit_trail_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]
    operations = [migrations.RunPython(forbid, allow)]
