"""The second factor: django-otp's TOTP device (RFC 6238) and static device (recovery codes).

django-otp verifies the codes, refuses a code seen once, and throttles each device (a growing
wait after every wrong code); the portal adds what the library leaves to it:

- the authenticator secret is encrypted at rest with its own keyring (`MFA_KEYS`, not the SSN
  keys), bound to its owner so that a ciphertext copied to another person's row fails;
- recovery codes are stored as a truncated SHA-256 of the code, never the code itself.

Wrong codes also count against the account like wrong passwords (access.services.onboarding.mfa_verify).
"""

import base64
import hashlib
import secrets
from functools import lru_cache

from django.conf import settings
from django_otp.oath import hotp

from portal.crypto import AESKeyring

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SECRET_BYTES = 20
# django-otp's TOTPDevice keeps its key in 80 characters: a 20-byte secret sealed under a key id
# of up to 10 characters, in unpadded URL-safe base64, fills at most all 80.
MAX_KEY_ID_LENGTH = 10


@lru_cache(maxsize=4)
def _keyring(ring: str) -> AESKeyring:
    return AESKeyring.parse(ring, "MFA_KEYS", max_id_length=MAX_KEY_ID_LENGTH)


def keyring() -> AESKeyring:
    return _keyring(settings.MFA_KEYS)


def _context(user_id: int) -> bytes:
    return f"totp-secret:{user_id}".encode()


def seal_secret(secret: bytes, user_id: int) -> str:
    """The stored form of an authenticator secret: encrypted, bound to its owner."""
    return (
        base64.urlsafe_b64encode(keyring().seal(secret, _context(user_id)))
        .rstrip(b"=")
        .decode("ascii")
    )


def _blob(stored: str) -> bytes:
    return base64.urlsafe_b64decode(stored + "=" * (-len(stored) % 4))


def open_secret(stored: str, user_id: int) -> bytes:
    """The authenticator secret of `stored`; portal.crypto.DecryptionError if it was tampered with."""
    return keyring().open(_blob(stored), _context(user_id), name="MFA_KEYS")


def secret_key_id(stored: str) -> str:
    return keyring().key_id_of(_blob(stored))


def new_secret() -> bytes:
    """A random 160-bit secret, the size RFC 4226 recommends and every authenticator app takes."""
    return secrets.token_bytes(SECRET_BYTES)


def base32(secret: bytes) -> str:
    """The secret as authenticator apps take it when typed in."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def code_at(secret: bytes, timestamp: float, step: int | None = None) -> str:
    """The 6-digit code an authenticator app shows at `timestamp` (or for the 30-second `step`)."""
    return f"{hotp(secret, int(timestamp // 30) if step is None else step):06d}"


def step_at(timestamp: float) -> int:
    return int(timestamp // 30)


def secret_from_base32(typed: str) -> bytes:
    cleaned = typed.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def qr_svg(data: str) -> str:
    """The QR code of `data` as inline SVG markup (no image file, no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Random one-time codes like `k7pq-2xmd-9tfw` (60 bits each), easy to read aloud and to type."""
    return [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def recovery_token(code: str) -> str:
    """What is stored of a recovery code: 64 bits of the SHA-256 of the code, case and dashes ignored.

    The codes are random (60 bits), so a plain hash needs no salt or slow hashing, and 64 bits of
    it fit django-otp's 16-character token column while keeping a guess as hard as the code.
    """
    normalized = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normalized.encode()).hexdigest()[:16]


def looks_like_app_code(code: str) -> bool:
    """Six digits are the authenticator app's code; anything else is tried as a recovery code."""
    code = "".join(code.split())
    return len(code) == 6 and code.isascii() and code.isdigit()
