"""Lists where SSN-shaped numbers sit in free text already stored, without printing them.

The portal refuses an SSN in free text since the check came in (portal.text); text saved before
it, or loaded from elsewhere, may still hold one. This walks every text column of the portal's
own tables and the audit trail's changes and reasons, and prints one line per place found:
`app.Model <id>: field`. Never the value: the list itself is safe to paste into a ticket.

What to do with the list: README, "Security: SSNs already written in free text".
"""

from auditlog import get_logentry_model
from axes.models import AccessAttempt
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models
from django.db.models.functions import Cast

from portal.text import contains_ssn

APPS = ("access", "participants", "optout", "dataedits", "notifications")
# Columns that are not text a person typed: hashes, keys and generated search keys.
NOT_FREE_TEXT = {
    "ssn_index",
    "password",
    "key",
    "token",
    "session_key",
    "last_name_key",
    "first_name_key",
}


def text_columns(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and not isinstance(
            field, models.GeneratedField
        ):
            if field.name not in NOT_FREE_TEXT and field.choices is None:
                yield field.name


class Command(BaseCommand):
    help = "Lists the records whose free text holds an SSN-shaped number (where, never what)."

    def handle(self, *args, **options):
        found = 0
        for app_label in APPS:
            if not apps.is_installed(app_label):
                continue
            for model in apps.get_app_config(app_label).get_models():
                if model._meta.proxy:
                    continue
                for name in text_columns(model):
                    found += self.report(
                        model.objects.all(), name, f"{app_label}.{model.__name__}", name
                    )
        LogEntry = get_logentry_model()
        trail = LogEntry._meta.label
        for name in ("changes", "additional_data"):
            entries = LogEntry.objects.annotate(text=Cast(name, models.TextField()))
            found += self.report(entries, "text", trail, name)
        found += self.report(LogEntry.objects.all(), "object_repr", trail, "object_repr")
        # A failed sign-in keeps the username typed: an SSN typed there, before the check refused it.
        found += self.report(
            AccessAttempt.objects.all(), "username", "axes.AccessAttempt", "username"
        )
        self.stdout.write(f"{found} place(s) hold an SSN-shaped number.")

    def report(self, queryset, column: str, label: str, field: str) -> int:
        # The database narrows the search; Python's pattern (the one the portal refuses) decides.
        candidates = queryset.filter(
            **{f"{column}__regex": r"[0-9]{3}[^0-9]{0,5}[0-9]{2}[^0-9]{0,5}[0-9]{4}"}
        )
        count = 0
        for pk, value in candidates.values_list("pk", column).iterator():
            if contains_ssn(str(value)):
                self.stdout.write(f"{label} {pk}: {field}")
                count += 1
        return count
