"""Quick Search's name indexes on PostgreSQL.

Names are matched by case-insensitive prefix, which Django writes as UPPER(name::text) LIKE 'SMI%'.
A plain index cannot serve LIKE under a non-C collation; an expression index with
text_pattern_ops can. SQLite (the demo) does without.
"""

from django.db import migrations

INDEXES = {
    "participant_last_name_prefix": "last_name",
    "participant_first_name_prefix": "first_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON participants_participant "
                f"(UPPER({column}::text) text_pattern_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
