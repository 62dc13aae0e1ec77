"""The seal chain: tampering with the trail behind the application's back is found, at its entry.

Each tamper is made as the tables' owner with the triggers switched off (`ALTER TABLE ...
DISABLE TRIGGER ALL`, inside the test's transaction), as a database superuser could.
"""

import contextlib
import threading
from datetime import timedelta

import psycopg
import pytest
from auditlog import get_logentry_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from audit.chain import entry_columns, entry_digest, seal_value
from audit.models import ChainVerification, Seal
from audit.services import chain_verify, trail_seal
from audit.tasks import verify_audit_chain
from participants.services import participant_update
from portal.text import SSN_SHAPED
from tests.factories import OrganizationFactory
from tests.portal import test_database_guarantees

Entry = get_logentry_model()
# A role like production's serving role (README, Security), the fixture the trail's own tests use.
serving_role = test_database_guarantees.serving_role
TABLE = Entry._meta.db_table
Kind = ChainVerification.Kind


def write_entries(world, count: int) -> list[int]:
    """`count` new audit entries (a seeker's city changed), their ids."""
    seeker = world.seekers["own"]
    before = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for n in range(count):
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"city": f"Forks {n}"}
        )
    return list(Entry.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))


def verify(**options) -> ChainVerification:
    verification, _ = chain_verify(reason="test", **options)
    return verification


@contextlib.contextmanager
def behind_the_applications_back(table: str = TABLE):
    """A cursor on `table` with its triggers off, as the owner or a superuser can switch them."""
    with connection.cursor() as cursor:
        # The trail's foreign keys are checked at commit: check them now, as ALTER TABLE asks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
        yield cursor
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL')


def copy_of(entry_id: int, *, new_id: int | None = None, timestamp=None) -> None:
    """INSERTs a copy of an entry behind the application's back, with the id or time given."""
    columns = [field.column for field in Entry._meta.concrete_fields if not field.primary_key]
    chosen = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join("%s" if column == "timestamp" else f'"{column}"' for column in columns)
    params = [timestamp or timezone.now()]
    if new_id is not None:
        chosen, values, params = f'"id", {chosen}', f"%s, {values}", [new_id, *params]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{TABLE}" ({chosen}) SELECT {values} FROM "{TABLE}" WHERE id = %s',
            [*params, entry_id],
        )


@pytest.mark.django_db
class TestTamperingIsFound:
    def test_an_untouched_trail_verifies_intact_through_its_last_seal(self, world, settings):
        settings.AUDIT_SEAL_ENTRIES = 3
        ids = write_entries(world, 7)
        seals = trail_seal()
        assert len(seals) >= 3 and seals[-1].last_entry_id >= ids[-1]
        sealed = Entry.objects.count()
        verification = verify(from_start=True)
        assert verification.outcome == ChainVerification.Outcome.INTACT
        assert verification.through_seal_id == seals[-1].pk
        assert verification.through_hash == seals[-1].hash
        assert verification.entries_checked == sealed

    def test_an_update_is_found_at_the_entry_it_changed(self, world):
        ids = write_entries(world, 5)
        trail_seal()
        with behind_the_applications_back() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET object_repr = 'someone else' WHERE id = %s", [ids[2]]
            )
        verification = verify()
        assert verification.outcome == ChainVerification.Outcome.BROKEN
        assert (verification.break_kind, verification.break_entry_id) == (Kind.CHANGED, ids[2])
        assert verification.break_at == Entry.objects.get(pk=ids[2]).timestamp
        # The checkpoint stays before the break: the next verification finds it again.
        assert verify().break_entry_id == ids[2]

    def test_a_change_to_any_column_changes_the_digest(self):
        """Every concrete column is covered, so one added to the trail's model later is too."""
        columns = entry_columns(Entry)
        assert set(columns) == {field.attname for field in Entry._meta.concrete_fields}
        row = tuple(range(len(columns)))
        digest = entry_digest(columns, row)
        for index in range(len(columns)):
            changed = (*row[:index], "changed", *row[index + 1 :])
            assert entry_digest(columns, changed) != digest, columns[index]

    def test_a_delete_is_found_at_the_entry_it_removed(self, world):
        ids = write_entries(world, 5)
        trail_seal()
        with behind_the_applications_back() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [ids[3]])
        verification = verify()
        assert (verification.break_kind, verification.break_entry_id) == (Kind.MISSING, ids[3])

    def test_an_insert_with_an_old_id_is_found_at_that_id(self, world):
        ids = write_entries(world, 2)
        # An id drawn and rolled back: a gap inside what the seal covers.
        with contextlib.suppress(RuntimeError), transaction.atomic():
            write_entries(world, 1)
            raise RuntimeError
        later = write_entries(world, 2)
        gap = next(pk for pk in range(ids[0], later[-1]) if pk not in ids + later)
        trail_seal()
        copy_of(ids[0], new_id=gap, timestamp=Entry.objects.get(pk=ids[-1]).timestamp)
        verification = verify()
        assert (verification.break_kind, verification.break_entry_id) == (Kind.INSERTED, gap)

    def test_an_insert_into_the_ids_rolled_back_after_the_last_entry_is_found(
        self, world, settings
    ):
        ids = write_entries(world, 2)
        settings.AUDIT_SEAL_ENTRIES = Entry.objects.count()  # the last seal is full
        with contextlib.suppress(RuntimeError), transaction.atomic():
            write_entries(world, 1)
            raise RuntimeError
        (seal,) = trail_seal()
        gap = seal.last_entry_id
        assert gap > ids[-1]  # the seal reaches the sequence's value, past the last entry
        copy_of(ids[0], new_id=gap, timestamp=Entry.objects.get(pk=ids[-1]).timestamp)
        verification = verify()
        assert (verification.break_kind, verification.break_entry_id) == (Kind.INSERTED, gap)

    def test_an_insert_with_a_new_id_and_an_old_time_is_found_sealed_or_not(self, world):
        ids = write_entries(world, 3)
        trail_seal()
        write_entries(world, 1)
        copy_of(ids[0], timestamp=timezone.now() - timedelta(days=30))
        forged = Entry.objects.latest("pk").pk
        before_sealing = verify()
        assert (before_sealing.break_kind, before_sealing.break_entry_id) == (Kind.INSERTED, forged)
        trail_seal()  # the sealing run cannot tell it from a real entry: the walk still can
        after_sealing = verify(from_start=True)
        assert (after_sealing.break_kind, after_sealing.break_entry_id) == (Kind.INSERTED, forged)
        assert "false date" in after_sealing.break_detail

    def test_a_rewritten_or_removed_seal_breaks_the_chain(self, world, settings):
        settings.AUDIT_SEAL_ENTRIES = 2
        write_entries(world, 6)
        first, second, *_ = trail_seal()
        with behind_the_applications_back(Seal._meta.db_table) as cursor:
            cursor.execute(
                f"UPDATE {Seal._meta.db_table} SET entry_count = 1 WHERE id = %s", [second.pk]
            )
        changed = verify(from_start=True)
        assert (changed.break_kind, changed.break_entry_id) == (
            Kind.SEAL,
            second.after_entry_id + 1,
        )
        assert changed.through_seal_id == first.pk
        with behind_the_applications_back(Seal._meta.db_table) as cursor:
            cursor.execute(f"DELETE FROM {Seal._meta.db_table} WHERE id = %s", [second.pk])
        removed = verify(from_start=True)
        assert (removed.break_kind, removed.break_entry_id) == (Kind.SEAL, first.last_entry_id + 1)
        assert "is missing" in removed.break_detail


@pytest.mark.django_db
class TestCheckpoints:
    def test_a_verification_resumes_after_the_seal_the_last_one_reached(self, world):
        write_entries(world, 3)
        first = trail_seal()
        assert verify().through_seal_id == first[-1].pk
        write_entries(world, 2)
        second = trail_seal()
        verification, walk = chain_verify(reason="test")
        assert walk.seals == len(second) and walk.start.seal_id == first[-1].pk
        assert verification.through_seal_id == second[-1].pk and not verification.from_start
        assert verification.outcome == ChainVerification.Outcome.INTACT

    def test_what_a_resumed_walk_skips_the_walk_from_the_start_finds(self, world):
        ids = write_entries(world, 3)
        trail_seal()
        verify()
        with behind_the_applications_back() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET object_repr = 'x' WHERE id = %s", [ids[0]])
        assert verify().outcome == ChainVerification.Outcome.INTACT  # before the checkpoint
        assert verify(from_start=True).break_entry_id == ids[0]

    def test_the_checkpoints_own_seal_rewritten_is_a_break(self, world):
        write_entries(world, 3)
        (seal,) = trail_seal()
        verify()
        with behind_the_applications_back(Seal._meta.db_table) as cursor:
            cursor.execute(
                f"UPDATE {Seal._meta.db_table} SET hash = %s WHERE id = %s", ["f" * 64, seal.pk]
            )
        verification = verify()
        assert verification.break_kind == Kind.SEAL and str(seal.pk) in verification.break_detail

    def test_verifying_is_audited(self, world):
        verification = verify()
        entry = Entry.objects.get_for_object(verification).get()
        assert entry.action == Entry.Action.CREATE
        assert entry.additional_data == {"reason": "test"}
        assert entry.changes["outcome"] == [None, "intact"] and "through_hash" not in entry.changes


@pytest.mark.django_db
class TestSealing:
    def test_sealing_again_with_nothing_new_makes_no_seal(self, world):
        write_entries(world, 2)
        assert trail_seal()
        assert trail_seal() == []
        assert verify().outcome == ChainVerification.Outcome.INTACT

    def test_seals_and_verifications_cannot_be_changed_or_deleted(self, world):
        write_entries(world, 1)
        (seal,) = trail_seal()
        for statement in (
            f"UPDATE {Seal._meta.db_table} SET hash = 'x' WHERE id = {seal.pk}",
            f"DELETE FROM {Seal._meta.db_table} WHERE id = {seal.pk}",
            f"TRUNCATE {ChainVerification._meta.db_table}",
        ):
            with pytest.raises(DatabaseError, match="Cannot"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(statement)
        assert Seal.objects.get(pk=seal.pk).hash == seal.hash


@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    def test_a_seal_never_passes_an_entry_whose_transaction_is_still_open(self, world, settings):
        settings.AUDIT_SEAL_WAIT_SECONDS = 0.2
        written, release = threading.Event(), threading.Event()

        def slow_writer():
            try:
                with transaction.atomic():
                    OrganizationFactory()  # an audit entry, on no row the next writer needs
                    written.set()
                    release.wait(30)
            finally:
                connections.close_all()

        writer = threading.Thread(target=slow_writer)
        writer.start()
        try:
            assert written.wait(30)
            later = write_entries(world, 1)  # a higher id, committed first
            assert trail_seal() == []  # the open writer might still commit below it
        finally:
            release.set()
            writer.join()
        (seal,) = trail_seal()
        assert seal.last_entry_id >= later[-1]
        assert verify().outcome == ChainVerification.Outcome.INTACT

    def test_two_sealing_runs_at_once_do_not_fork_the_chain(self, world, settings):
        settings.AUDIT_SEAL_ENTRIES = 5
        write_entries(world, 12)
        start = threading.Barrier(2)
        made: list[list[Seal]] = []

        def seal():
            try:
                start.wait(10)
                made.append(trail_seal())
            finally:
                connections.close_all()

        runs = [threading.Thread(target=seal) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        # One run sealed everything, the other found it done (no IntegrityError, no second chain).
        assert sorted(len(seals) for seals in made) == [0, -(-Entry.objects.count() // 5)]
        assert verify().outcome == ChainVerification.Outcome.INTACT


@pytest.mark.django_db
class TestDailyEmail:
    def test_the_administrators_get_the_days_last_seal(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        write_entries(world, 2)
        with django_capture_on_commit_callbacks(execute=True):
            assert verify_audit_chain() == "intact"
        last = Seal.objects.latest("after_entry_id")
        (email,) = mailoutbox
        assert set(email.to) == {world.mis_admin.email, world.mis_admin_b.email}
        assert "intact" in email.subject and seal_value(last.hash) in email.body
        assert f"seal {last.pk:,}, entries up to {last.last_entry_id:,}" in email.body
        write_entries(world, 1)
        with django_capture_on_commit_callbacks(execute=True):
            verify_audit_chain()
        # The next email repeats the previous seal as the chain reads it now, to compare.
        assert f"seal {last.pk}, now reads:\n  {seal_value(last.hash)}" in mailoutbox[1].body
        bodies = email.body + mailoutbox[1].body
        assert world.seekers["own"].last_name not in bodies and not SSN_SHAPED.search(bodies)

    def test_the_administrators_get_the_break(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        ids = write_entries(world, 3)
        trail_seal()
        with behind_the_applications_back() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [ids[1]])
        with django_capture_on_commit_callbacks(execute=True):
            assert verify_audit_chain() == "broken"
        (email,) = mailoutbox
        assert f"breaks at entry {ids[1]:,}" in email.subject
        assert "IT IS BROKEN" in email.body and f"Entry {ids[1]:,}, sealed in seal" in email.body


@pytest.mark.django_db
class TestCommand:
    def test_a_break_exits_non_zero_and_says_where(self, world, capsys):
        ids = write_entries(world, 2)
        trail_seal()
        call_command("audit_verify")
        assert "The chain is intact" in capsys.readouterr().out
        with behind_the_applications_back() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET changes_text = 'x' WHERE id = %s", [ids[0]])
        with pytest.raises(SystemExit) as exit_:
            call_command("audit_verify", "--from-start")
        assert exit_.value.code == 1
        assert f"BROKEN at entry {ids[0]:,}" in capsys.readouterr().err

    def test_a_kept_seal_must_be_on_the_chain(self, world, capsys):
        write_entries(world, 2)
        (seal,) = trail_seal()
        call_command("audit_verify", "--expect", seal.hash.upper())
        assert seal_value(seal.hash) in capsys.readouterr().out
        call_command("audit_verify", "--expect", seal_value(seal.hash))  # as the email gives it
        with pytest.raises(SystemExit):
            call_command("audit_verify", "--expect", "a" * 64)
        assert "No seal of the chain has the value" in capsys.readouterr().err
        for typo in ("not a seal", "a" * 65, "917-43-8265"):
            with pytest.raises(CommandError, match="64 hexadecimal digits"):
                call_command("audit_verify", "--expect", typo)


def test_the_serving_role_may_seal_but_not_rewrite_seals(world, serving_role):
    """The chain works as the portal serves (README, Security), and its tables are append-only."""
    write_entries(world, 1)
    with psycopg.connect(**serving_role, autocommit=True) as app:
        (last,) = app.execute(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))", [TABLE]
        ).fetchone()
        assert last == Entry.objects.latest("pk").pk
        for table in (Seal._meta.db_table, ChainVerification._meta.db_table):
            assert app.execute(
                "SELECT has_table_privilege(%s, 'INSERT'), has_table_privilege(%s, 'UPDATE'),"
                " has_table_privilege(%s, 'DELETE'), has_table_privilege(%s, 'TRUNCATE')",
                [table] * 4,
            ).fetchone() == (True, False, False, False)


def test_the_beat_seals_every_minute_and_verifies_once_a_day(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    sealing = [entry for entry in schedule if entry["task"] == "audit.tasks.seal_audit_trail"]
    assert [entry["schedule"] for entry in sealing] == [timedelta(minutes=1)]
    verifying = [entry for entry in schedule if entry["task"] == "audit.tasks.verify_audit_chain"]
    assert sorted(day for entry in verifying for day in entry["schedule"].day_of_week) == list(
        range(7)
    )
    (whole,) = [entry for entry in verifying if entry.get("kwargs", {}).get("from_start")]
    assert whole["schedule"].day_of_week == {0}  # Sunday: the whole chain, from its first seal


def test_a_seal_value_never_looks_like_an_ssn():
    """Hex holds runs of digits; in groups of four none can be read as an SSN (by a mail filter)."""
    assert SSN_SHAPED.search("ab123456789c")
    value = seal_value("ab123456789cdef0" * 4)
    assert value.startswith("ab12 3456 789c") and not SSN_SHAPED.search(value)
    assert "".join(value.split()) == "ab123456789cdef0" * 4
