"""The trail's entries as a person reads them: labels, Yes and No, names, local times, no SSN.

django-auditlog stores what changed as the database holds it (ids, `True`, UTC times, choice
keys). An entry written here keeps the names of the records its foreign keys pointed to then
(`names`, see audit.models), so the trail reads the same after a rename; an
older entry without them is read with the record's name now.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import dateparse, formats
from django.utils import timezone as django_timezone
from django.utils.encoding import smart_str

EMPTY = "—"
# Columns whose values never appear: the SSN is only said to have changed, its blind index too.
SSN_COLUMNS = frozenset({"ssn", "ssn_ciphertext", "ssn_index"})


@dataclass(frozen=True)
class Change:
    label: str
    before: str = ""
    after: str = ""
    note: str = ""  # a change told in words: "added: WorkSource Olympia", "changed"


def state_time(value: datetime) -> datetime:
    """A time in the state's time zone (settings.TIME_ZONE), whatever the request's is."""
    if django_timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def state_time_text(value: datetime) -> str:
    """The portal's 12-hour time, with seconds: an auditor orders entries of the same minute."""
    return formats.date_format(state_time(value), "m/d/Y g:i:s A")


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_reverse_relation(field) -> bool:
    """A relation another model holds: django-auditlog once diffed its manager, not a value."""
    return field is not None and field.auto_created and not field.concrete


def _label(field: models.Field | None, name: str) -> str:
    text = smart_str(field.verbose_name) if field is not None else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _related_name(field: models.Field, value: str, names: dict) -> str:
    """The name the entry kept; for an older entry, the record's name now."""
    if value in names:
        return names[value]
    try:
        related = field.related_model._base_manager.filter(pk=value).first()
    except (ValueError, ValidationError):  # not an id: a value written as text
        return value
    if related is None:
        return f"{field.related_model._meta.verbose_name} {value} (removed)"
    return smart_str(related)


def readable_value(field: models.Field | None, value, names: dict | None = None) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "None" or value == "":
        return EMPTY
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return "Yes" if value in (True, "True", "true") else "No"
    if field is not None and field.choices:
        return smart_str(dict(field.flatchoices).get(value, value))
    if field is not None and (field.many_to_one or field.one_to_one):
        return _related_name(field, smart_str(value), names or {})
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, datetime) else dateparse.parse_datetime(str(value))
        return state_time_text(moment) if moment else smart_str(value)
    if isinstance(field, models.DateField):
        day = value if isinstance(value, date) else dateparse.parse_date(str(value)[:10])
        return formats.date_format(day, "m/d/Y") if day else smart_str(value)
    return smart_str(value)


def readable_changes(entry) -> list[Change]:
    """The entry's changes, field by field, in the model's own words."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    data = entry.additional_data or {}
    names = entry.names or {}
    rows = []
    for name, change in (entry.changes or {}).items():
        field = _field(model, name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            verb = "added" if change.get("operation") == "add" else "removed"
            objects = ", ".join(change.get("objects") or []) or "none"
            rows.append(Change(_label(field, name), note=f"{verb}: {objects}"))
            continue
        if name in SSN_COLUMNS:
            rows.append(Change("SSN", note="changed"))
            continue
        if _is_reverse_relation(field):
            continue
        before, after = (
            (list(change) + [None, None])[:2]
            if isinstance(change, list | tuple)
            else (None, change)
        )
        rows.append(
            Change(
                _label(field, name),
                readable_value(field, before, names.get(name)),
                readable_value(field, after, names.get(name)),
            )
        )
    if data.get("ssn_changed") and not any(row.label == "SSN" for row in rows):
        rows.append(Change("SSN", note="changed"))
    return rows


def changes_text(entry) -> str:
    """The changes on one line, for the CSV export."""
    return "; ".join(
        f"{row.label}: {row.note}" if row.note else f"{row.label}: {row.before} → {row.after}"
        for row in readable_changes(entry)
    )


def details_text(entry) -> str:
    """What an access entry adds: how many seekers an export listed, and by which filter."""
    data = entry.additional_data or {}
    parts = []
    if "rows" in data:
        parts.append(f"{data['rows']} row{'s' if data['rows'] != 1 else ''}")
    if "seekers" in data:
        parts.append(f"{data['seekers']} seeker{'s' if data['seekers'] != 1 else ''}")
    if data.get("filter"):
        parts.append(f"filter: {data['filter']}")
    if data.get("actor_task"):
        parts.append(f"by the task {data['actor_task']}")
    return "; ".join(parts)


def seen(entry) -> str:
    """What a disclosure showed, in words: its reason, and what an export held."""
    reason = (entry.additional_data or {}).get("reason") or f"{entry.content_type.name} opened"
    reason = reason[:1].upper() + reason[1:]
    details = details_text(entry)
    return f"{reason} ({details})" if details else reason


# The Action column: what was done, in a word.
CHANGE_WORDS = {0: "Created", 1: "Changed", 2: "Deleted"}


def action_text(entry) -> str:
    if entry.kind == "change":
        return CHANGE_WORDS.get(entry.action, entry.get_action_display())
    return "Read" if entry.kind == "access" else entry.get_kind_display()
