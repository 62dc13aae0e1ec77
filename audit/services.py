"""The seal chain's writes: sealing the trail (every minute) and verifying it (daily, or by hand).

Why a batch a minute and not a seal per entry: a per-entry seal needs the previous seal, so
every transaction that writes an audit entry would hold the chain's head until it commits, and
the portal's writers would wait on one another (bench/chain.py measures both). Sealed a batch at
a time, writers never wait: the sealing run alone takes the chain's lock.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from auditlog import get_logentry_model
from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from portal.audit import audit_reason

from .chain import (
    DIGEST,
    GENESIS,
    Break,
    Checkpoint,
    Entry,
    Kind,
    Walk,
    entry_columns,
    entry_digest,
    hash_of,
)
from .models import ChainVerification, Seal

logger = logging.getLogger(__name__)
# pg_advisory_xact_lock's key for the chain's head: one sealing run at a time, whoever starts it.
CHAIN_LOCK = 0x5EA1_C4A1
READ_CHUNK = 2000


@dataclass(frozen=True)
class Cut:
    """How far a sealing run may seal: every entry id up to `entry_id` is committed or never will be."""

    entry_id: int
    at: datetime


def _trail() -> type[AbstractLogEntry]:
    return get_logentry_model()


def _trail_cut() -> Cut | None:
    """Where this sealing run draws its line, or None while a writer it must wait for is still open.

    Entries commit out of id order: a transaction may hold id 100 while id 101 has committed. A
    seal past 100 would then find 100 "inserted" once it commits. So the line is the id sequence's
    value V, taken once every transaction that might hold an id up to V has ended. Those are the
    ones holding the trail's RowExclusiveLock when V is read: an INSERT takes that lock before it
    draws its id from the sequence (the default, nextval, is evaluated by the statement that holds
    it) and keeps it until commit or rollback. So: read the clock, read V, list the transactions
    holding the lock, and wait (at most AUDIT_SEAL_WAIT_SECONDS) until they have all ended. Later
    writers draw ids above V. This is exact however long a transaction runs, where a time margin
    is only likely; and no writer ever waits for it. It needs the sequence's cache to be 1 (the
    default Django creates): a session caching ids could use one below V without the lock yet.

    SQLite (the demo) has one writer at a time, in id order: the highest id is the line.
    """
    trail = _trail()
    at = timezone.now()  # before V: every entry above V is written after this time
    if connection.vendor != "postgresql":
        highest = trail.objects.aggregate(highest=Max("pk"))["highest"]
        return Cut(highest, at) if highest else None
    table, pk = trail._meta.db_table, trail._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s))", [table, pk])
        (last,) = cursor.fetchone()
        if last is None:
            return None
        cursor.execute(
            "SELECT array_agg(DISTINCT virtualtransaction) FROM pg_locks"
            " WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND relation = %s::regclass AND mode = 'RowExclusiveLock' AND granted"
            " AND pid <> pg_backend_pid()",
            [table],
        )
        writers = cursor.fetchone()[0] or []
        deadline = time.monotonic() + settings.AUDIT_SEAL_WAIT_SECONDS
        while writers:
            if time.monotonic() > deadline:
                logger.info(
                    "sealing waits for %d open transactions writing the trail", len(writers)
                )
                return None
            time.sleep(0.05)
            cursor.execute(
                "SELECT array_agg(DISTINCT virtualtransaction) FROM pg_locks"
                " WHERE virtualtransaction = ANY(%s)",
                [writers],
            )
            writers = cursor.fetchone()[0] or []
    return Cut(last, at)


def lock_the_chain() -> None:
    """Two sealing runs at once (two beats, or a run that outlasted its minute) take turns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _entries(after: int, through: int | None = None) -> Iterator[tuple]:
    """The trail's entries after id `after` (up to `through`), in id order, as rows of `entry_columns`."""
    trail = _trail()
    rows = trail.objects.filter(pk__gt=after)
    if through is not None:
        rows = rows.filter(pk__lte=through)
    columns = entry_columns(trail)
    return rows.order_by("pk").values_list(*columns).iterator(chunk_size=READ_CHUNK)


def trail_seal() -> list[Seal]:
    """Seals the entries written since the last seal, up to this run's cut; the new seals.

    Idempotent: a run with nothing new to seal makes no seal. The chain's head is read under its
    lock, and a seal's `after_entry_id` is unique: the chain cannot fork. At most
    AUDIT_SEAL_ENTRIES entries go into one seal, so each seal's digests stay small.
    """
    made: list[Seal] = []
    with transaction.atomic():
        lock_the_chain()
        head = Seal.objects.order_by("-after_entry_id").first()
        after, previous = (head.last_entry_id, head.hash) if head else (0, GENESIS)
        cut = _trail_cut()
        if cut is None or cut.entry_id <= after:
            return made
        columns = entry_columns(_trail())
        batch: list[bytes] = []
        last_id = after
        for row in _entries(after, cut.entry_id):
            if len(batch) == settings.AUDIT_SEAL_ENTRIES:  # full, and more follow
                made.append(_seal(previous, after, last_id, batch, cut))
                previous, after, batch = made[-1].hash, last_id, []
            last_id = row[0]
            batch.append(DIGEST.pack(last_id, entry_digest(columns, row)))
        if batch:  # the last seal reaches the cut: an id rolled back below it is sealed as absent
            made.append(_seal(previous, after, cut.entry_id, batch, cut))
    return made


def _seal(previous: str, after: int, last: int, batch: list[bytes], cut: Cut) -> Seal:
    seal = Seal(
        after_entry_id=after,
        last_entry_id=last,
        entry_count=len(batch),
        digests=b"".join(batch),
        cut_entry_id=cut.entry_id,
        cut_at=cut.at,
    )
    seal.hash = hash_of(seal, previous)
    seal.save()
    return seal


# --- verifying ---------------------------------------------------------------------------------


def _checkpoint(verification: ChainVerification) -> Checkpoint | None:
    """Where `verification` left the chain, or None if its seal has been removed or rewritten."""
    seal = Seal.objects.filter(last_entry_id=verification.through_entry_id).first()
    if seal is None or (seal.pk, seal.hash) != (
        verification.through_seal_id,
        verification.through_hash,
    ):
        return None
    # The cuts a later entry's date is checked against: this seal's, and the run's before it.
    earlier = (
        Seal.objects.filter(cut_entry_id__lt=seal.cut_entry_id).order_by("-after_entry_id").first()
    )
    cuts = ((earlier.cut_entry_id, earlier.cut_at),) if earlier else ()
    return Checkpoint(
        after_entry_id=seal.last_entry_id,
        previous_hash=seal.hash,
        seal_id=seal.pk,
        cuts=(*cuts, (seal.cut_entry_id, seal.cut_at)),
    )


def _walk(start: Checkpoint, watch: str) -> Walk:
    trail = _trail()
    columns = entry_columns(trail)
    stamp = columns.index("timestamp")
    entries = (
        Entry(row[0], row[stamp], entry_digest(columns, row))
        for row in _entries(start.after_entry_id)
    )
    seals = (
        Seal.objects.filter(after_entry_id__gte=start.after_entry_id)
        .order_by("after_entry_id")
        .iterator(chunk_size=READ_CHUNK // 10)
    )
    walk = Walk(start=start, tolerance=settings.AUDIT_SEAL_CLOCK_TOLERANCE)
    return walk.run(seals, entries, watch=watch)


def chain_verify(
    *, from_start: bool = False, expect: str = "", reason: str
) -> tuple[ChainVerification, Walk]:
    """Walks the chain from the last verification's checkpoint (or from the start), and records it.

    Reads one snapshot of the trail and its seals (REPEATABLE READ), streamed. The verification
    is recorded, and so audited (`reason` says who asked), whatever it found. `expect` is a
    seal's hash kept outside the portal: the walk, then from the start, must pass through it.
    """
    started = timezone.now()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        previous = None
        if not (from_start or expect):
            previous = ChainVerification.objects.exclude(through_seal_id=None).first()
        if previous is None:
            walk = _walk(Checkpoint(), expect)
        elif (start := _checkpoint(previous)) is None:
            walk = _rewritten_checkpoint(previous)
        else:
            walk = _walk(start, expect)
    if expect and not walk.found and expect not in walk.passed_hashes:
        walk.found = _not_passed(walk)
    verification = _record(walk, started=started, from_start=from_start or bool(expect))
    with audit_reason(reason):
        verification.save()
    return verification, walk


def _rewritten_checkpoint(verification: ChainVerification) -> Walk:
    """The walk that stops before it starts: the seal the last verification reached is gone or changed."""
    walk = Walk(start=Checkpoint(), tolerance=settings.AUDIT_SEAL_CLOCK_TOLERANCE)
    walk.found = Break(
        Kind.SEAL,
        verification.through_entry_id,
        verification.finished_at,
        verification.through_seal_id,
        f"Seal {verification.through_seal_id:,}, verified on "
        f"{timezone.localtime(verification.finished_at):%Y-%m-%d %H:%M}, was removed or changed "
        "since: verify from the start to find the first break.",
    )
    return walk


def _not_passed(walk: Walk) -> Break:
    return Break(
        Kind.SEAL,
        walk.after + 1,
        None,
        None,
        "No seal of the chain has the value given: the trail was rewritten up to that seal, or "
        "the value was mistyped.",
    )


def _record(walk: Walk, *, started: datetime, from_start: bool) -> ChainVerification:
    found = walk.found
    through = walk.through
    return ChainVerification(
        started_at=started,
        finished_at=timezone.now(),
        from_start=from_start,
        outcome=ChainVerification.Outcome.BROKEN if found else ChainVerification.Outcome.INTACT,
        through_seal_id=through.pk if through else walk.start.seal_id,
        through_hash=through.hash if through else (walk.previous if walk.start.seal_id else ""),
        through_entry_id=walk.after,
        seals_checked=walk.seals,
        entries_checked=walk.entries,
        break_kind=found.kind if found else "",
        break_entry_id=found.entry_id if found else None,
        break_at=found.at if found else None,
        break_detail=found.detail if found else "",
    )
