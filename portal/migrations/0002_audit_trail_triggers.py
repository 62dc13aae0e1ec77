"""django-pgtrigger keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE refused.

The hand-written trigger of 0001 (updates and deletes only) is dropped first; going back restores it.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

handwritten = importlib.import_module("portal.migrations.0001_audit_trail_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("portal", "0001_audit_trail_append_only"),
    ]

    operations = [
        migrations.RunPython(handwritten.allow, handwritten.forbid),
        migrations.CreateModel(
            name="AuditTrail",
            fields=[],
            options={
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("auditlog.logentry",),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="audittrail",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_trail_no_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="74c930cca0f933efa76ea1917e1e457d49e5e14a",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_trail_no_update_ef9aa",
                    table="auditlog_logentry",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="audittrail",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_trail_no_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;",
                    hash="26737039dd347d803e1772678010eed9234f6e75",
                    operation="DELETE",
                    pgid="pgtrigger_audit_trail_no_delete_80a64",
                    table="auditlog_logentry",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="audittrail",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_trail_no_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table', TG_TABLE_NAME; RETURN NULL;",
                    hash="a80e8cdcb5a044470dc47b36861cf91fcc0d2226",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_audit_trail_no_truncate_5f2b8",
                    table="auditlog_logentry",
                    when="BEFORE",
                ),
            ),
        ),
    ]
