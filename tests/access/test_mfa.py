"""The authenticator code (RFC 6238) and recovery codes, offline."""

import base64

import pytest

from access import mfa

# RFC 6238 appendix B: the SHA-1 secret "12345678901234567890"; the last 6 of its 8-digit codes.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize("timestamp,code", [
    (59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"),
    (2000000000, "279037"), (20000000000, "353130"),
])
def test_codes_match_the_rfc_6238_test_vectors(timestamp, code):
    assert mfa.totp(RFC_SECRET, timestamp) == code


def test_a_code_is_accepted_within_one_step_of_drift_and_never_twice():
    now = 1_700_000_000
    code = mfa.totp(RFC_SECRET, now)
    step = mfa.matching_step(RFC_SECRET, code, now + 25)
    assert step == mfa.step_at(now)
    assert mfa.matching_step(RFC_SECRET, code, now, after_step=step) is None  # replayed
    assert mfa.matching_step(RFC_SECRET, code, now + 95) is None  # three steps late
    assert mfa.matching_step(RFC_SECRET, "12345", now) is None and mfa.matching_step(RFC_SECRET, "", now) is None


def test_recovery_codes_are_random_and_hashed_ignoring_case_and_dashes():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == mfa.RECOVERY_CODES
    assert mfa.hash_recovery_code(codes[0]) == mfa.hash_recovery_code(codes[0].upper().replace("-", " "))
    assert mfa.hash_recovery_code(codes[0]) != mfa.hash_recovery_code(codes[1])


def test_the_enrolment_qr_code_carries_the_secret_for_an_app():
    uri = mfa.provisioning_uri(RFC_SECRET, "pnew")
    assert uri.startswith("otpauth://totp/WorkSource%20portal%3Apnew?") and f"secret={RFC_SECRET}" in uri
    assert mfa.qr_svg(uri).lstrip().startswith("<svg")
