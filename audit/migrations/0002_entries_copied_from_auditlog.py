"""The entries of django-auditlog's table copied into the trail, each under its own id, with the
seeker it concerns where the record it is about still says (or, for a removed record, where the
entry itself recorded the seeker), and its kind.

The old table is left as it was: its triggers still refuse to change it (portal 0003).
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000
# Where each audited record keeps its seeker, as audit.models.SEEKER_OF says (a migration keeps
# its own copy: the mapping may change, this copy describes the tables as they are here).
SEEKER_OF = {
    "participants.participant": "pk",
    "participants.enrollment": "participant_id",
    "dataedits.service": "participant_id",
    "dataedits.casenote": "participant_id",
    "dataedits.dataeditticket": "participant_id",
    "dataedits.skillsgain": "participant_id",
    "dataedits.supportingdocument": "ticket__participant_id",
    "optout.optoutchange": "participant_id",
    "optout.optinrequest": "participant_id",
    "optout.optoutlookup": "participant_id",
    "intake.registration": "participant_id",
    "intake.heldregistration": "conflicting_participant_id",
}
SIGN_IN_CHANGES = {"sign_in_lockout", "recovery_code"}
ACCESS = 3


def kind_of(entry) -> str:
    if entry.action == ACCESS:
        return "access"
    if set(entry.changes or {}) & SIGN_IN_CHANGES:
        return "sign_in"
    if str((entry.additional_data or {}).get("reason", "")).startswith("access ended"):
        return "access_ended"
    return "change"


def recorded_seeker(entry) -> int | None:
    """The seeker the entry's own changes name (a record removed since still says whose it was)."""
    values = (entry.changes or {}).get("participant") or []
    for value in values if isinstance(values, list) else []:
        if value not in (None, "None", "") and str(value).isdigit():
            return int(value)
    return None


def seekers_of(apps, entries) -> dict[int, int]:
    """{entry id: seeker id} for a batch, one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        label = f"{entry.content_type.app_label}.{entry.content_type.model}"
        if label in SEEKER_OF and entry.object_id is not None:
            wanted.setdefault(label, set()).add(entry.object_id)
    found: dict[tuple[str, int], int] = {}
    for label, ids in wanted.items():
        path = SEEKER_OF[label]
        if path == "pk":
            found |= {(label, pk): pk for pk in ids}
            continue
        model = apps.get_model(*label.split("."))
        for pk, seeker in model._base_manager.filter(pk__in=ids).values_list("pk", path):
            if seeker is not None:
                found[(label, pk)] = seeker
    seekers = {}
    for entry in entries:
        label = f"{entry.content_type.app_label}.{entry.content_type.model}"
        if label not in SEEKER_OF:
            continue
        seeker = found.get((label, entry.object_id)) or recorded_seeker(entry)
        if seeker is not None:
            seekers[entry.pk] = seeker
    return seekers


def copy_entries(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    columns = [
        field.attname
        for field in LogEntry._meta.concrete_fields
        if field.attname in {f.attname for f in AuditEntry._meta.concrete_fields}
    ]
    last = 0
    while True:
        batch = list(
            LogEntry.objects.select_related("content_type")
            .filter(pk__gt=last)
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        seekers = seekers_of(apps, batch)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                **{column: getattr(entry, column) for column in columns},
                participant_id=seekers.get(entry.pk),
                kind=kind_of(entry),
            )
            for entry in batch
        )
        last = batch[-1].pk
    # The copied ids were given explicitly: the next entry's id follows the last one.
    with schema_editor.connection.cursor() as cursor:
        for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [AuditEntry]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_entry"),
        ("auditlog", "0017_add_actor_email"),
        ("participants", "0003_search_keys"),
        ("dataedits", "0007_ticket_status"),
        ("optout", "0002_notices_moved_to_notifications"),
        ("intake", "0001_initial"),
    ]

    # Going back leaves the copies: the trail refuses deletions, and the originals are still there.
    operations = [migrations.RunPython(copy_entries, migrations.RunPython.noop)]
