"""Intake's known bugs, each held by a test: a held registration whose id already names a
seeker, the same registration id sent twice at once, the demo's SQLite under concurrent calls,
and a partial update that cleared what it did not send."""

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from intake.models import HeldRegistration, IntakeEvent, Registration, Scope
from intake.services import credential_create, sending_system_create
from participants.models import Participant

from .conftest import REGISTRATION, Sender


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestAHeldRegistrationWhoseIdNamesASeeker:
    """Job Match registered R-5 as a seeker of its own, then sent R-5 again with the SSN of the
    opted-out seeker: held, since the SSN is another seeker's, though R-5 already names one."""

    @pytest.fixture
    def held(self, world, sender):
        assert sender.register(registration_id="R-5", city="Tacoma").status_code == 201
        sender.register(
            registration_id="R-5",
            ssn=world.seekers["opted_out"].ssn,
            first_name="Rosalind",
            city="Olympia",
        )
        return HeldRegistration.objects.get()

    def test_the_same_person_moves_the_registration_id_to_the_seeker_with_the_ssn(
        self, world, held
    ):
        registered = Registration.objects.get(external_id="R-5").participant
        response = signed_in(world.state_dataedits).post(
            reverse("intake:held", args=[held.pk]), {"resolution": "linked"}
        )
        assert response.status_code == 302
        held.refresh_from_db()
        assert held.status == HeldRegistration.Status.LINKED
        assert held.resolved_participant == world.seekers["opted_out"]
        assert Registration.objects.get(external_id="R-5").participant == world.seekers["opted_out"]
        # The seeker R-5 named before is left as they were, with no registration of this system.
        registered.refresh_from_db()
        assert (registered.first_name, registered.city) == ("Rosa", "Tacoma")
        assert not registered.registrations.exists()

    def test_another_person_keeps_the_id_with_its_seeker_updated_without_the_ssn(self, world, held):
        registered = Registration.objects.get(external_id="R-5").participant
        count = Participant.objects.count()
        response = signed_in(world.state_dataedits).post(
            reverse("intake:held", args=[held.pk]), {"resolution": "created"}
        )
        assert response.status_code == 302
        held.refresh_from_db()
        assert held.status == HeldRegistration.Status.KEPT
        assert held.resolved_participant == registered
        assert Participant.objects.count() == count  # no duplicate of the registered seeker
        registered.refresh_from_db()
        assert (registered.first_name, registered.city, registered.ssn) == (
            "Rosalind",
            "Olympia",
            None,
        )
        assert (
            world.seekers["opted_out"].ssn
            == Participant.objects.get(pk=world.seekers["opted_out"].pk).ssn
        )

    def test_the_page_says_what_each_choice_does(self, world, held):
        page = signed_in(world.state_dataedits).get(reverse("intake:held", args=[held.pk]))
        text = page.content.decode()
        assert "already names" in text
        assert "updated without the SSN" in text


@pytest.mark.django_db
class TestAPartialUpdate:
    def test_fields_not_sent_are_kept(self, world, sender):
        created = sender.register(
            phone="(360) 555-0100", city="Olympia", date_of_birth="1984-07-02", state="WA"
        )
        assert created.status_code == 201
        updated = sender.register(email="rosa@example.org")
        assert updated.json()["outcome"] == "updated"
        seeker = Participant.objects.get(registrations__external_id="R-1")
        assert (seeker.phone, seeker.city, seeker.state, str(seeker.date_of_birth)) == (
            "(360) 555-0100",
            "Olympia",
            "WA",
            "1984-07-02",
        )
        assert seeker.email == "rosa@example.org"

    def test_a_field_sent_empty_or_null_is_cleared(self, world, sender):
        sender.register(phone="(360) 555-0100", city="Olympia")
        sender.register(phone=None, city="")
        seeker = Participant.objects.get(registrations__external_id="R-1")
        assert (seeker.phone, seeker.city) == ("", "")

    def test_the_schema_says_so(self, client):
        schema = client.get(reverse("intake_api:openapi-json")).json()
        operation = schema["paths"]["/api/intake/v1/registrations"]["post"]
        assert "omitted" in operation["description"]


@pytest.mark.django_db(transaction=True)
def test_the_same_registration_id_sent_at_once_with_two_keys_is_answered_cleanly():
    """Two connections send a new registration id at the same moment, each with its own
    Idempotency-Key: one creates the seeker, the other updates it; neither is a 500."""
    from access.roles import Role
    from tests.factories import OrganizationFactory, StaffFactory

    admin = StaffFactory(
        role=Role.MIS_ADMIN, organization=OrganizationFactory(is_state_agency=True)
    )
    system = sending_system_create(actor=admin, name="Job Match")
    token = credential_create(actor=admin, system=system, scopes=[Scope.REGISTRATION]).token
    start = threading.Barrier(2)
    answers: list[int] = []

    def send(key: str) -> None:
        try:
            start.wait()
            response = Sender(token).post(
                REGISTRATION,
                {"registration_id": "R-77", "first_name": "Rosa", "last_name": "Reyes"},
                key=key,
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in ("key-a", "key-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201]
    assert Registration.objects.filter(external_id="R-77").count() == 1
    assert Participant.objects.count() == 1
    assert sorted(IntakeEvent.objects.values_list("outcome", flat=True)) == [
        "created",
        "updated",
    ]


def _sqlite(path, options, *, mode):
    """A connection as Django opens one with these options (its BEGIN named by `mode`)."""
    conn = sqlite3.connect(path, timeout=options["timeout"], isolation_level=None)
    for command in str(options["init_command"]).split(";"):
        conn.execute(command)
    return conn, f"BEGIN {mode}"


def test_the_demo_database_queues_concurrent_writers_instead_of_failing(tmp_path):
    """Under SQLite (the demo of `make run`), a transaction that reads and then writes while
    another writes fails at once with "database is locked" when it began DEFERRED (Django's
    default), whatever the timeout: the cause of the intake calls' failures. Begun IMMEDIATE,
    as the demo's settings now say, the second writer waits for the first and both succeed."""
    from portal.settings import sqlite_options

    options = sqlite_options()
    path = str(tmp_path / "demo.sqlite3")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE seeker (id INTEGER PRIMARY KEY, city TEXT)")
    setup.execute("INSERT INTO seeker VALUES (1, 'Tacoma')")

    # Django's default: the reader's late write is refused, not queued.
    reader, begin = _sqlite(path, options, mode="DEFERRED")
    writer, _ = _sqlite(path, options, mode="IMMEDIATE")
    reader.execute(begin)
    reader.execute("SELECT city FROM seeker").fetchall()
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE seeker SET city = 'Olympia'")
    writer.execute("COMMIT")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        reader.execute("UPDATE seeker SET city = 'Aberdeen'")
    reader.execute("ROLLBACK")

    # The demo's settings: the second writer waits for the first, then writes.
    assert options["transaction_mode"] == "IMMEDIATE"
    first, begin = _sqlite(path, options, mode=options["transaction_mode"])
    first.execute(begin)
    first.execute("SELECT city FROM seeker").fetchall()
    done: list[str] = []

    def second_writer() -> None:
        conn, begin = _sqlite(path, options, mode=options["transaction_mode"])
        conn.execute(begin)
        conn.execute("UPDATE seeker SET city = city || ' and Aberdeen'")
        conn.execute("COMMIT")
        done.append("committed")

    thread = threading.Thread(target=second_writer)
    thread.start()
    first.execute("UPDATE seeker SET city = 'Bremerton'")
    first.execute("COMMIT")
    thread.join()
    assert done == ["committed"]
    assert setup.execute("SELECT city FROM seeker").fetchone() == ("Bremerton and Aberdeen",)
    # The suite itself runs on PostgreSQL: these options are the demo's only.
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
