"""The second factor: time-based one-time passwords (TOTP, RFC 6238) and one-time recovery codes.

Small and offline on purpose: any authenticator app (RFC 6238, SHA-1, 6 digits, 30 seconds)
works with it, and nothing here reaches the network.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Codes from the previous and the next 30-second step are accepted too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "WorkSource portal"


def new_secret() -> str:
    """A random 160-bit secret in base32, the form authenticator apps take."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(secret: str, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: the code for one counter value."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def totp(secret: str, timestamp: float) -> str:
    """RFC 6238: the code an authenticator app shows at `timestamp` (seconds since the epoch)."""
    return hotp(secret, step_at(timestamp))


def matching_step(secret: str, code: str, timestamp: float, after_step: int = 0) -> int | None:
    """The time step whose code is `code`, within the drift allowed and later than `after_step`.

    `after_step` is the last step already used: a code seen once is never accepted again.
    """
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    now = step_at(timestamp)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(data: str) -> str:
    """The QR code of `data` as inline SVG markup (no image file, no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Random one-time codes like `k7pq-2xmd-9tfw`, easy to read aloud and to type."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)) for _ in range(count)]


def hash_recovery_code(code: str) -> str:
    # The codes are random, 60 bits each: a plain hash is enough, no slow hashing needed.
    normalized = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normalized.encode()).hexdigest()
