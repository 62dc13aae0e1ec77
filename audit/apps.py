from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail's pages and its seal chain; the trail itself is django-auditlog's, kept
    append-only by portal."""

    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Verifying the chain is itself audited; a seal is not (each would need sealing in turn).
        auditlog.register(models.ChainVerification)
