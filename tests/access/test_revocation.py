"""Access ends at the moment it must (policy 1021 e.vii, g.ix, h.viii): on the very next request, every session."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRequest, Contract, Staff
from access.services import (
    access_request_approve,
    access_request_disable,
    access_sweep,
    sign_in_complete,
)
from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
STATE = ZoneInfo(settings.TIME_ZONE)


def signed_in(person):
    """A browser of `person` after a complete sign-in (password and code), which counts as use."""
    client = Client()
    client.force_login(person)
    sign_in_complete(staff=person)
    return client


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def access_events(person):
    """Audit entries that changed whether the person is active."""
    staff_type = ContentType.objects.get_for_model(Staff)
    entries = AuditEntry.objects.filter(
        content_type=staff_type, object_pk=str(person.pk), action=AuditEntry.Action.UPDATE
    )
    return [e for e in entries if "is_active" in e.changes_dict]


def test_a_contract_expiring_at_midnight_blocks_the_very_next_request_and_ends_every_session(world):
    person = world.partner_case_manager
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.DATA_SHARING).update(
        expiry_date=date(2027, 3, 1)
    )
    with time_machine.travel(datetime(2027, 2, 28, 23, 59, 0, tzinfo=STATE), tick=False) as clock:
        browser, other_browser = signed_in(person), signed_in(person)
        assert browser.get(reverse("portal:dashboard")).status_code == 200
        clock.move_to(datetime(2027, 2, 28, 23, 59, 59, tzinfo=STATE))
        assert browser.get(reverse("portal:dashboard")).status_code == 200
        clock.move_to(datetime(2027, 3, 1, 0, 0, 0, tzinfo=STATE))
        response = browser.get(reverse("portal:dashboard"))
        assert signed_out(response)
        follow = browser.get(response["Location"])
        assert (
            "You were signed out: your organization&#x27;s service contract or MIS data sharing contract is not in effect"
            in follow.content.decode()
        )
        assert signed_out(other_browser.get(reverse("portal:dashboard")))
    person.refresh_from_db()
    assert not person.is_active
    assert not Session.objects.filter(
        session_key__in=[browser.session.session_key, other_browser.session.session_key]
    ).exists()
    [event] = access_events(person)
    assert (
        event.changes_dict["is_active"] == [True, False]
        and "contract" in event.additional_data["reason"]
    )


def test_state_staff_need_no_contract(world):
    Contract.objects.filter(organization=world.state).delete()
    assert signed_in(world.esd_case_manager).get(reverse("portal:dashboard")).status_code == 200


def test_a_disable_request_takes_effect_at_its_effective_date(world):
    from access.services import requester_designate

    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    person = world.partner_case_manager
    effective = datetime(2027, 5, 3, 17, 0, tzinfo=STATE)
    with time_machine.travel(datetime(2027, 5, 1, 9, 0, tzinfo=STATE), tick=False) as clock:
        request, _ = access_request_disable(
            actor=world.access_requester,
            staff=person,
            reason="resignation",
            reason_other="",
            effective_at=effective,
        )
        access_request_approve(actor=world.access_management, request_id=request.pk)
        clock.move_to(effective - timedelta(seconds=1))
        browser = signed_in(person)
        assert browser.get(reverse("portal:dashboard")).status_code == 200
        clock.move_to(effective)
        assert signed_out(browser.get(reverse("portal:dashboard")))
    request.refresh_from_db()
    person.refresh_from_db()
    assert request.status == AccessRequest.Status.COMPLETED and request.completed_at == effective
    assert not person.is_active and len(access_events(person)) == 1


def test_ninety_days_unused_ends_access_at_sign_in_and_in_the_sweep(world):
    person = world.partner_case_manager
    start = timezone.now()
    Staff.objects.update(last_login=start)
    credentials = {"username": person.username, "password": PASSWORD}
    with time_machine.travel(start + timedelta(days=89), tick=False):
        assert access_sweep()["ended"] == 0
        assert Client().post(reverse("login"), credentials).status_code == 302
    Staff.objects.filter(pk=person.pk).update(last_login=start - timedelta(days=1))
    with time_machine.travel(start + timedelta(days=89, seconds=1), tick=False):
        refused = Client().post(reverse("login"), credentials)
        assert refused.status_code == 200 and "was not used for 90 days" in refused.content.decode()
        assert access_sweep()["ended"] == 1
        assert access_sweep()["ended"] == 0  # nothing twice
    person.refresh_from_db()
    assert not person.is_active and len(access_events(person)) == 1


def test_the_sweep_ends_access_once_per_person_and_deletes_their_sessions(world):
    partner_staff = list(Staff.objects.filter(organization=world.partner))
    assert len(partner_staff) == 6  # case managers, a restricted one and requesters, in both areas
    browsers = [signed_in(person) for person in partner_staff]
    state_browser = signed_in(world.esd_case_manager)
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.SERVICE).update(
        expiry_date=timezone.localdate()
    )
    assert access_sweep()["ended"] == len(partner_staff)
    assert access_sweep()["ended"] == 0
    for person, browser in zip(partner_staff, browsers, strict=True):
        person.refresh_from_db()
        assert not person.is_active and len(access_events(person)) == 1
        assert not Session.objects.filter(session_key=browser.session.session_key).exists()
    assert Session.objects.filter(session_key=state_browser.session.session_key).exists()
    world.esd_case_manager.refresh_from_db()
    assert world.esd_case_manager.is_active


def test_the_sweep_works_in_batches_with_one_audit_event_per_person_and_its_reason(world, settings):
    from tests.factories import StaffFactory

    settings.ACCESS_SWEEP_BATCH = 2
    people = list(Staff.objects.filter(organization=world.partner))
    people += [
        StaffFactory(organization=world.partner, current_office=world.office_a) for _ in range(3)
    ]
    browsers = [signed_in(person) for person in people]
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.DATA_SHARING).update(
        expiry_date=timezone.localdate()
    )
    assert access_sweep()["ended"] == len(people)
    for person, browser in zip(people, browsers, strict=True):
        person.refresh_from_db()
        [event] = access_events(person)
        assert not person.is_active and event.changes_dict == {"is_active": [True, False]}
        assert event.additional_data["reason"] == (
            "access ended: your organization's service contract or MIS data sharing contract is not in effect"
        )
        assert event.object_repr == str(person) and event.actor is None
        assert not Session.objects.filter(session_key=browser.session.session_key).exists()


def test_access_ended_on_someones_behalf_names_them_as_the_actor(world):
    """As a save would: within a request (auditlog's actor), the entry names the request's user."""
    from auditlog.context import set_actor

    from access.services import staff_end_access

    person = world.partner_case_manager
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.SERVICE).update(
        expiry_date=timezone.localdate()
    )
    with set_actor(world.access_management):
        assert staff_end_access(staff_id=person.pk)
    [event] = access_events(person)
    assert event.actor == world.access_management


def test_contract_expiry_warnings_go_out_30_and_7_days_ahead_once_each(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from access.services import requester_designate

    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    today = date(2027, 6, 1)
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.DATA_SHARING).update(
        expiry_date=today + timedelta(days=30)
    )
    with (
        time_machine.travel(datetime(2027, 6, 1, 9, 0, tzinfo=STATE), tick=False) as clock,
        django_capture_on_commit_callbacks(execute=True),
    ):
        Staff.objects.update(last_login=timezone.now())  # everyone keeps working meanwhile
        assert access_sweep()["warnings"] == 1
        assert access_sweep()["warnings"] == 0
        clock.move_to(datetime(2027, 6, 20, 9, 0, tzinfo=STATE))
        assert access_sweep()["warnings"] == 0  # 11 days left: the 30-day warning was sent
        clock.move_to(datetime(2027, 6, 24, 9, 0, tzinfo=STATE))
        assert access_sweep()["warnings"] == 1
    first, second = mailoutbox
    assert "30 days" in first.subject and "7 days" in second.subject
    # The administrators, and the requester designated for the area (not the other area's).
    assert set(first.to) == {
        world.mis_admin.email,
        world.mis_admin_b.email,
        world.access_requester.email,
    }
    assert world.partner_case_manager.username in first.body and "07/01/2027" in first.body


def test_the_sweep_run_as_a_task_names_the_task_as_the_actor(world):
    from access.tasks import sweep_access

    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.SERVICE).update(
        expiry_date=timezone.localdate()
    )
    result = sweep_access.apply()
    [entry] = access_events(world.partner_case_manager)
    assert (
        entry.actor is None and entry.additional_data["actor_task"] == "access.tasks.sweep_access"
    )
    assert entry.cid == result.id  # the task's id correlates what one run wrote
