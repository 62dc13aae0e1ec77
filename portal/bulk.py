"""Rows inserted by COPY on PostgreSQL: the bulk load of registrations, the sweep's audit entries.

An INSERT of hundreds of rows is a statement of thousands of parameters that Django prepares and
psycopg quotes one by one; COPY streams the rows instead. Elsewhere (the demo's SQLite) it is
Django's bulk_create.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Model


def copy_insert(model: type[Model], instances: Sequence[Model], *, keys: bool = False) -> None:
    """Inserts the rows by COPY on PostgreSQL (bulk_create elsewhere): no long INSERT statement
    is built and quoted. With `keys`, each row's primary key is taken from the table's sequence
    first and set on the instance, as bulk_create would set it."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(instances)
        return
    if not instances:
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    fields = [
        f
        for f in meta.concrete_fields
        if not getattr(f, "generated", False) and (keys or not f.primary_key)
    ]
    with connection.cursor() as cursor:
        if keys:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(instances)],
            )
            for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
                instance.pk = pk
                instance._state.adding, instance._state.db = False, connection.alias
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        # A unique key already taken fails as IntegrityError, as an INSERT's would.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for instance in instances:
                copy.write_row([_db_value(f, f.pre_save(instance, True)) for f in fields])


# Fields whose value, already of the Python type they hold, goes to the database as it is: their
# get_db_prep_save only converts other types (a number given to a text field, say).
_AS_THEY_ARE = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_PLAIN = (str, int, bool, type(None))


def _db_value(field: Any, value: Any) -> Any:
    if type(value) in _PLAIN and isinstance(field, _AS_THEY_ARE) and not field.is_relation:
        return value
    return field.get_db_prep_save(value, connection)
