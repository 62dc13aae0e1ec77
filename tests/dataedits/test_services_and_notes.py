"""Recording services and case notes (seed 004, "Service Entry" and "Case notes")."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from dataedits.models import CaseNote, Program, Service, ServiceType
from dataedits.selectors import ReportScope, late_entries
from dataedits.services import case_note_create, service_create
from portal.errors import PortalError

from .helpers import add_note, add_service, service_type

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
# Wednesday, March 13, 2024, mid-morning in the portal's time zone.
NOW = datetime(2024, 3, 13, 10, 0, tzinfo=TZ)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def record(world, who="partner_case_manager", seeker="own", **overrides):
    values = {
        "service_type": service_type("career_guidance"),
        "program": Program.ADULT,
        "start_date": date(2024, 3, 12),
        "end_date": date(2024, 3, 12),
    } | overrides
    return service_create(actor=world.people[who], participant=world.seekers[seeker], **values)


def test_the_catalog_holds_the_issues_codes_and_which_count():
    counts = dict(ServiceType.objects.values_list("code", "counts_toward_participation"))
    assert {code for code, c in counts.items() if c} >= {
        "initial_assessment",
        "career_guidance",
        "occupational_skills_training",
        "workforce_preparation",
        "work_experience",
        "supportive_service",
    }
    assert {code for code, c in counts.items() if not c} >= {
        "follow_up",
        "self_service",
        "information_only",
    }


@pytest.mark.usefixtures("at_now")
class TestServiceEntry:
    def test_records_in_the_current_office_audited(self, world):
        service = record(world)
        assert service.office == world.office_a and service.entered_by == world.partner_case_manager
        assert not service.is_late
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Service), object_pk=str(service.pk)
        )
        assert entry.actor == world.partner_case_manager
        assert entry.additional_data["reason"] == "service recorded"

    def test_seven_days_late_is_on_time_and_eight_is_flagged_late(self, world):
        assert not record(world, start_date=date(2024, 3, 6), end_date=date(2024, 3, 6)).is_late
        late = record(world, start_date=date(2024, 3, 5), end_date=date(2024, 3, 5))
        assert late.is_late
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Service), object_pk=str(late.pk)
        )
        assert entry.additional_data["reason"] == "service recorded late"

    def test_late_is_counted_in_the_portals_time_zone(self, world):
        # 11:30 PM on March 12 in Washington is already March 13 in UTC.
        with time_machine.travel(datetime(2024, 3, 12, 23, 30, tzinfo=TZ), tick=False):
            assert not record(world, start_date=date(2024, 3, 5), end_date=date(2024, 3, 5)).is_late

    def test_a_future_dated_service_is_refused_and_nothing_is_recorded(self, world):
        with pytest.raises(PortalError, match="start date is in the future"):
            record(world, start_date=date(2024, 3, 14), end_date=date(2024, 3, 14))
        assert not Service.objects.exists()

    def test_end_before_start_is_refused(self, world):
        with pytest.raises(PortalError, match="end date is before the start date"):
            record(world, start_date=date(2024, 3, 12), end_date=date(2024, 3, 11))
        assert not Service.objects.exists()

    def test_only_on_seekers_enrolled_in_the_current_office(self, world):
        with pytest.raises(PortalError, match="Add this seeker to your office"):
            record(world, seeker="other")
        with pytest.raises(PortalError, match="role can view seekers but not edit"):
            record(world, who="lwdb_reviewer")
        assert not Service.objects.exists()

    def test_a_seeker_the_actor_may_not_see_is_not_found(self, world):
        with pytest.raises(PortalError, match="could not be found"):
            record(world, seeker="opted_out")
        assert (
            record(world, who="esd_case_manager", seeker="opted_out").participant
            == world.seekers["opted_out"]
        )

    def test_an_inactive_type_is_refused(self, world):
        ServiceType.objects.filter(code="career_guidance").update(is_active=False)
        with pytest.raises(PortalError, match="no longer offered"):
            record(world)


@pytest.mark.usefixtures("at_now")
class TestCaseNotes:
    def write(self, world, contact, text="Discussed training options."):
        return case_note_create(
            actor=world.partner_case_manager,
            participant=world.seekers["own"],
            contact_date=contact,
            text=text,
        )

    def test_on_time_and_late(self, world):
        assert not self.write(world, date(2024, 3, 6)).is_late
        assert self.write(world, date(2024, 3, 5)).is_late

    def test_future_contact_and_empty_text_are_refused(self, world):
        with pytest.raises(PortalError, match="in the future"):
            self.write(world, date(2024, 3, 14))
        with pytest.raises(PortalError, match="Write the case note"):
            self.write(world, date(2024, 3, 12), text="   ")
        assert not CaseNote.objects.exists()


def office_scope(office) -> ReportScope:
    return ReportScope("office", office.pk, office.name)


def test_late_entries_by_staff_member_and_week(world):
    cm, sup = world.partner_case_manager, world.esd_supervisor
    seeker = world.seekers["own"]
    monday = datetime(2024, 3, 11, 9, 0, tzinfo=TZ)
    add_service(
        seeker,
        "career_guidance",
        date(2024, 2, 1),
        office=world.office_a,
        by=cm,
        entered_at=monday,
        is_late=True,
    )
    add_service(
        seeker,
        "career_guidance",
        date(2024, 2, 2),
        office=world.office_a,
        by=cm,
        entered_at=monday + timedelta(days=4),
        is_late=True,
    )
    add_note(
        seeker,
        by=cm,
        office=world.office_a,
        contact=date(2024, 2, 1),
        entered_at=monday + timedelta(days=6),
        is_late=True,
    )
    add_service(
        seeker,
        "career_guidance",
        date(2024, 2, 3),
        office=world.office_a,
        by=cm,
        entered_at=monday + timedelta(days=7),
        is_late=True,
    )  # the next week
    add_service(
        seeker,
        "career_guidance",
        date(2024, 3, 11),
        office=world.office_a,
        by=sup,
        entered_at=monday,
    )  # on time
    add_service(
        seeker,
        "career_guidance",
        date(2024, 2, 1),
        office=world.office_b,
        by=sup,
        entered_at=monday,
        is_late=True,
    )

    march = {"date_from": date(2024, 3, 1), "date_to": date(2024, 3, 31)}
    rows = late_entries(scope=office_scope(world.office_a), **march)
    assert [(r.staff, r.week, r.services, r.case_notes) for r in rows] == [
        (cm, date(2024, 3, 18), 1, 0),
        (cm, date(2024, 3, 11), 2, 1),
    ]
    assert late_entries(scope=office_scope(world.office_b), **march)[0].staff == sup
