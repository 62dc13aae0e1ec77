"""The entries of django-auditlog's table, copied into the trail with their seekers and kinds."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry, Kind
from dataedits.models import Service
from participants.models import Participant
from tests.dataedits.helpers import add_service


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def before_the_trail():
    """The database without the audit app's tables, and django-auditlog's models as they were."""
    migrate([("audit", None)])
    loader = MigrationExecutor(connection).loader
    return loader.project_state([("auditlog", "0017_add_actor_email")]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_entry_of_before_is_copied_with_its_id_seeker_and_kind(world):
    seeker, staff = world.seekers["own"], world.partner_case_manager
    service = add_service(
        seeker,
        "career_guidance",
        date(2024, 3, 12),
        office=world.office_a,
        by=staff,
    )
    types = {
        model: ContentType.objects.get_for_model(model).pk
        for model in (Participant, Service, type(staff))
    }
    try:
        old = before_the_trail()
        LogEntry = old.get_model("auditlog", "LogEntry")
        before = {
            "read": LogEntry.objects.create(
                content_type_id=types[Participant],
                object_pk=str(seeker.pk),
                object_id=seeker.pk,
                object_repr=str(seeker),
                action=3,
                actor_id=staff.pk,
                additional_data={"reason": "seeker record opened"},
            ),
            "service": LogEntry.objects.create(
                content_type_id=types[Service],
                object_pk=str(service.pk),
                object_id=service.pk,
                object_repr=str(service),
                action=0,
                changes={"participant": [None, str(seeker.pk)]},
            ),
            # A service removed since: its entry still says whose it was.
            "removed": LogEntry.objects.create(
                content_type_id=types[Service],
                object_pk="999999",
                object_id=999999,
                object_repr="a removed service",
                action=2,
                changes={"participant": [str(seeker.pk), None]},
            ),
            "lockout": LogEntry.objects.create(
                content_type_id=types[type(staff)],
                object_pk=str(staff.pk),
                object_id=staff.pk,
                object_repr=str(staff),
                action=1,
                changes={"sign_in_lockout": ["unlocked", "locked"]},
            ),
            "ended": LogEntry.objects.create(
                content_type_id=types[type(staff)],
                object_pk=str(staff.pk),
                object_id=staff.pk,
                object_repr=str(staff),
                action=1,
                changes={"is_active": [True, False]},
                additional_data={"reason": "access ended: contract expired"},
            ),
        }
    finally:
        migrate(latest())
    copies = AuditEntry.objects.in_bulk([entry.pk for entry in before.values()])
    assert {
        name: (copies[e.pk].participant_id, copies[e.pk].kind) for name, e in before.items()
    } == {
        "read": (seeker.pk, Kind.ACCESS),
        "service": (seeker.pk, Kind.CHANGE),
        "removed": (seeker.pk, Kind.CHANGE),
        "lockout": (None, Kind.SIGN_IN),
        "ended": (None, Kind.ACCESS_ENDED),
    }
    assert copies[before["read"].pk].additional_data == {"reason": "seeker record opened"}
    assert copies[before["read"].pk].timestamp == before["read"].timestamp
    # The next entry follows the copied ones.
    seeker.city = "Forks"
    seeker.save()
    assert AuditEntry.objects.latest("pk").pk > max(entry.pk for entry in before.values())
