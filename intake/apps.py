from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # A credential's hash and a held registration's SSN columns never enter the trail.
        auditlog.register(models.SendingSystem)
        auditlog.register(models.ServiceCredential, exclude_fields=["secret_hash"])
        auditlog.register(models.Registration)
        auditlog.register(models.HeldRegistration, exclude_fields=["ssn_ciphertext", "ssn_index"])
