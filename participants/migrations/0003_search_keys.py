"""Quick Search's keys: the names in capitals, kept by the database, with an index for each order.

They replace migration 0002's expression indexes, which could find a prefix but not hand the
matches back in order.
"""

import django.db.models.functions.text
from django.db import migrations, models

import participants.models

OLD_INDEXES = {
    "participant_last_name_prefix": "last_name",
    "participant_first_name_prefix": "first_name",
}


def drop_expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def restore_expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in OLD_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON participants_participant (UPPER({column}::text) text_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_name_prefix_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="first_name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper("first_name"),
                output_field=participants.models.SearchKeyField(max_length=100),
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="last_name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper("last_name"),
                output_field=participants.models.SearchKeyField(max_length=100),
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=["last_name_key", "first_name_key", "customer_id"],
                include=("opted_out", "id"),
                name="participant_last_name_search",
            ),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=["first_name_key", "last_name_key", "customer_id"],
                include=("opted_out", "id"),
                name="participant_first_name_search",
            ),
        ),
        migrations.RunPython(drop_expression_indexes, restore_expression_indexes),
    ]
