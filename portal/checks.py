"""System checks for what the operator must configure (README, "Security").

- Mail: with debug off, outside the demo, email goes to a real mail server. The console and
  file backends would write first-sign-in links and notifications into the server's log.
- The database role: the portal serves as a role that owns no table and is not a superuser, so
  that it cannot disable the triggers keeping the audit trail append-only.

`manage.py check` runs the first; the second needs the database and runs with
`manage.py check --deploy --database default`. The web server (portal.wsgi) and the Celery
worker run both when they start, and refuse to start on an error.
"""

from auditlog import get_logentry_model
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

PRINTING_BACKENDS = (
    "console.EmailBackend",
    "filebased.EmailBackend",
    "dummy.EmailBackend",
    "locmem.EmailBackend",
)
SERVING_TAG = "portal_serving"


@checks.register("portal", SERVING_TAG)
def mail_is_real(app_configs=None, **kwargs):
    if settings.DEBUG or settings.PORTAL_DEMO or getattr(settings, "TESTING", False):
        return []
    mailer = settings.MAILERS["default"]
    backend = mailer["BACKEND"]
    if backend.endswith(PRINTING_BACKENDS):
        return [
            checks.Error(
                f"With debug off the portal sends real email, but EMAIL_BACKEND is {backend}.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST (README, Configuration). "
                "The console backend is for the demo (PORTAL_DEMO=true) only: it writes sign-in links into the log.",
                id="portal.E001",
            )
        ]
    if backend.endswith("smtp.EmailBackend") and not mailer.get("OPTIONS", {}).get("host"):
        return [
            checks.Error(
                "EMAIL_HOST is not set: the portal has no mail server to send through.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS as needed).",
                id="portal.E002",
            )
        ]
    return []


@checks.register(SERVING_TAG, deploy=True)
def serving_role_cannot_rewrite_the_audit_trail(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    try:
        return role_warnings(connections["default"])
    except (
        DatabaseError
    ) as exc:  # a database that is briefly away must not stop a worker from starting
        return [checks.Warning(f"The database role could not be checked: {exc}", id="portal.W004")]


def role_warnings(connection) -> list:
    """Warnings if `connection`'s role could rewrite the audit trail (superuser, or owner of its table)."""
    if connection.vendor != "postgresql":
        return []
    table = get_logentry_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = %s",
            [table],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE'),"
            " has_table_privilege(%s, 'TRUNCATE') FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = %s",
            [table] * 4,
        )
        rewrites = cursor.fetchone()
    hint = (
        "Serve as a role that owns no table and is not a superuser; run migrations as the owner role, "
        "then grant_serving_role (README, Security: the database roles)."
    )
    if superuser:
        return [
            checks.Warning(
                "The portal connects to PostgreSQL as a superuser: it could disable the audit trail's triggers.",
                hint=hint,
                id="portal.W001",
            )
        ]
    if row and row[0]:
        return [
            checks.Warning(
                "The portal's database role owns the audit trail's table: it could disable its triggers.",
                hint=hint,
                id="portal.W002",
            )
        ]
    if rewrites and any(rewrites):
        return [
            checks.Warning(
                "The portal's database role may UPDATE, DELETE or TRUNCATE the audit trail: only its privileges "
                "stop a compromised application there (the triggers can be skipped by any connection).",
                hint="Run `python manage.py grant_serving_role <role>` as the owner after every migrate.",
                id="portal.W003",
            )
        ]
    return []


def refuse_to_serve_misconfigured(logger) -> None:
    """At the start of a web or worker process: errors stop it, warnings are logged."""
    from django.core.exceptions import ImproperlyConfigured

    found = checks.run_checks(
        tags=[SERVING_TAG], include_deployment_checks=True, databases=["default"]
    )
    for message in found:
        if not message.is_serious():
            logger.warning("%s", message)
    errors = [message for message in found if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(str(error) for error in errors))
