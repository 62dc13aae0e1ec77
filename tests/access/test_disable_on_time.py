"""Seed 003 i and seed 004: a disable takes effect at its time, approved or not; a dismissal at once.

Taking access away never waits for a second person; granting it always does.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from access.models import AccessRequest, Staff
from access.services import (
    access_request_approve,
    access_request_disable,
    access_request_reject,
    access_sweep,
    requester_designate,
    sign_in_complete,
)
from portal.errors import PortalError

pytestmark = pytest.mark.django_db
STATE = ZoneInfo(settings.TIME_ZONE)
FILED = datetime(2027, 5, 1, 9, 0, tzinfo=STATE)
EFFECTIVE = datetime(2027, 5, 3, 17, 0, tzinfo=STATE)


@pytest.fixture
def designated(world):
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    return world


def browser_of(person) -> Client:
    client = Client()
    client.force_login(person)
    sign_in_complete(staff=person)
    return client


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_filed_disable_ends_access_at_its_time_with_no_approval(designated):
    person = designated.partner_case_manager
    with time_machine.travel(FILED, tick=False) as clock:
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="resignation",
            reason_other="",
            effective_at=EFFECTIVE,
        )
        clock.move_to(EFFECTIVE - timedelta(minutes=1))
        desk, laptop = browser_of(person), browser_of(person)
        assert desk.get(reverse("portal:dashboard")).status_code == 200
        clock.move_to(EFFECTIVE + timedelta(minutes=1))
        # Nobody approved it. The person's next request signs them out, and every session is gone.
        assert signed_out(desk.get(reverse("portal:dashboard")))
        assert not Session.objects.filter(
            session_key__in=[desk.session.session_key, laptop.session.session_key]
        ).exists()
        assert signed_out(laptop.get(reverse("portal:dashboard")))
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.IN_EFFECT and request.decided_by is None
    assert not Staff.objects.get(pk=person.pk).is_active


def test_the_sweep_ends_it_too_and_the_approval_then_confirms_it(designated):
    person = designated.partner_case_manager
    with time_machine.travel(FILED, tick=False) as clock:
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="retirement",
            reason_other="",
            effective_at=EFFECTIVE,
        )
        clock.move_to(EFFECTIVE + timedelta(minutes=1))
        Staff.objects.update(last_login=EFFECTIVE)  # everyone else keeps working meanwhile
        assert access_sweep()["ended"] == 1
        queue = (
            browser_of(designated.access_management).get(reverse("access:queue")).content.decode()
        )
        assert f"#{request.pk}" in queue  # still there, to confirm
        with pytest.raises(PortalError, match="can no longer be cancelled"):
            access_request_reject(
                actor=designated.access_management, request_id=request.pk, reason="Mistake."
            )
        access_request_approve(actor=designated.access_management, request_id=request.pk)
    request.refresh_from_db()
    assert (
        request.status == AccessRequest.Status.COMPLETED
        and request.decided_by == designated.access_management
    )
    assert request.completed_at == EFFECTIVE + timedelta(
        minutes=1
    )  # when it took effect, not when confirmed


def test_a_rejection_before_its_time_cancels_it(designated):
    person = designated.partner_case_manager
    with time_machine.travel(FILED, tick=False) as clock:
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="resignation",
            reason_other="",
            effective_at=EFFECTIVE,
        )
        access_request_reject(
            actor=designated.access_management, request_id=request.pk, reason="Wrong person."
        )
        clock.move_to(EFFECTIVE + timedelta(hours=1))
        Staff.objects.update(last_login=EFFECTIVE)
        assert access_sweep()["ended"] == 0
        assert browser_of(person).get(reverse("portal:dashboard")).status_code == 200


def test_a_dismissal_takes_effect_at_once_and_the_administrator_is_emailed_at_once(
    designated, mailoutbox, django_capture_on_commit_callbacks
):
    person = designated.partner_case_manager
    desk = browser_of(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_of(designated.access_requester).post(
            reverse("access:request_disable"),
            {
                "staff": person.pk,
                "reason": "dismissed_for_cause",
                "effective_at": "",
            },
        )
    assert response.status_code == 302
    request = AccessRequest.objects.get(kind=AccessRequest.Kind.DISABLE)
    assert (
        request.status == AccessRequest.Status.IN_EFFECT
        and not Staff.objects.get(pk=person.pk).is_active
    )
    assert signed_out(desk.get(reverse("portal:dashboard")))
    alert = next(m for m in mailoutbox if m.subject.startswith("Dismissed"))
    assert set(alert.to) == {designated.mis_admin.email, designated.mis_admin_b.email}
    assert (
        person.username in alert.body and "without waiting for MIS access management" in alert.body
    )


def test_granting_access_still_waits_for_a_second_person(designated):
    """An add request grants nothing until MIS access management approves it; its filer cannot."""
    from django.utils import timezone

    from access.services import access_request_add

    request = access_request_add(
        actor=designated.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="pat@example.org",
        organization=designated.partner,
        role="case_manager",
        offices=[designated.office_a],
        logs_into=designated.office_a,
        training_completed_on=timezone.localdate(),
        supervisor_certified=True,
    )
    assert not Staff.objects.filter(email="pat@example.org").exists()
    assert request.status == AccessRequest.Status.PENDING
