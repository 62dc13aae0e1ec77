"""Writes the demo portal's settings and fresh random keys to var/demo.env; never used in production.

Run on an existing file, it adds only what is missing (a setting introduced since the file was
written) and keeps every key it holds: the demo database's SSNs and authenticator secrets were
encrypted with them.
"""

import base64
import secrets
import sys
from pathlib import Path


def key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


DEMO = {
    # The demo runs with debug off, like production; DJANGO_DEBUG=true turns Django's debug pages on.
    "PORTAL_DEMO": lambda: "true",
    # Served over plain HTTP on this computer: cookies may not be limited to HTTPS.
    "DJANGO_SECURE_COOKIES": lambda: "false",
    # Email is printed to the console: the demo has no mail server (refused outside the demo).
    "EMAIL_BACKEND": lambda: "django.core.mail.backends.console.EmailBackend",
    "DJANGO_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "SSN_KEYS": lambda: f"demo1:{key()}",
    "SSN_BLIND_INDEX_KEY": key,
    "MFA_KEYS": lambda: f"demo1:{key()}",
}


def main(path: Path) -> None:
    lines = path.read_text().splitlines() if path.exists() else []
    present = {line.partition("=")[0] for line in lines if "=" in line}
    lines += [f"{name}={make()}" for name, make in DEMO.items() if name not in present]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
