import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.tasks import clear_expired_sessions
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_sign_in_then_an_idle_session_ends_after_15_minutes(world):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert (
            client.post(
                reverse("login"), {"username": "esd.casemanager", "password": PASSWORD}
            ).status_code
            == 302
        )
        clock.shift(timedelta(minutes=14))
        assert (
            client.get(reverse("portal:dashboard")).status_code == 200
        )  # activity pushes the expiry on
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("portal:dashboard")).status_code == 200
        clock.shift(timedelta(minutes=16))
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_activity_renews_the_session_at_most_once_a_minute(world):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(world.esd_case_manager)
        client.get(reverse("portal:dashboard"))
        key = client.session.session_key
        renewed = Session.objects.get(session_key=key).expire_date
        clock.shift(timedelta(seconds=50))
        client.get(reverse("portal:dashboard"))
        assert (
            Session.objects.get(session_key=key).expire_date == renewed
        )  # no write within the minute
        clock.shift(timedelta(seconds=20))
        client.get(reverse("portal:dashboard"))
        assert Session.objects.get(session_key=key).expire_date == renewed + timedelta(seconds=70)


@pytest.mark.django_db
def test_a_wrong_password_says_so_and_signs_nobody_in(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "esd.casemanager", "password": "wrong"})
    assert response.status_code == 200 and "didn't match" in response.content.decode()
    assert client.get(reverse("portal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_switching_office_only_among_assigned_offices(world, django_user_model):
    from tests.factories import OfficeFactory

    client = Client()
    client.force_login(world.partner_case_manager)
    refused = client.post(
        reverse("access:switch_office"), {"office": world.office_b.pk}, follow=True
    )
    assert "only switch to an office you are assigned to" in refused.content.decode()
    world.partner_case_manager.offices.add(world.office_b)  # now assigned to both offices
    client.post(reverse("access:switch_office"), {"office": world.office_b.pk})
    world.partner_case_manager.refresh_from_db()
    assert world.partner_case_manager.current_office == world.office_b
    stranger = OfficeFactory()
    response = client.post(reverse("access:switch_office"), {"office": stranger.pk}, follow=True)
    assert "only switch to an office you are assigned to" in response.content.decode()
    world.partner_case_manager.refresh_from_db()
    assert world.partner_case_manager.current_office == world.office_b


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_clears_expired_sessions(world, real_workers):
    client = Client()
    client.force_login(world.esd_case_manager)
    live_key = client.session.session_key
    Session.objects.create(
        session_key="expired-session",
        session_data="e30",
        expire_date=timezone.now() - timedelta(minutes=1),
    )
    # A Celery worker in a thread, consuming from the suite's Redis broker.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        clear_expired_sessions.delay()
        for _ in range(300):  # wait for the worker, at most 30 seconds
            if not Session.objects.filter(session_key="expired-session").exists():
                break
            time.sleep(0.1)
    assert set(Session.objects.values_list("session_key", flat=True)) == {live_key}
