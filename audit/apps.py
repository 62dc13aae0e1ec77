from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail's pages; the trail itself is django-auditlog's, kept append-only by portal."""

    name = "audit"
    verbose_name = "Audit trail"
