from django.apps import AppConfig


class DataeditsConfig(AppConfig):
    name = "dataedits"
    verbose_name = "Data edits"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.ServiceType)
        auditlog.register(models.Service)
        auditlog.register(models.CaseNote)
        auditlog.register(models.DataEditTicket, m2m_fields={"supporting_notes"})
        auditlog.register(models.SupportingDocument)
        auditlog.register(models.SkillsGain)
