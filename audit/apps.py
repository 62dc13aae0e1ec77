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
        # The seal's hash stays in the verification's row: hex can hold runs of digits that the
        # portal's SSN checks (find_ssn_in_text) would list.
        auditlog.register(models.ChainVerification, exclude_fields=["through_hash"])
