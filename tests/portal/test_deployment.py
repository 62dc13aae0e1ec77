"""The compose file and the settings must agree: every variable it sets is one the portal reads."""

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "portal" / "settings.py").read_text()
READ_BY_SETTINGS = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', SETTINGS))


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_stack_with_one_beat():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert services["web"]["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert "deploy" not in services["beat"], "beat must never be scaled beyond one"


def test_every_variable_compose_sets_is_read_by_the_settings():
    for name in ("migrate", "web", "worker", "beat"):
        variables = set(compose()["services"][name]["environment"])
        assert variables <= READ_BY_SETTINGS, (
            f"{name} sets variables the settings ignore: {variables - READ_BY_SETTINGS}"
        )
        # And the secrets without which the portal must not start are all provided.
        assert {
            "DJANGO_SECRET_KEY",
            "SSN_KEYS",
            "SSN_BLIND_INDEX_KEY",
            "MFA_KEYS",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "EMAIL_HOST",
        } <= variables


def test_the_migrations_run_as_the_owner_and_everything_else_serves_as_a_role_that_owns_nothing():
    services = compose()["services"]
    assert "grant_serving_role portal_app" in services["migrate"]["command"]
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://portal:")
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://portal_app:")
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    init = (ROOT / "deploy" / "postgres-init" / "10-portal-roles.sh").read_text()
    assert "CREATE ROLE portal_app LOGIN" in init and "NOSUPERUSER" in init


def test_the_makefile_finds_a_python_new_enough_for_django():
    path = subprocess.run(
        [str(ROOT / "scripts" / "find-python")], capture_output=True, text=True, check=True
    ).stdout.strip()
    version = subprocess.run(
        [path, "-c", "import sys; print(sys.version_info[:2] >= (3, 12))"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == "True"


def test_find_python_explains_what_to_install_when_there_is_none(tmp_path):
    # With nothing on PATH and no pyenv, it must fail with instructions rather than pick an old Python.
    result = subprocess.run(
        ["/bin/sh", str(ROOT / "scripts" / "find-python")],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert result.returncode == 1
    assert (
        "No Python 3.12 or newer was found" in result.stderr
        and "pyenv install 3.12" in result.stderr
    )
