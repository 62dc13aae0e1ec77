"""Gives the role the portal serves as what it needs, and no way to rewrite the audit trail.

Run as the role that owns the tables (the one that runs `migrate`), after every `migrate`:

    python manage.py grant_serving_role portal_app

The serving role may read and write the portal's tables, but on the audit trail and every other
append-only table (those django-pgtrigger protects from deletion: the trail's seals and their
verifications) only read and add: UPDATE, DELETE and TRUNCATE are revoked. Owning no table, it cannot disable the trail's
triggers or take its privileges back. Running it again is harmless; tables a later migration
creates are covered by the default privileges it sets, and by running it again.
"""

import pgtrigger
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

# The trail, and django-auditlog's own table, which keeps the entries written before the trail's
# entries became the audit app's (portal migration 0003).
FORMER_AUDIT_TABLE = "auditlog_logentry"


def append_only_tables() -> list[str]:
    """Every table a django-pgtrigger trigger protects from DELETE (the trail's, its seals...), and
    django-auditlog's own table, which keeps the entries written before the trail moved."""
    protected = {
        model._meta.db_table
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pgtrigger.Protect) and trigger.operation == pgtrigger.Delete
    }
    return sorted(protected | {FORMER_AUDIT_TABLE})


class Command(BaseCommand):
    help = "Grants the serving database role its privileges, without UPDATE, DELETE or TRUNCATE on the audit trail."

    def add_arguments(self, parser):
        parser.add_argument(
            "role", help="The role the web server and workers connect as (it must exist)."
        )

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: the demo's SQLite has none.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"There is no role {role!r}: create it first (README, Security)."
                )
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: serve as a role that is not one.")
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database, schema = cursor.fetchone()
            if owner == role:
                raise CommandError(
                    "Run this as the role that owns the tables, not as the serving role."
                )
            names = {
                "role": sql.Identifier(role),
                "db": sql.Identifier(database),
                "schema": sql.Identifier(schema),
                "owner": sql.Identifier(owner),
            }
            for statement in (
                "GRANT CONNECT ON DATABASE {db} TO {role}",
                "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
                " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            ):
                cursor.execute(sql.SQL(statement).format(**names).as_string(connection.connection))
            for table in append_only_tables():
                revoke = sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}").format(
                    table=sql.Identifier(schema, table), role=names["role"]
                )
                cursor.execute(revoke.as_string(connection.connection))
        self.stdout.write(
            f"{role} may use the portal's tables; on {', '.join(append_only_tables())} it may only read and add."
        )
