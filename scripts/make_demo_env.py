"""Writes fresh random keys for the demo portal (var/demo.env); never used in production."""

import base64
import secrets


def key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


print("DJANGO_DEBUG=true")
print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"SSN_KEYS=demo1:{key()}")
print(f"SSN_BLIND_INDEX_KEY={key()}")
