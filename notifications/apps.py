from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Notification

        auditlog.register(Notification)
