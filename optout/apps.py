from django.apps import AppConfig


class OptOutConfig(AppConfig):
    name = "optout"
    verbose_name = "Opt-out"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.OptOutLookup)
        auditlog.register(models.OptInRequest)
        auditlog.register(models.OptOutChange)
