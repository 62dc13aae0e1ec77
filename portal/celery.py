import os

from celery import Celery, Task
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class AuditedTask(Task):
    """Every task of the portal: what it writes to the audit trail names the task as its actor."""

    def __call__(self, *args, **kwargs):
        from portal.audit import audit_task

        with audit_task(self.name, self.request.id):
            return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_work_misconfigured(**kwargs):
    """A worker sends the email: it refuses to start without a real mail server, as the web server does."""
    import logging

    from portal.checks import refuse_to_serve_misconfigured

    refuse_to_serve_misconfigured(logging.getLogger("portal.celery"))
