"""The database keeps the audit trail's guarantees, whoever asks; and each entry records a trusted address.

The serving role here is made as an operator makes it (README, Security): a login role that is not
a superuser, given its privileges by `grant_serving_role` as the tables' owner.
"""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from audit.models import AuditEntry
from participants.services import participant_update
from portal.checks import role_warnings
from portal.middleware import client_address, client_port

SERVING_ROLE = f"portal_serving_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture
def serving_role(transactional_db):
    """A role like production's serving role, on the test database; dropped afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {SERVING_ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    call_command("grant_serving_role", SERVING_ROLE)
    settings = connection.settings_dict
    dsn = dict(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=SERVING_ROLE,
    )
    yield dsn
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {SERVING_ROLE}")
        cursor.execute(f"DROP ROLE {SERVING_ROLE}")


def entry_id(world) -> int:
    participant_update(
        actor=world.esd_case_manager, participant=world.seekers["own"], changes={"city": "Forks"}
    )
    return AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("pk").pk


REWRITES = {
    "update": "UPDATE audit_auditentry SET object_repr = 'rewritten' WHERE id = %s",
    "delete": "DELETE FROM audit_auditentry WHERE id = %s",
    "truncate": "TRUNCATE audit_auditentry CASCADE",
}


@pytest.mark.parametrize("operation", sorted(REWRITES))
def test_the_serving_role_cannot_rewrite_the_trail_even_past_the_trigger_switch(
    world, serving_role, operation
):
    pk = entry_id(world)
    with psycopg.connect(**serving_role, autocommit=True) as app:
        # It works as the portal works: it reads and adds entries.
        assert app.execute(
            "SELECT count(*) FROM audit_auditentry WHERE id = %s", [pk]
        ).fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(REWRITES[operation], [pk] if "%s" in REWRITES[operation] else None)
        # django-pgtrigger's session switch for skipping triggers does not help: the privilege is gone.
        app.execute(
            "SET pgtrigger.ignore = '{pgtrigger_audit_entry_no_update_c13c0,pgtrigger_audit_entry_no_delete_d47f9}'"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(REWRITES[operation], [pk] if "%s" in REWRITES[operation] else None)
        # Owning nothing, it cannot disable the triggers or give itself the privilege back.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
        app.execute(f"GRANT UPDATE ON audit_auditentry TO {SERVING_ROLE}")  # PostgreSQL only warns
        assert app.execute(
            "SELECT has_table_privilege('audit_auditentry', 'UPDATE')"
        ).fetchone() == (False,)
    assert AuditEntry.objects.filter(pk=pk, object_repr__contains="rewritten").count() == 0
    assert AuditEntry.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("operation", sorted(REWRITES))
def test_the_triggers_refuse_even_the_owner(world, serving_role, operation):
    pk = entry_id(world)
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=settings["USER"],
        autocommit=True,
    ) as owner:
        with pytest.raises(psycopg.errors.RaiseException, match=f"Cannot {operation}"):
            owner.execute(REWRITES[operation], [pk] if "%s" in REWRITES[operation] else None)
    assert AuditEntry.objects.filter(pk=pk).exists()


def test_the_check_warns_of_a_superuser_and_of_a_role_that_may_rewrite_the_trail(serving_role):
    assert [w.id for w in role_warnings(connection)] == [
        "portal.W001"
    ]  # the suite runs as a superuser
    settings = connection.settings_dict | {"USER": SERVING_ROLE, "PASSWORD": ""}
    serving = DatabaseWrapper(settings, alias="serving")
    try:
        assert role_warnings(serving) == []
        # An operator who granted it everything (or never ran grant_serving_role) is told.
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT ALL ON audit_auditentry TO {SERVING_ROLE}")
        assert [w.id for w in role_warnings(serving)] == ["portal.W003"]
    finally:
        serving.close()


@pytest.mark.django_db
def test_a_database_that_is_away_only_warns_at_start():
    from portal.checks import serving_role_cannot_rewrite_the_audit_trail

    away = connection.settings_dict | {"PORT": "1"}
    from django.db import connections

    original = connections["default"]
    connections["default"] = DatabaseWrapper(away, alias="default")
    try:
        assert [
            w.id for w in serving_role_cannot_rewrite_the_audit_trail(databases=["default"])
        ] == ["portal.W004"]
    finally:
        connections["default"].close()
        connections["default"] = original


# --- the client's address and the correlation id ----------------------------------------------


def request_with(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **meta)


def test_without_a_proxy_the_socket_is_the_address_and_forwarded_headers_are_ignored():
    request = request_with(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PORT="99999999999")
    assert client_address(request) == "10.0.0.5" and client_port(request) is None


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    "header,expected",
    [
        ("203.0.113.9", "203.0.113.9"),
        ("198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry first is ignored
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("not-an-address", "10.0.0.5"),
        ("", "10.0.0.5"),
        ("<script>, '; DROP TABLE", "10.0.0.5"),
    ],
)
def test_behind_the_proxy_the_address_is_the_one_the_trusted_proxy_wrote(header, expected):
    assert client_address(request_with(HTTP_X_FORWARDED_FOR=header)) == expected


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXY_COUNT=2)
def test_with_two_trusted_proxies_the_client_is_second_from_the_end():
    assert (
        client_address(request_with(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.0.0.2"))
        == "203.0.113.9"
    )
    assert (
        client_address(request_with(HTTP_X_FORWARDED_FOR="10.0.0.2")) == "10.0.0.5"
    )  # a short chain is not ours


@pytest.mark.django_db
@override_settings(BEHIND_TLS_PROXY=True, SECURE_SSL_REDIRECT=False)
def test_a_malformed_header_or_correlation_id_never_breaks_a_page_and_the_entry_keeps_sane_values(
    world,
):
    client = Client()
    client.force_login(world.auditor)
    seeker = world.seekers["own"]
    response = client.get(
        reverse("participants:detail", args=[seeker.pk]),
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="garbage, also garbage",
        HTTP_X_FORWARDED_PORT="-4",
        HTTP_X_CORRELATION_ID="x" * 5000 + "\r\n",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(seeker.pk)
    ).latest("pk")
    assert entry.remote_addr == "127.0.0.1" and entry.remote_port is None
    assert len(entry.cid) <= 64 and "x" * 65 not in entry.cid

    client.get(
        reverse("participants:detail", args=[seeker.pk]),
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_X_CORRELATION_ID="req-42.a",
    )
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(seeker.pk)
    ).latest("pk")
    assert (entry.remote_addr, entry.cid) == ("203.0.113.9", "req-42.a")
