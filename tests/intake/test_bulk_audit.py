"""The bulk load writes its audit entries itself (bulk inserts send no signal): they must be
the entries django-auditlog's own signal writes, field for field."""

from datetime import date

import pytest
from auditlog.diff import model_instance_diff

from audit.models import AuditEntry
from intake.models import IntakeEvent, Registration
from participants.models import Enrollment, Participant
from portal.audit import created_changes
from portal.bulk import copy_insert

pytestmark = pytest.mark.django_db


def test_the_changes_of_a_created_row_are_django_auditlogs_own(world):
    seeker = Participant(
        customer_id="31415926",
        first_name="Ana",
        last_name="Loaded",
        date_of_birth=date(1988, 4, 12),
        city="Olympia",
        state="WA",
    )
    seeker.ssn = "917438265"
    seeker.save()
    system_account = world.mis_admin
    link = Registration(
        system_id=None, external_id="B-1", participant=seeker
    )  # unsaved relations are read by their key, as django-auditlog reads them
    enrollment = Enrollment.objects.create(participant=seeker, office=world.office_a)
    for instance in (seeker, link, enrollment, world.office_a, system_account):
        assert created_changes(instance) == model_instance_diff(
            None, instance, use_json_for_changes=True
        ), type(instance).__name__
    assert "ssn_ciphertext" not in created_changes(seeker)


def test_rows_inserted_by_copy_are_read_back_as_written(world):
    from intake.services import sending_system_create

    system = sending_system_create(actor=world.mis_admin, name="Job Match")
    copy_insert(
        IntakeEvent,
        [IntakeEvent(system=system, kind="registration", outcome="created", message="é, \\t;")],
    )
    event = IntakeEvent.objects.get(system=system)
    assert (event.kind, event.outcome, event.message) == ("registration", "created", "é, \\t;")
    entry = AuditEntry(
        content_type_id=AuditEntry.objects.values_list("content_type_id", flat=True).first(),
        object_pk="1",
        object_id=1,
        object_repr="x",
        action=AuditEntry.Action.CREATE,
        changes={"city": [None, "Olympia"]},
        additional_data={"reason": "bulk load"},
    )
    before = AuditEntry.objects.count()
    copy_insert(AuditEntry, [entry])
    stored = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert stored.changes == {"city": [None, "Olympia"]}
    assert stored.additional_data == {"reason": "bulk load"}
