"""Sign-in lockout (django-axes): 5 failures in 15 minutes lock the username; access management unlocks."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(password, username="partner.casemanager"):
    return Client().post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_username_until_access_management_unlocks_it(world):
    for _ in range(4):
        assert "didn't match" in attempt("wrong").content.decode()
    locked = attempt("wrong")
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()
    # Locked: even the right password is refused, and other people sign in as usual.
    assert attempt(PASSWORD).status_code == 429
    assert attempt(PASSWORD, username="esd.casemanager").status_code == 302

    management = Client()
    management.force_login(world.access_management)
    page = management.get(reverse("access:lockouts")).content.decode()
    assert "partner.casemanager" in page
    response = management.post(
        reverse("access:lockouts"), {"username": "partner.casemanager"}, follow=True
    )
    assert "partner.casemanager may sign in again." in response.content.decode()
    assert attempt(PASSWORD).status_code == 302
    # One entry when the lock came (however many attempts met it), one when it was lifted.
    locked, unlocked = AuditEntry.objects.filter(
        object_pk=str(world.partner_case_manager.pk), changes__has_key="sign_in_lockout"
    ).order_by("timestamp", "pk")
    assert locked.changes_dict["sign_in_lockout"] == ["unlocked", "locked"] and locked.actor is None
    assert (
        unlocked.changes_dict["sign_in_lockout"] == ["locked", "unlocked"]
        and unlocked.actor == world.access_management
    )

    not_locked = management.post(
        reverse("access:lockouts"), {"username": "partner.casemanager"}, follow=True
    )
    assert "This username is not locked." in not_locked.content.decode()


def test_the_lock_lifts_after_15_minutes_and_not_before(world):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            attempt("wrong")
        # Looked at without trying (a try while locked would start the 15 minutes again).
        management = Client()
        management.force_login(world.access_management)
        clock.shift(timedelta(minutes=14, seconds=59))
        assert "partner.casemanager" in management.get(reverse("access:lockouts")).content.decode()
        clock.shift(timedelta(seconds=2))  # 15 minutes and a second after the fifth failure
        assert (
            "partner.casemanager" not in management.get(reverse("access:lockouts")).content.decode()
        )
        signed_in = attempt(PASSWORD)
        assert signed_in.status_code == 302 and signed_in["Location"] == reverse("portal:dashboard")
