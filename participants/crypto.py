"""Seekers' SSNs at rest: AES-GCM ciphertext plus an HMAC-SHA256 blind index for exact lookup.

Keys come from the environment as a keyring, `SSN_KEYS="id2:<base64>,id1:<base64>"`: the first
key encrypts, every listed key decrypts, so a new key is put first and the old ones stay until
`rotate_ssn_keys` has re-encrypted every row. The blind index uses its own key
(`SSN_BLIND_INDEX_KEY`) and is the only form of an SSN that is ever compared, logged or audited.

Failure is loud: an unknown key id or a tampered ciphertext raises `SSNDecryptionError`; nothing
here ever hands back ciphertext or an empty value in place of the SSN.

The ciphertext's layout is portal.crypto's: version byte, key id, nonce, AES-GCM output.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

from portal.crypto import AESKeyring, DecryptionError, decode_key

# ASCII digits only: `\d` would also take other scripts' digits, which would encrypt and index
# as a different value than the same SSN typed with 0-9. The groups may be separated as people
# type them ("917-43-8265", "917 43 8265", "917.43.8265", "917 - 43 - 8265").
_SEPARATOR = r"(?:\s*[-./\u2010-\u2015\u2212]\s*|\s+)?"
SSN_INPUT = re.compile(rf"^\s*([0-9]{{3}}){_SEPARATOR}([0-9]{{2}}){_SEPARATOR}([0-9]{{4}})\s*$")


class SSNDecryptionError(DecryptionError):
    """A stored SSN could not be decrypted with any key of the keyring."""


def normalize_ssn(value: str) -> str | None:
    """The nine digits of an SSN typed with or without separators, or None if it is not one."""
    match = SSN_INPUT.match(value or "")
    return "".join(match.groups()) if match else None


# The Social Security Administration never issues these (area 000 or 666, group 00, serial 0000).
# Areas 900-999 are not refused: no SSN is issued there either, but they are the numbers demo and
# test data are made of, and a record holding one must stay findable by it.
_NEVER_ISSUED = (
    (lambda digits: digits[:3] == "000", "no SSN starts with 000"),
    (lambda digits: digits[:3] == "666", "no SSN starts with 666"),
    (lambda digits: digits[3:5] == "00", "the middle two digits of an SSN are never 00"),
    (lambda digits: digits[5:] == "0000", "the last four digits of an SSN are never 0000"),
)
NOT_AN_SSN = "That is not a valid SSN"


def ssn_refusal(value: str) -> str | None:
    """Why `value` is not a valid SSN (its nine digits, or its shape), or None if it is one.

    The message never repeats the value: it may be an SSN typed slightly wrong.
    """
    digits = normalize_ssn(value)
    if digits is None:
        return f"{NOT_AN_SSN}: an SSN has nine digits, with or without dashes (###-##-####)."
    for never_issued, why in _NEVER_ISSUED:
        if never_issued(digits):
            return f"{NOT_AN_SSN}: {why}."
    return None


def mask_ssn(ssn: str | None) -> str:
    return f"***-**-{ssn[-4:]}" if ssn else "—"


def _digits(ssn: str) -> str:
    digits = normalize_ssn(ssn)
    if digits is None:
        # Never echo the value: it may be an SSN typed slightly wrong.
        raise ValueError("An SSN has nine digits, with or without dashes (###-##-####).")
    return digits


@dataclass(frozen=True)
class Keyring:
    """The SSN keyring (`SSN_KEYS`) and the blind-index key (`SSN_BLIND_INDEX_KEY`)."""

    ring: AESKeyring = field(repr=False)
    index_key: bytes = field(repr=False)

    @property
    def current_id(self) -> str:
        return self.ring.current_id

    @classmethod
    def parse(cls, ring: str, index_key: str) -> "Keyring":
        return cls(
            ring=AESKeyring.parse(ring, "SSN_KEYS"),
            index_key=decode_key(index_key, "SSN_BLIND_INDEX_KEY"),
        )

    def encrypt(self, ssn: str) -> bytes:
        return self.ring.seal(_digits(ssn).encode())

    def key_id_of(self, blob: bytes) -> str:
        """The id of the key `blob` was encrypted with; SSNDecryptionError if it is malformed."""
        try:
            return self.ring.key_id_of(blob)
        except DecryptionError as exc:
            raise SSNDecryptionError(f"SSN ciphertext: {exc}") from None

    def decrypt(self, blob: bytes) -> str:
        try:
            return self.ring.open(blob, name="SSN_KEYS").decode()
        except DecryptionError as exc:
            raise SSNDecryptionError(f"SSN ciphertext: {exc}") from exc

    def blind_index(self, ssn: str) -> str:
        # Normalized first, so "###-##-####" and "#########" always index alike.
        return hmac.new(self.index_key, _digits(ssn).encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _keyring(ring: str, index_key: str) -> Keyring:
    return Keyring.parse(ring, index_key)


def keyring() -> Keyring:
    """The configured keyring (parsed once per distinct setting, so tests may override it)."""
    return _keyring(settings.SSN_KEYS, settings.SSN_BLIND_INDEX_KEY)


def blind_index(ssn: str) -> str:
    return keyring().blind_index(ssn)


class EncryptedSSN:
    """Model attribute for the SSN, kept in two columns: `ssn_ciphertext` and `ssn_index`.

    Reading decrypts the current `ssn_ciphertext` every time; assigning a typed SSN validates it,
    encrypts it with the current key and computes the blind index; assigning None clears both.

    The clear SSN is deliberately not cached on the instance: a cache went stale when the
    columns changed underneath it (`refresh_from_db()`, key rotation) and travelled with the
    instance wherever its `__dict__` went (pickles, copies). AES-GCM costs microseconds.
    """

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        blob = instance.ssn_ciphertext
        # Only NULL means "no SSN": an emptied column is damage and must fail like any other.
        return None if blob is None else keyring().decrypt(blob)

    def __set__(self, instance, value):
        if value in (None, ""):
            instance.ssn_ciphertext, instance.ssn_index = None, None
            return
        ssn = _digits(value)
        ring = keyring()
        instance.ssn_ciphertext, instance.ssn_index = ring.encrypt(ssn), ring.blind_index(ssn)
