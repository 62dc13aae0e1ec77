"""`make run` serves the demo as production serves the portal: debug off, links to where it runs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from portal.settings import served_at

ROOT = Path(__file__).resolve().parents[2]


def settings_value(name: str, module: str = "portal.settings_test", **environ: str) -> str:
    """A setting as a fresh process reads it from this environment (and the test settings' keys)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_"))}
    env |= environ | {"DJANGO_SETTINGS_MODULE": module}
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return read.stdout.strip()


def test_email_links_point_at_the_port_the_portal_is_served_on():
    assert settings_value("PORTAL_BASE_URL", PORTAL_PORT="8101") == "http://127.0.0.1:8101"
    assert (
        settings_value("PORTAL_BASE_URL", PORTAL_HOST="localhost", PORTAL_PORT="8102")
        == "http://localhost:8102"
    )
    assert settings_value("PORTAL_BASE_URL") == "http://127.0.0.1:8000"


def test_a_base_url_given_wins_over_the_served_address():
    given = settings_value(
        "PORTAL_BASE_URL", PORTAL_BASE_URL="https://portal.example.org", PORTAL_PORT="8101"
    )
    assert given == "https://portal.example.org"


def test_a_server_bound_to_every_interface_is_linked_at_this_computer():
    assert served_at("0.0.0.0", 8101) == "http://127.0.0.1:8101"
    assert served_at("::1", 8101) == "http://[::1]:8101"


def test_make_run_passes_its_host_and_port_to_the_portal_and_its_worker():
    recipe = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The variables are set before the worker and the server start, in the same shell.
    serve = recipe[recipe.index("source var/demo.env") :]
    assert "PORTAL_HOST=127.0.0.1; PORTAL_PORT=8101; set +a" in serve
    assert serve.index("PORTAL_PORT=8101") < serve.index("celery") < serve.index("runserver")
    assert "runserver --noreload 127.0.0.1:8101" in serve


def test_the_demo_settings_leave_debug_off():
    from scripts.make_demo_env import DEMO

    assert "DJANGO_DEBUG" not in DEMO
    production = {"module": "portal.settings", "DJANGO_SECRET_KEY": "x" * 50}
    assert settings_value("DEBUG", **production) == "False"
    assert settings_value("DEBUG", **production, DJANGO_DEBUG="true") == "True"


@pytest.mark.django_db
def test_with_debug_off_an_unknown_address_is_the_portals_own_page_not_a_url_list(world, settings):
    settings.DEBUG = False
    signed_in = Client()
    signed_in.force_login(world.esd_case_manager)
    for client in (Client(), signed_in):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "<h1>Page not found</h1>" in page
        assert "uswds.min.css" in page  # the portal's styled page, with its own stylesheet
        # Django's debug page lists the URL patterns it tried; the portal's names none of them.
        assert "Using the URLconf" not in page and "sign-in/" not in page
        assert "api/intake" not in page


@pytest.mark.django_db
def test_the_portal_has_its_own_favicon(world):
    page = Client().get("/sign-in/").content.decode()
    assert '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in page
    # Browsers that ask for /favicon.ico whatever the page says are sent to it, signed in or not.
    asked = Client().get("/favicon.ico")
    assert asked.status_code == 301 and asked["Location"] == "/static/portal/favicon.svg"
    icon = (ROOT / "portal" / "static" / "portal" / "favicon.svg").read_text()
    assert icon.startswith("<svg") and "<title>WorkSource portal</title>" in icon
