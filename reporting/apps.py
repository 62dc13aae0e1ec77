from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Quarter close and the federal extract"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # The closed figures themselves are not audited row by row (a state's quarter holds
        # hundreds of thousands): the close that wrote them is, with their count.
        auditlog.register(models.QuarterClose)
        auditlog.register(models.CloseException)
