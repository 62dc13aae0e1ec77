"""The SSN at rest: encryption round trip, blind-index lookup, loud failures, keyring, key rotation.

Every SSN here has an area number from 900 to 999 (never issued).
"""

import base64
import logging
import pickle
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from audit.models import AuditEntry
from participants.crypto import (
    Keyring,
    SSNDecryptionError,
    blind_index,
    keyring,
    mask_ssn,
    normalize_ssn,
)
from participants.models import Participant
from tests.factories import ParticipantFactory, ssn_for

ROTATION_LOGGER = "participants.management.commands.rotate_ssn_keys"
KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


def ring_entry(key_id: str) -> str:
    """One "id:<base64>" entry of the test keyring in settings_test."""
    return next(entry for entry in settings.SSN_KEYS.split(",") if entry.startswith(f"{key_id}:"))


def raw_ciphertext(pk) -> bytes | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn_ciphertext FROM participants_participant WHERE id = %s", [pk])
        blob = cursor.fetchone()[0]
    return None if blob is None else bytes(blob)


def store_ciphertext(pk, blob: bytes) -> None:
    # Straight to the column, as damage or an attacker would, bypassing the model.
    Participant.objects.filter(pk=pk).update(ssn_ciphertext=blob)


# --- input and display -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["912-34-5678", "912345678", " 912-34-5678 ", "91234-5678"])
def test_an_ssn_typed_with_or_without_dashes_normalizes_to_nine_digits(typed):
    assert normalize_ssn(typed) == "912345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "91234567",
        "9123456789",
        "912-34-567a",
        "912_34_5678",
        "\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
    ],  # Arabic-Indic digits
)
def test_anything_else_is_not_an_ssn(typed):
    assert normalize_ssn(typed) is None


def test_the_mask_shows_only_the_last_four_digits():
    assert mask_ssn("912345678") == "***-**-5678"
    assert mask_ssn(None) == "—"


# --- at rest -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_ssn_survives_save_and_reload():
    seeker = ParticipantFactory()
    seeker.ssn = "912-34-5678"
    seeker.save()

    reloaded = Participant.objects.get(pk=seeker.pk)
    assert reloaded.ssn == "912345678"
    assert keyring().key_id_of(reloaded.ssn_ciphertext) == keyring().current_id

    reloaded.ssn = None
    reloaded.save()
    cleared = Participant.objects.get(pk=seeker.pk)
    assert (cleared.ssn, cleared.ssn_ciphertext, cleared.ssn_index) == (None, None, None)


@pytest.mark.django_db
def test_the_stored_columns_never_hold_the_ssn_digits():
    seeker = ParticipantFactory(ssn="912-34-5678")
    blob = raw_ciphertext(seeker.pk)
    for form in ("912345678", "912-34-5678", "5678"):
        assert form.encode() not in blob
    assert seeker.ssn_index == blind_index("912345678")
    assert "912345678" not in seeker.ssn_index
    # A fresh nonce each time: the same SSN never gives the same ciphertext twice.
    assert keyring().encrypt("912345678") != keyring().encrypt("912345678")


@pytest.mark.django_db
def test_reading_follows_the_column_not_a_stale_copy():
    seeker = ParticipantFactory(ssn="912-34-5678")
    assert seeker.ssn == "912345678"
    elsewhere = Participant.objects.get(pk=seeker.pk)
    elsewhere.ssn = "923-45-6789"
    elsewhere.save()

    seeker.refresh_from_db()
    assert seeker.ssn == "923456789"
    # Nothing clear is kept on the instance, so nothing clear travels with a pickle of it.
    assert b"923456789" not in pickle.dumps(seeker)


@pytest.mark.django_db
def test_the_blind_index_finds_an_ssn_typed_with_or_without_dashes():
    wanted = ParticipantFactory(ssn="912-34-5678")
    ParticipantFactory(ssn="912-34-5679")

    for typed in ("912-34-5678", "912345678", " 912345678 "):
        assert list(Participant.objects.with_ssn(typed)) == [wanted]
    assert not Participant.objects.with_ssn("912-34-5670").exists()
    assert not Participant.objects.with_ssn("Smith").exists()
    assert blind_index("912-34-5678") == blind_index("912345678")


def test_an_ssn_that_is_not_nine_digits_is_refused_without_echoing_it():
    seeker = Participant()
    with pytest.raises(ValueError) as refused:
        seeker.ssn = "912-34-567"
    assert "912" not in str(refused.value)
    assert seeker.ssn_ciphertext is None


# --- failing loudly ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]), id="flipped tag bit"),
        pytest.param(
            lambda blob: blob[:30] + bytes([blob[30] ^ 1]) + blob[31:], id="flipped body bit"
        ),
        # Same length id, a key that is in the ring: refused because the header is authenticated.
        pytest.param(lambda blob: blob.replace(b"test2", b"test1", 1), id="header relabelled"),
        pytest.param(lambda blob: blob[:10], id="truncated"),
        pytest.param(lambda blob: b"\x02" + blob[1:], id="unknown format"),
        pytest.param(lambda blob: b"", id="emptied"),
    ],
)
def test_a_damaged_ciphertext_raises_and_never_reads_as_something_else(damage):
    seeker = ParticipantFactory(ssn="912-34-5678")
    store_ciphertext(seeker.pk, damage(raw_ciphertext(seeker.pk)))

    reloaded = Participant.objects.get(pk=seeker.pk)
    with pytest.raises(SSNDecryptionError) as failure:
        reloaded.ssn  # noqa: B018
    assert "912" not in str(failure.value)


@pytest.mark.django_db
def test_an_ssn_under_a_key_not_in_the_ring_raises():
    foreign = Keyring.parse(f"test9:{KEY_A}", settings.SSN_BLIND_INDEX_KEY)
    seeker = ParticipantFactory()
    store_ciphertext(seeker.pk, foreign.encrypt("912345678"))

    with pytest.raises(SSNDecryptionError, match="'test9'"):
        Participant.objects.get(pk=seeker.pk).ssn  # noqa: B018


# --- the keyring -------------------------------------------------------------------------------


def test_the_first_key_encrypts_and_every_key_decrypts():
    old = Keyring.parse(f"old:{KEY_A}", KEY_B)
    both = Keyring.parse(f"new:{KEY_B}, old:{KEY_A}", KEY_B)  # standard and URL-safe alphabets
    assert both.current_id == "new"
    assert both.decrypt(old.encrypt("912345678")) == "912345678"
    assert both.key_id_of(both.encrypt("912345678")) == "new"
    assert "AAAA" not in repr(both) and "BBBB" not in repr(both)  # keys stay out of tracebacks


@pytest.mark.parametrize(
    "ring, index_key, complaint",
    [
        (f"k1:{KEY_A[:-3]}*!", KEY_B, "not base64"),
        (f"k1:{KEY_A}!!", KEY_B, "not base64"),  # trailing junk is not silently dropped
        (f"k1:{base64.b64encode(b'x' * 16).decode()}", KEY_B, "32 bytes"),
        (f"k1:{KEY_A},k1:{KEY_B}", KEY_B, "twice"),
        (KEY_A, KEY_B, "look like"),
        (f":{KEY_A}", KEY_B, "look like"),
        (f"k 1:{KEY_A}", KEY_B, "key ids"),
        (f"{'k' * 65}:{KEY_A}", KEY_B, "key ids"),
        (" , ", KEY_B, "at least one key"),
        (f"k1:{KEY_A}", "not-a-key", "SSN_BLIND_INDEX_KEY"),
    ],
)
def test_a_malformed_keyring_is_refused(ring, index_key, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        Keyring.parse(ring, index_key)


def test_the_configured_keyring_follows_overridden_settings():
    with override_settings(SSN_KEYS=ring_entry("test1")):
        assert keyring().current_id == "test1"
    assert keyring().current_id == "test2"


# --- key rotation ------------------------------------------------------------------------------


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_ssn_keys", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_re_encrypts_old_rows_once_and_keeps_the_blind_index(caplog):
    with override_settings(SSN_KEYS=ring_entry("test1")):
        old_rows = [ParticipantFactory(ssn=ssn_for(n)) for n in range(5)]
    current_row = ParticipantFactory(ssn=ssn_for(5))
    no_ssn = ParticipantFactory()
    no_ssn.ssn = None
    no_ssn.save()
    ssns = {p.pk: ssn_for(n).replace("-", "") for n, p in enumerate([*old_rows, current_row])}
    before = {
        p.pk: (p.ssn_index, p.updated_at, raw_ciphertext(p.pk)) for p in Participant.objects.all()
    }
    assert {keyring().key_id_of(before[p.pk][2]) for p in old_rows} == {"test1"}
    audit_entries = AuditEntry.objects.count()

    with caplog.at_level(logging.DEBUG):
        output = rotate(batch_size=2)

    assert "Re-encrypted 5 SSN(s) with key 'test2'; 1 were already under it." in output
    for seeker in Participant.objects.exclude(pk=no_ssn.pk):
        assert keyring().key_id_of(seeker.ssn_ciphertext) == "test2"
        assert seeker.ssn == ssns[seeker.pk]
        assert seeker.ssn_index == before[seeker.pk][0]
        assert seeker.updated_at == before[seeker.pk][1]
        assert list(Participant.objects.with_ssn(ssns[seeker.pk])) == [seeker]
    assert (
        raw_ciphertext(current_row.pk) == before[current_row.pk][2]
    )  # untouched, not re-encrypted
    assert Participant.objects.get(pk=no_ssn.pk).ssn_ciphertext is None
    assert AuditEntry.objects.count() == audit_entries

    summary = [r for r in caplog.records if r.name == ROTATION_LOGGER]
    assert [r.getMessage() for r in summary] == [
        "SSN key rotation to key test2: 5 re-encrypted, 1 already current"
    ]
    said = output + "\n".join(r.getMessage() for r in caplog.records)
    for ssn in ssns.values():
        assert ssn not in said and f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" not in said

    assert "Re-encrypted 0 SSN(s) with key 'test2'; 6 were already under it." in rotate(
        batch_size=2
    )

    with override_settings(SSN_KEYS=ring_entry("test2")):  # the old key retired
        assert {p.pk: p.ssn for p in Participant.objects.exclude(pk=no_ssn.pk)} == ssns


@pytest.mark.django_db
def test_rotation_stops_loudly_on_a_row_it_cannot_decrypt_and_resumes_after_the_fix():
    with override_settings(SSN_KEYS=ring_entry("test1")):
        first, second, third = (ParticipantFactory(ssn=ssn_for(n)) for n in range(3))
    blob = raw_ciphertext(second.pk)

    with override_settings(SSN_KEYS=ring_entry("test2")):  # the old key removed too early
        with pytest.raises(CommandError, match=f"Seeker {first.pk}: .*'test1'"):
            rotate(batch_size=1)
    assert raw_ciphertext(second.pk) == blob  # nothing was written

    store_ciphertext(second.pk, blob[:-1] + bytes([blob[-1] ^ 1]))
    with pytest.raises(CommandError, match=f"Seeker {second.pk}: .*authentication"):
        rotate(batch_size=1)
    # The batch before the damaged row was committed; the one after was never reached.
    assert keyring().key_id_of(raw_ciphertext(first.pk)) == "test2"
    assert keyring().key_id_of(raw_ciphertext(third.pk)) == "test1"

    store_ciphertext(second.pk, blob)  # restored from backup
    assert "Re-encrypted 2 SSN(s) with key 'test2'; 1 were already under it." in rotate(
        batch_size=1
    )
    assert [p.ssn for p in Participant.objects.order_by("pk")] == [
        ssn_for(n).replace("-", "") for n in range(3)
    ]


@pytest.mark.django_db
def test_rotation_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        rotate(batch_size=0)
