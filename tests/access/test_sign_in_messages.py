"""What the sign-in page tells a person: that they signed out, and that one more failure locks."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.access.test_mfa import password_step, wrong_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
WARNING = "One more failed attempt will lock this account for 15 minutes."


def attempt(client, password, username="partner.casemanager"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_signing_out_says_so_on_the_sign_in_page(world):
    client = Client()
    client.force_login(world.partner_case_manager)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    page = response.content.decode()
    assert "You have signed out." in page and "<h1>Sign in</h1>" in page
    # Said once: the next visit to the sign-in page is a plain one.
    assert "You have signed out." not in client.get(reverse("login")).content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_is_a_post_and_a_get_signs_no_one_out(world):
    client = Client()
    client.force_login(world.partner_case_manager)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_no_sign_out_message_for_someone_who_was_not_signed_in():
    response = Client().post(reverse("logout"), follow=True)
    assert "You have signed out." not in response.content.decode()


def test_the_lock_warning_comes_with_the_last_attempt_before_the_lock_only(world):
    client = Client()
    for _ in range(3):
        page = attempt(client, "wrong").content.decode()
        assert "didn't match" in page and WARNING not in page
    fourth = attempt(client, "wrong").content.decode()
    assert "didn't match" in fourth and WARNING in fourth
    # Counted per username: another person's page says nothing of it.
    other = attempt(Client(), "wrong", username="esd.casemanager").content.decode()
    assert WARNING not in other
    # The fifth locks, with the lockout page, not the warning.
    locked = attempt(client, "wrong")
    assert locked.status_code == 429 and WARNING not in locked.content.decode()


def test_a_username_nobody_has_is_warned_the_same_way():
    client = Client()
    pages = [attempt(client, "wrong", username="nobody.here").content.decode() for _ in range(4)]
    assert [WARNING in page for page in pages] == [False, False, False, True]


def test_a_refused_username_is_not_counted_nor_warned(world):
    client = Client()
    for _ in range(4):
        attempt(client, "wrong")
    refused = attempt(client, PASSWORD, username="917-43-8265").content.decode()
    assert WARNING not in refused and "917-43-8265" not in refused


def test_the_code_step_warns_at_the_last_wrong_code_too(world, settings):
    settings.ACCESS_MFA_AT_SIGN_IN = True
    person = world.partner_case_manager
    client = password_step(person)
    pages = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            response = client.post(reverse("access:mfa_verify"), {"code": wrong_code(person)})
            pages.append(response.content.decode())
            clock.shift(10)  # past django-otp's wait: every code is checked
    assert [WARNING in page for page in pages] == [False, False, False, True]
