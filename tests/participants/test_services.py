import pytest
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from participants.models import Enrollment, Participant
from participants.services import enrollment_create, participant_create, participant_update
from portal.errors import PortalError


def entries_for(instance):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
    )


@pytest.mark.django_db
class TestAddSeekerToOffice:
    def test_enrolls_in_the_current_office_once_and_audits_it(self, world):
        seeker = world.seekers["other"]
        first = enrollment_create(actor=world.partner_case_manager, participants=[seeker])
        again = enrollment_create(actor=world.partner_case_manager, participants=[seeker])
        assert first.enrolled == [seeker] and first.already_enrolled == []
        assert again.enrolled == [] and again.already_enrolled == [seeker]
        enrollment = Enrollment.objects.get(participant=seeker, office=world.office_a)
        assert enrollment.enrolled_by == world.partner_case_manager
        entry = entries_for(enrollment).get()
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.actor == world.partner_case_manager
        assert entry.additional_data["reason"] == "Add Seeker to Office: WorkSource Alpha"

    def test_refuses_a_seeker_the_actor_may_not_see_and_changes_nothing(self, world):
        hidden = world.seekers["opted_out"]
        Enrollment.objects.filter(participant=hidden).delete()
        with pytest.raises(PortalError, match="could not be found"):
            enrollment_create(
                actor=world.partner_case_manager, participants=[world.seekers["other"], hidden]
            )
        assert not Enrollment.objects.filter(participant=hidden).exists()
        assert not Enrollment.objects.filter(
            participant=world.seekers["other"], office=world.office_a
        ).exists()

    def test_needs_a_current_office(self, world):
        world.partner_case_manager.current_office = None
        with pytest.raises(PortalError, match="Choose the office"):
            enrollment_create(
                actor=world.partner_case_manager, participants=[world.seekers["other"]]
            )


@pytest.mark.django_db
class TestEditParticipant:
    def test_saves_the_changed_fields_and_audits_who_and_why(self, world):
        seeker = world.seekers["own"]
        participant_update(
            actor=world.partner_case_manager,
            participant=seeker,
            changes={"phone": "(360) 555-0142", "city": "Sequim"},
        )
        seeker.refresh_from_db()
        assert (seeker.phone, seeker.city) == ("(360) 555-0142", "Sequim")
        entry = entries_for(seeker).filter(action=AuditEntry.Action.UPDATE).get()
        assert entry.actor == world.partner_case_manager
        assert entry.additional_data == {"reason": "seeker record edited"}
        assert set(entry.changes_dict) == {"phone", "city"}

    def test_refuses_a_seeker_not_enrolled_in_the_current_office(self, world):
        seeker = world.seekers["other"]
        with pytest.raises(PortalError, match="Add this seeker to your office to edit."):
            participant_update(
                actor=world.partner_case_manager,
                participant=seeker,
                changes={"phone": "(360) 555-0142"},
            )
        seeker.refresh_from_db()
        assert seeker.phone == ""

    def test_refuses_roles_that_only_read(self, world):
        with pytest.raises(PortalError, match="not edit them"):
            participant_update(
                actor=world.lwdb_reviewer,
                participant=world.seekers["own"],
                changes={"phone": "(360) 555-0142"},
            )

    def test_refuses_fields_outside_the_edit_page(self, world):
        with pytest.raises(PortalError, match="opted_out"):
            participant_update(
                actor=world.esd_case_manager,
                participant=world.seekers["own"],
                changes={"opted_out": True},
            )
        world.seekers["own"].refresh_from_db()
        assert world.seekers["own"].opted_out is False

    def test_an_unchanged_save_writes_no_audit_entry(self, world):
        seeker = world.seekers["own"]
        before = entries_for(seeker).count()
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"phone": seeker.phone}
        )
        assert entries_for(seeker).count() == before


@pytest.mark.django_db
class TestRegisterSeeker:
    def test_new_seekers_share_data_and_get_an_eight_digit_customer_id(self, world):
        seeker = participant_create(
            actor=world.esd_case_manager, first_name="Nia", last_name="Newcomb", ssn="955-01-0001"
        )
        assert seeker.opted_out is False
        assert len(seeker.customer_id) == 8 and seeker.customer_id.isdigit()
        entry = entries_for(seeker).get()
        # The trail says the SSN was set, never what it is, not even encrypted.
        assert entry.additional_data == {"reason": "seeker registered", "ssn_changed": True}
        assert "ssn_ciphertext" not in entry.changes_dict and "ssn_index" not in entry.changes_dict

    def test_refuses_a_duplicate_or_malformed_ssn(self, world):
        participant_create(actor=None, first_name="Nia", last_name="Newcomb", ssn="955-01-0001")
        with pytest.raises(PortalError, match="already registered"):
            participant_create(actor=None, first_name="Other", last_name="Person", ssn="955010001")
        with pytest.raises(PortalError, match="nine digits"):
            participant_create(actor=None, first_name="Other", last_name="Person", ssn="955-01")
        assert Participant.objects.filter(last_name="Person").count() == 0
