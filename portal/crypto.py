"""AES-256-GCM keyrings for secrets kept at rest: seekers' SSNs, staff's authenticator secrets.

A keyring comes from the environment as `"id2:<base64>,id1:<base64>"`: the first key encrypts,
every listed key decrypts, so a new key is put first and the old ones stay until the rotation
command has re-encrypted every row. Each kind of secret has its own keyring (its own variable),
so that one leaked or rotated key never touches the other kind.

Failure is loud: an unknown key id or a tampered ciphertext raises `DecryptionError`; nothing
here ever hands back ciphertext or an empty value in place of the secret.

Sealed layout: version byte, key-id length byte, key id (ASCII), 12-byte nonce, AES-GCM output
(ciphertext + 16-byte tag). The header, and whatever `context` the caller binds the secret to,
are authenticated as associated data: a ciphertext copied to another row or key id fails.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any key of its keyring."""


def decode_key(raw: str, name: str) -> bytes:
    """A 32-byte key from base64 (standard or URL-safe alphabet), strictly decoded.

    The lenient default silently drops characters outside the alphabet, so a mangled key could
    decode to 32 bytes and encrypt under a key nobody holds.
    """
    try:
        key = base64.b64decode(raw.strip().translate(str.maketrans("-_", "+/")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} holds a key that is not base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} keys must be 32 bytes (256 bits), base64-encoded.")
    return key


@dataclass(frozen=True)
class AESKeyring:
    # repr=False: a keyring that ends up in a traceback or a debug page must not print its keys.
    keys: dict[str, bytes] = field(repr=False)  # key id -> key, the current (encrypting) key first

    @property
    def current_id(self) -> str:
        return next(iter(self.keys))

    @classmethod
    def parse(cls, ring: str, name: str, *, max_id_length: int = 64) -> "AESKeyring":
        keys = {}
        for entry in filter(None, (part.strip() for part in ring.split(","))):
            key_id, sep, raw = entry.partition(":")
            key_id = key_id.strip()
            if not sep or not key_id:
                raise ImproperlyConfigured(f'{name} entries look like "id:<base64 key>".')
            if not KEY_ID.match(key_id) or len(key_id) > max_id_length:
                # The id is stored in every ciphertext's header behind a one-byte length.
                raise ImproperlyConfigured(
                    f"{name} key ids are 1 to {max_id_length} characters: letters, digits, '.', '_' or '-'."
                )
            if key_id in keys:
                raise ImproperlyConfigured(f"{name} lists the key id {key_id!r} twice.")
            keys[key_id] = decode_key(raw, name)
        if not keys:
            raise ImproperlyConfigured(f"{name} must list at least one key.")
        return cls(keys=keys)

    def seal(self, plaintext: bytes, context: bytes = b"") -> bytes:
        key_id = self.current_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        header = FORMAT_VERSION + bytes([len(key_id)]) + key_id
        return (
            header
            + nonce
            + AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext, header + context)
        )

    def key_id_of(self, blob: bytes) -> str:
        """The id of the key `blob` was sealed with; DecryptionError if it is malformed."""
        blob = bytes(blob or b"")
        if blob[:1] != FORMAT_VERSION or len(blob) < 2:
            raise DecryptionError("Unknown ciphertext format.")
        header_end = 2 + blob[1]
        if len(blob) < header_end + NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("The ciphertext is truncated.")
        try:
            return blob[2:header_end].decode("ascii")
        except UnicodeDecodeError as exc:
            raise DecryptionError("The ciphertext has a malformed key id.") from exc

    def open(self, blob: bytes, context: bytes = b"", *, name: str = "the keyring") -> bytes:
        blob = bytes(blob or b"")
        key_id = self.key_id_of(blob)
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"Encrypted with key {key_id!r}, which is not in {name}.")
        header_end = 2 + blob[1]
        header, nonce = blob[:header_end], blob[header_end : header_end + NONCE_BYTES]
        try:
            return AESGCM(key).decrypt(nonce, blob[header_end + NONCE_BYTES :], header + context)
        except Exception as exc:  # InvalidTag: tampered, moved to another row, or the wrong key
            raise DecryptionError("The ciphertext failed authentication.") from exc
