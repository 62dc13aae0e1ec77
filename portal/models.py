"""The audit trail (django-auditlog's LogEntry), append-only in the database itself (NIST AU-9).

PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the trail, whoever asks. The portal serves
as a role that does not own the table (README, Security), so it cannot drop or disable these
triggers either. Staff are deactivated, never deleted: deleting one would change their entries.
"""

import pgtrigger
from auditlog.models import LogEntry


class AuditTrail(LogEntry):
    """django-pgtrigger's triggers on the third-party LogEntry table (a proxy carries them)."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Protect(name="audit_trail_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="audit_trail_no_delete", operation=pgtrigger.Delete),
            # TRUNCATE fires no row trigger: it needs a statement-level one of its own, written out
            # because Protect's statement-level form reads transition tables, which TRUNCATE has not.
            pgtrigger.Trigger(
                name="audit_trail_no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table', TG_TABLE_NAME; RETURN NULL;",
            ),
        ]
