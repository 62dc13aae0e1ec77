"""Seekers' SSNs at rest: AES-GCM ciphertext plus an HMAC-SHA256 blind index for exact lookup.

Keys come from the environment as a keyring, `SSN_KEYS="id2:<base64>,id1:<base64>"`: the first
key encrypts, every listed key decrypts, so a new key is put first and the old ones stay until
`rotate_ssn_keys` has re-encrypted every row. The blind index uses its own key
(`SSN_BLIND_INDEX_KEY`) and is the only form of an SSN that is ever compared, logged or audited.

Failure is loud: an unknown key id or a tampered ciphertext raises `SSNDecryptionError`; nothing
here ever hands back ciphertext or an empty value in place of the SSN.

Ciphertext layout: version byte, key-id length byte, key id (ASCII), 12-byte nonce, AES-GCM
output (ciphertext + 16-byte tag). Version byte and key id are authenticated as associated data.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# ASCII digits only: `\d` would also take other scripts' digits, which would encrypt and index
# as a different value than the same SSN typed with 0-9.
SSN_INPUT = re.compile(r"^\s*([0-9]{3})-?([0-9]{2})-?([0-9]{4})\s*$")
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16


class SSNDecryptionError(Exception):
    """A stored SSN could not be decrypted with any key of the keyring."""


def normalize_ssn(value: str) -> str | None:
    """The nine digits of an SSN typed with or without dashes, or None if it is not one."""
    match = SSN_INPUT.match(value or "")
    return "".join(match.groups()) if match else None


def mask_ssn(ssn: str | None) -> str:
    return f"***-**-{ssn[-4:]}" if ssn else "—"


def _digits(ssn: str) -> str:
    digits = normalize_ssn(ssn)
    if digits is None:
        # Never echo the value: it may be an SSN typed slightly wrong.
        raise ValueError("An SSN has nine digits, with or without dashes (###-##-####).")
    return digits


def _decode_key(raw: str, name: str) -> bytes:
    # Strict decoding: the lenient default silently drops characters outside the alphabet, so a
    # mangled key could decode to 32 bytes and encrypt under a key nobody holds. Both the
    # standard and the URL-safe alphabets are accepted.
    try:
        key = base64.b64decode(raw.strip().translate(str.maketrans("-_", "+/")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} holds a key that is not base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} keys must be 32 bytes (256 bits), base64-encoded.")
    return key


@dataclass(frozen=True)
class Keyring:
    # repr=False: a Keyring that ends up in a traceback or a debug page must not print its keys.
    keys: dict[str, bytes] = field(repr=False)  # key id -> key, the current (encrypting) key first
    index_key: bytes = field(repr=False)

    @property
    def current_id(self) -> str:
        return next(iter(self.keys))

    @classmethod
    def parse(cls, ring: str, index_key: str) -> "Keyring":
        keys = {}
        for entry in filter(None, (part.strip() for part in ring.split(","))):
            key_id, sep, raw = entry.partition(":")
            key_id = key_id.strip()
            if not sep or not key_id:
                raise ImproperlyConfigured('SSN_KEYS entries look like "id:<base64 key>".')
            if not KEY_ID.match(key_id):
                # The id is stored in every ciphertext's header behind a one-byte length.
                raise ImproperlyConfigured(
                    "SSN_KEYS key ids are 1 to 64 characters: letters, digits, '.', '_' or '-'."
                )
            if key_id in keys:
                raise ImproperlyConfigured(f"SSN_KEYS lists the key id {key_id!r} twice.")
            keys[key_id] = _decode_key(raw, "SSN_KEYS")
        if not keys:
            raise ImproperlyConfigured("SSN_KEYS must list at least one key.")
        return cls(keys=keys, index_key=_decode_key(index_key, "SSN_BLIND_INDEX_KEY"))

    def encrypt(self, ssn: str) -> bytes:
        key_id = self.current_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        header = FORMAT_VERSION + bytes([len(key_id)]) + key_id
        # The header is authenticated too: a ciphertext cannot be replayed under another key id.
        sealed = AESGCM(self.keys[self.current_id]).encrypt(nonce, _digits(ssn).encode(), header)
        return header + nonce + sealed

    def key_id_of(self, blob: bytes) -> str:
        """The id of the key `blob` was encrypted with; SSNDecryptionError if it is malformed."""
        blob = bytes(blob or b"")
        if blob[:1] != FORMAT_VERSION or len(blob) < 2:
            raise SSNDecryptionError("Unknown SSN ciphertext format.")
        header_end = 2 + blob[1]
        if len(blob) < header_end + NONCE_BYTES + TAG_BYTES:
            raise SSNDecryptionError("SSN ciphertext is truncated.")
        try:
            return blob[2:header_end].decode("ascii")
        except UnicodeDecodeError as exc:
            raise SSNDecryptionError("SSN ciphertext has a malformed key id.") from exc

    def decrypt(self, blob: bytes) -> str:
        blob = bytes(blob or b"")
        key_id = self.key_id_of(blob)
        key = self.keys.get(key_id)
        if key is None:
            raise SSNDecryptionError(f"SSN encrypted with key {key_id!r}, which is not in SSN_KEYS.")
        header_end = 2 + blob[1]
        header, nonce = blob[:header_end], blob[header_end : header_end + NONCE_BYTES]
        body = blob[header_end + NONCE_BYTES :]
        try:
            return AESGCM(key).decrypt(nonce, body, header).decode()
        except Exception as exc:  # InvalidTag: tampered or wrong key
            raise SSNDecryptionError("SSN ciphertext failed authentication.") from exc

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
