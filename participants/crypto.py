"""Seekers' SSNs at rest: AES-GCM ciphertext plus an HMAC-SHA256 blind index for exact lookup.

Keys come from the environment as a keyring, `SSN_KEYS="id2:<base64>,id1:<base64>"`: the first
key encrypts, every listed key decrypts, so a new key is put first and the old ones stay until
`rotate_ssn_keys` has re-encrypted every row. The blind index uses its own key
(`SSN_BLIND_INDEX_KEY`) and is the only form of an SSN that is ever compared, logged or audited.

Failure is loud: an unknown key id or a tampered ciphertext raises `SSNDecryptionError`; nothing
here ever hands back ciphertext or an empty value in place of the SSN.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SSN_INPUT = re.compile(r"^\s*(\d{3})-?(\d{2})-?(\d{4})\s*$")
FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


class SSNDecryptionError(Exception):
    """A stored SSN could not be decrypted with any key of the keyring."""


def normalize_ssn(value: str) -> str | None:
    """The nine digits of an SSN typed with or without dashes, or None if it is not one."""
    match = SSN_INPUT.match(value or "")
    return "".join(match.groups()) if match else None


def mask_ssn(ssn: str | None) -> str:
    return f"***-**-{ssn[-4:]}" if ssn else "—"


def _decode_key(raw: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip())
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} holds a key that is not base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} keys must be 32 bytes (256 bits), base64-encoded.")
    return key


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # key id -> key, the current (encrypting) key first
    index_key: bytes

    @property
    def current_id(self) -> str:
        return next(iter(self.keys))

    @classmethod
    def parse(cls, ring: str, index_key: str) -> "Keyring":
        keys = {}
        for entry in filter(None, (part.strip() for part in ring.split(","))):
            key_id, sep, raw = entry.partition(":")
            if not sep or not key_id:
                raise ImproperlyConfigured('SSN_KEYS entries look like "id:<base64 key>".')
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
        return header + nonce + AESGCM(self.keys[self.current_id]).encrypt(nonce, ssn.encode(), header)

    def key_id_of(self, blob: bytes) -> str:
        return bytes(blob[2 : 2 + blob[1]]).decode()

    def decrypt(self, blob: bytes) -> str:
        blob = bytes(blob)
        if not blob or blob[:1] != FORMAT_VERSION:
            raise SSNDecryptionError("Unknown SSN ciphertext format.")
        key_id = self.key_id_of(blob)
        key = self.keys.get(key_id)
        if key is None:
            raise SSNDecryptionError(f"SSN encrypted with key {key_id!r}, which is not in SSN_KEYS.")
        header_end = 2 + blob[1]
        header, nonce, body = blob[:header_end], blob[header_end : header_end + NONCE_BYTES], blob[header_end + NONCE_BYTES :]
        try:
            return AESGCM(key).decrypt(nonce, body, header).decode()
        except Exception as exc:  # InvalidTag: tampered or wrong key
            raise SSNDecryptionError("SSN ciphertext failed authentication.") from exc

    def blind_index(self, ssn: str) -> str:
        return hmac.new(self.index_key, ssn.encode(), hashlib.sha256).hexdigest()


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

    Reading decrypts (once per instance); assigning a typed SSN validates it, encrypts it with the
    current key and computes the blind index; assigning None clears both.
    """

    def __set_name__(self, owner, name):
        self.cache_attr = f"_{name}_plain"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.cache_attr not in instance.__dict__:
            blob = instance.ssn_ciphertext
            instance.__dict__[self.cache_attr] = keyring().decrypt(blob) if blob else None
        return instance.__dict__[self.cache_attr]

    def __set__(self, instance, value):
        if value in (None, ""):
            instance.ssn_ciphertext, instance.ssn_index = None, None
            instance.__dict__[self.cache_attr] = None
            return
        ssn = normalize_ssn(value)
        if ssn is None:
            raise ValueError("An SSN has nine digits, with or without dashes (###-##-####).")
        ring = keyring()
        instance.ssn_ciphertext, instance.ssn_index = ring.encrypt(ssn), ring.blind_index(ssn)
        instance.__dict__[self.cache_attr] = ssn
