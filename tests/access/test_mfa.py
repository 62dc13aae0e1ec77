"""The second factor: django-otp's devices, secrets sealed at rest, and wrong codes that lock the account."""

import base64
import hashlib
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from access import mfa
from access.models import AuthenticatorApp, RecoveryCodes
from audit.models import AuditEntry
from portal.crypto import DecryptionError
from tests.factories import PASSWORD, StaffFactory

# RFC 6238 appendix B: the SHA-1 secret "12345678901234567890"; the last 6 of its 8-digit codes.
RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(
    "timestamp,code",
    [
        (59, "287082"),
        (1111111109, "081804"),
        (1111111111, "050471"),
        (1234567890, "005924"),
        (2000000000, "279037"),
        (20000000000, "353130"),
    ],
)
def test_codes_match_the_rfc_6238_test_vectors(timestamp, code):
    assert mfa.code_at(RFC_SECRET, timestamp) == code


def test_recovery_codes_are_random_and_stored_as_a_hash_ignoring_case_and_dashes():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == mfa.RECOVERY_CODES
    token = mfa.recovery_token(codes[0])
    assert token == mfa.recovery_token(codes[0].upper().replace("-", " ")) and len(token) == 16
    assert token != mfa.recovery_token(codes[1]) and codes[0].replace("-", "") not in token


# --- the secret at rest ------------------------------------------------------------------------


def raw_key(app) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [app.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_secret_is_sealed_with_its_own_key_and_bound_to_its_owner(world):
    app = AuthenticatorApp.objects.get(user=world.partner_case_manager)
    secret = app.bin_key
    stored = raw_key(app)
    assert secret.hex() not in stored and mfa.base32(secret) not in stored
    assert mfa.secret_key_id(stored) == "mfa2"  # the MFA keyring's, not the SSN keyring's
    # Copied onto another person's device, the sealed secret does not open.
    other = AuthenticatorApp.objects.get(user=world.esd_case_manager)
    AuthenticatorApp.objects.filter(pk=other.pk).update(key=stored)
    other.refresh_from_db()
    with pytest.raises(DecryptionError):
        other.bin_key  # noqa: B018 (reading the key is what must fail)


@pytest.mark.django_db
def test_rotating_the_mfa_key_reseals_every_secret_and_keeps_codes_working(world, settings):
    old_ring = [entry for entry in settings.MFA_KEYS.split(",") if entry.startswith("mfa1:")][0]
    with override_settings(MFA_KEYS=old_ring):
        person = StaffFactory(organization=world.partner, current_office=world.office_a)
    app = AuthenticatorApp.objects.get(user=person)
    assert mfa.secret_key_id(raw_key(app)) == "mfa1"
    secret = app.bin_key  # the current ring still opens the old key's secrets

    out = StringIO()
    call_command("rotate_mfa_keys", stdout=out)
    assert "Re-sealed" in out.getvalue() and mfa.base32(secret) not in out.getvalue()
    assert {mfa.secret_key_id(raw_key(a)) for a in AuthenticatorApp.objects.all()} == {"mfa2"}
    app.refresh_from_db()
    assert app.bin_key == secret
    call_command("rotate_mfa_keys", stdout=(again := StringIO()))
    assert "Re-sealed 0" in again.getvalue()


# --- the code at sign-in -----------------------------------------------------------------------


@pytest.fixture
def code_required(settings):
    settings.ACCESS_MFA_AT_SIGN_IN = True


def password_step(person) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    return client


def current_code(person) -> str:
    app = AuthenticatorApp.objects.get(user=person)
    return mfa.code_at(app.bin_key, time.time())


def wrong_code(person) -> str:
    right = current_code(person)
    return "000000" if right != "000000" else "111111"


def locked_out(response) -> bool:
    return response.status_code == 429 and "Sign-in locked" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("code_required")
class TestWrongCodes:
    def test_thirty_wrong_codes_from_several_sessions_lock_the_account_and_the_right_code_is_refused(
        self, world
    ):
        person = world.partner_case_manager
        last_used = person.last_login
        sessions = [password_step(person) for _ in range(6)]
        verify = reverse("access:mfa_verify")
        responses = []
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for n in range(30):
                responses.append(sessions[n % 5].post(verify, {"code": wrong_code(person)}))
                clock.shift(
                    10
                )  # past django-otp's wait (1, 2, 4, 8 seconds): every code is checked
        # Wrong codes count per account across sessions: the fifth locked it, and each session
        # that posted one was signed out when it tried again.
        assert not any(locked_out(r) for r in responses[:4]) and locked_out(responses[4])
        assert all(r.status_code in (302, 429) for r in responses[5:])
        assert sessions[0].get(reverse("portal:dashboard"))["Location"].startswith(reverse("login"))
        # The sixth session never posted a wrong code; the right code there does not sign in either.
        right = sessions[5].post(verify, {"code": current_code(person)})
        assert locked_out(right)
        assert sessions[5].get(reverse("portal:dashboard"))["Location"].startswith(reverse("login"))
        # The lock is the password lockout's: the password is refused too, for 15 minutes.
        assert locked_out(
            Client().post(reverse("login"), {"username": person.username, "password": PASSWORD})
        )
        person.refresh_from_db()
        assert person.last_login == last_used  # never signed in

    def test_a_code_lockout_is_audited_listed_and_unlocked_like_a_password_lockout(self, world):
        person = world.partner_case_manager
        client = password_step(person)
        RecoveryCodes.objects.create(user=person, name="Recovery codes").replace_codes(
            ["pqrs-tuvw-xyz2"]
        )
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for _ in range(5):
                response = client.post(
                    reverse("access:mfa_verify"), {"code": "abcd-efgh-jkmn"}
                )  # a wrong recovery code
                clock.shift(10)
        assert locked_out(response)
        [entry] = AuditEntry.objects.get_for_object(person).filter(
            changes__has_key="sign_in_lockout"
        )
        assert entry.changes_dict["sign_in_lockout"] == ["unlocked", "locked"]

        management = Client()
        management.force_login(world.access_management)
        assert person.username in management.get(reverse("access:lockouts")).content.decode()
        management.post(reverse("access:lockouts"), {"username": person.username})
        client = password_step(person)
        assert client.post(reverse("access:mfa_verify"), {"code": current_code(person)})[
            "Location"
        ] == reverse("portal:dashboard")

    def test_django_otp_makes_a_second_try_wait_and_a_hurried_code_is_not_counted(self, world):
        person = world.partner_case_manager
        client = password_step(person)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            assert (
                "does not match"
                in client.post(
                    reverse("access:mfa_verify"), {"code": wrong_code(person)}
                ).content.decode()
            )
            # At once after a wrong code, even the right one is refused: the device makes it wait.
            for _ in range(10):
                hurried = client.post(reverse("access:mfa_verify"), {"code": current_code(person)})
                assert "wait 1 second, then type the code again" in hurried.content.decode()
            # Codes never checked are no failures: the account is not locked, and the wait is over.
            clock.shift(2)
            assert client.post(reverse("access:mfa_verify"), {"code": current_code(person)})[
                "Location"
            ] == reverse("portal:dashboard")

    def test_a_lock_and_an_unlock_clear_django_otps_wait_so_nobody_waits_for_hours(self, world):
        person = world.partner_case_manager
        management = Client()
        management.force_login(world.access_management)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for _ in range(3):  # someone with the password locks the account three times over
                client = password_step(person)
                for _ in range(5):
                    client.post(reverse("access:mfa_verify"), {"code": wrong_code(person)})
                    clock.shift(10)
                assert AuthenticatorApp.objects.get(user=person).throttling_failure_count == 0
                management.post(reverse("access:lockouts"), {"username": person.username})
            # After the unlock, the real person's code works at once.
            client = password_step(person)
            assert client.post(reverse("access:mfa_verify"), {"code": current_code(person)})[
                "Location"
            ] == reverse("portal:dashboard")

    def test_a_right_code_signs_in_and_clears_the_count(self, world):
        person = world.partner_case_manager
        client = password_step(person)
        for _ in range(4):
            client.post(reverse("access:mfa_verify"), {"code": wrong_code(person)})
            AuthenticatorApp.objects.filter(user=person).update(throttling_failure_timestamp=None)
        assert client.post(reverse("access:mfa_verify"), {"code": current_code(person)})[
            "Location"
        ] == reverse("portal:dashboard")
        # Four failures before do not carry over to the next sign-in.
        again = password_step(person)
        response = again.post(reverse("access:mfa_verify"), {"code": wrong_code(person)})
        assert not locked_out(response) and "does not match" in response.content.decode()

    def test_a_recovery_code_works_once(self, world):
        person = world.partner_case_manager
        recovery = RecoveryCodes.objects.create(user=person, name="Recovery codes")
        recovery.replace_codes(["abcd-efgh-jkmn", "pqrs-tuvw-xyz2"])
        client = password_step(person)
        assert client.post(reverse("access:mfa_verify"), {"code": "ABCD EFGH JKMN"})[
            "Location"
        ] == reverse("portal:dashboard")
        assert recovery.left == 1
        again = password_step(person)
        assert (
            "does not match"
            in again.post(reverse("access:mfa_verify"), {"code": "abcd-efgh-jkmn"}).content.decode()
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("code_required")
def test_the_password_alone_is_no_use_of_the_account(world):
    person = world.partner_case_manager
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = password_step(person)
        assert (
            client.post(reverse("access:mfa_verify"), {"code": current_code(person)}).status_code
            == 302
        )
        person.refresh_from_db()
        assert person.last_login == start

        # 80 days later someone with the password, but not the code, signs in: it does not count.
        clock.shift(timedelta(days=80))
        password_step(person)
        person.refresh_from_db()
        assert person.last_login == start

        # So 91 days after the last complete sign-in, the account has gone unused, and it ends.
        clock.shift(timedelta(days=11))
        refused = Client().post(
            reverse("login"), {"username": person.username, "password": PASSWORD}
        )
        assert refused.status_code == 200 and "not used for 90 days" in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_authenticator_apps_and_recovery_codes_of_before_keep_working_after_the_move(world):
    """The migration to django-otp: the same secret and the same unused recovery codes."""
    from django.db.migrations.executor import MigrationExecutor

    person = world.partner_case_manager
    executor = MigrationExecutor(connection)
    executor.migrate([("access", "0002_mis_access_administration")])
    old = executor.loader.project_state([("access", "0002_mis_access_administration")]).apps
    secret = b"an old twenty bytes!"
    old.get_model("access", "AuthenticatorApp").objects.filter(staff_id=person.pk).update(
        secret=base64.b32encode(secret).decode(),
        confirmed_at=timezone.now(),
        last_used_step=0,
    )
    Code = old.get_model("access", "RecoveryCode")
    Code.objects.create(staff_id=person.pk, code_hash=hashlib.sha256(b"abcdefghjkmn").hexdigest())
    Code.objects.create(staff_id=person.pk, code_hash="0" * 64, used_at=timezone.now())

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    app = AuthenticatorApp.objects.get(user=person)
    assert app.confirmed and app.bin_key == secret
    assert app.verify_token(mfa.code_at(secret, time.time()))
    recovery = RecoveryCodes.objects.get(user=person)
    assert recovery.left == 1 and recovery.verify_token("abcd-efgh-jkmn")
