from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "WorkSource portal"

    def ready(self):
        from auditlog import get_logentry_model
        from django.db.models.signals import pre_save

        from . import audit, checks  # noqa: F401  (checks registers the portal's system checks)

        pre_save.connect(
            audit.name_the_task, sender=get_logentry_model(), dispatch_uid="portal.name_the_task"
        )
