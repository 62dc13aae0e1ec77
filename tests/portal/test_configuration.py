"""What the operator must configure is checked: a real mail server with debug off, and the headers behind TLS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.urls import reverse

from portal.checks import mail_is_real

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
SMTP_WITHOUT_HOST = {
    "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": ""}}
}
SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "mail.example.org"},
    }
}


@pytest.mark.parametrize(
    "mailers,debug,demo,expected",
    [
        (CONSOLE, False, False, ["portal.E001"]),
        (SMTP_WITHOUT_HOST, False, False, ["portal.E002"]),
        (SMTP, False, False, []),
        (CONSOLE, False, True, []),  # the demo prints mail on purpose
        (CONSOLE, True, False, []),  # so does a developer's debug run
    ],
)
def test_with_debug_off_the_portal_needs_a_real_mail_server(mailers, debug, demo, expected):
    with override_settings(MAILERS=mailers, DEBUG=debug, PORTAL_DEMO=demo, TESTING=False):
        assert [error.id for error in mail_is_real()] == expected


@pytest.mark.django_db
def test_manage_py_check_refuses_the_console_backend_outside_the_demo():
    with override_settings(MAILERS=CONSOLE, DEBUG=False, PORTAL_DEMO=False, TESTING=False):
        with pytest.raises(SystemCheckError, match="portal.E001"):
            call_command("check")


def test_the_web_server_refuses_to_start_without_a_mail_server(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(("PATH", "PYENV", "HOME", "LANG"))
        or key in ("SSN_KEYS", "SSN_BLIND_INDEX_KEY", "MFA_KEYS")
    } | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
    }
    started = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0 and "EMAIL_HOST is not set" in started.stderr
    with_mail = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env | {"EMAIL_HOST": "mail.example.org"},
    )
    assert with_mail.returncode == 0, with_mail.stderr


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_signed_in_page_and_export_is_never_stored(world):
    client = Client()
    client.force_login(world.state_dataedits)
    for url in (
        reverse("portal:dashboard"),
        reverse("participants:detail", args=[world.seekers["own"].pk]),
        reverse("dataedits:quarterly_counts_csv") + f"?where=office:{world.office_a.pk}",
        reverse("login"),
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], (
            url
        )


def test_behind_tls_plain_http_is_redirected_and_hsts_is_sent():
    env = {key: value for key, value in os.environ.items()} | {"DJANGO_BEHIND_TLS_PROXY": "true"}
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env | {"DJANGO_SETTINGS_MODULE": "portal.settings_test"},
    ).stdout
    assert out.strip() == "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_the_redirect_and_hsts_as_a_browser_meets_them():
    plain = Client().get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = Client().get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=31536000"
