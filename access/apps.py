from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "MIS access"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.WorkforceDevelopmentArea)
        auditlog.register(models.Organization)
        auditlog.register(models.Office)
        # Passwords and sign-in times are not changes of anyone's access: keep them out of the trail.
        auditlog.register(models.Staff, exclude_fields=["password", "last_login"], m2m_fields={"offices"})
