"""The seal chain's arithmetic: an entry's digest, a seal's hash, and the walk that checks them.

An entry's digest is the SHA-256 of all its concrete columns (`model._meta.concrete_fields`),
written as JSON with sorted keys, times in UTC ISO 8601 to the microsecond, decimals, UUIDs and
addresses as strings and bytes as hex: a column added to the trail's model is covered without a
change here. A seal's hash is the SHA-256 of the previous seal's hash, the seal's own fields
and its digests, so each seal vouches for every entry and seal before it.

The chain is a plain SHA-256 chain, not a keyed one: anyone holding a seal's value can check
the trail still leads to it, with no secret of the portal's (README, "The seal chain").
"""

import hashlib
import json
import struct
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models

from .models import ChainVerification, Seal

GENESIS = "0" * 64  # the "previous hash" of the first seal
DIGEST = struct.Struct(">q32s")  # an entry's id and the SHA-256 of its columns, in a seal's digests
Kind = ChainVerification.Kind


def _plain(value: Any) -> Any:
    """A column's value as JSON can hold it, the same way each time it is read."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    return str(value)  # an address, or any other type a column may hold, by its text


def seal_value(hash_: str) -> str:
    """A seal's hash as people copy and compare it: sixteen groups of four (no run of digits in
    it can look like an SSN to a mail filter, or to the portal's own checks)."""
    return " ".join(hash_[i : i + 4] for i in range(0, len(hash_), 4))


def entry_columns(model: type[models.Model]) -> list[str]:
    """The names of the columns an entry's digest covers: every concrete one, the id first."""
    names = sorted(field.attname for field in model._meta.concrete_fields)
    pk = model._meta.pk.attname
    return [pk, *(name for name in names if name != pk)]


def entry_digest(columns: list[str], row: tuple) -> bytes:
    """The SHA-256 of one entry's columns (`row` as `values_list(*columns)` reads it)."""
    text = json.dumps(
        dict(zip(columns, row, strict=True)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_plain,
    )
    return hashlib.sha256(text.encode()).digest()


def seal_hash(
    previous: str,
    *,
    after_entry_id: int,
    last_entry_id: int,
    entry_count: int,
    cut_entry_id: int,
    cut_at: datetime,
    digests: bytes,
) -> str:
    head = "\n".join(
        [
            previous,
            str(after_entry_id),
            str(last_entry_id),
            str(entry_count),
            str(cut_entry_id),
            _plain(cut_at),
            "",
        ]
    )
    return hashlib.sha256(head.encode() + digests).hexdigest()


def hash_of(seal: Seal, previous: str) -> str:
    """What `seal`'s hash must be, from its stored fields and the hash of the seal before it."""
    return seal_hash(
        previous,
        after_entry_id=seal.after_entry_id,
        last_entry_id=seal.last_entry_id,
        entry_count=seal.entry_count,
        cut_entry_id=seal.cut_entry_id,
        cut_at=seal.cut_at,
        digests=bytes(seal.digests),
    )


def sealed_digests(seal: Seal) -> list[tuple[int, bytes]] | None:
    """The (entry id, digest) pairs a seal holds, or None if they are not a seal's."""
    raw = bytes(seal.digests)
    if len(raw) != DIGEST.size * seal.entry_count:
        return None
    pairs = list(DIGEST.iter_unpack(raw))
    ids = [entry_id for entry_id, _ in pairs]
    inside = all(seal.after_entry_id < entry_id <= seal.last_entry_id for entry_id in ids)
    return pairs if inside and ids == sorted(set(ids)) else None


@dataclass(frozen=True)
class Entry:
    """An entry as the walk reads it: its id, its time and the digest of its columns now."""

    id: int
    timestamp: datetime
    digest: bytes


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold. Ids in `detail` are written with thousands
    separators: nine digits in a row would look like an SSN to the portal's checks."""

    kind: str
    entry_id: int
    at: datetime | None
    seal_id: int | None
    detail: str


@dataclass(frozen=True)
class Checkpoint:
    """Where a walk starts: after this entry id, from this seal's hash, knowing the cuts before."""

    after_entry_id: int = 0
    previous_hash: str = GENESIS
    seal_id: int | None = None
    cuts: tuple[tuple[int, datetime], ...] = ()


@dataclass
class Walk:
    """The chain walked in order: each seal against the one before, each entry against its seal.

    Memory is bounded by one seal's entries: seals and entries are read as streams, side by side.
    An entry must also be dated within the clock tolerance of the sealing runs around it: after
    the cut of the latest run that did not reach its id (it was written later), and not after the
    cut of the run that sealed it. An entry inserted with a fresh id but an old date breaks there.
    """

    start: Checkpoint
    tolerance: timedelta
    seals: int = 0
    entries: int = 0
    through: Seal | None = None
    unsealed: int = 0
    oldest_unsealed: datetime | None = None
    found: Break | None = None
    passed_hashes: set[str] = field(default_factory=set)
    # Where the walk is: the last sound seal's hash and last entry id, and the cuts still ahead.
    previous: str = field(init=False)
    after: int = field(init=False)
    pending_cuts: deque[tuple[int, datetime]] = field(init=False)
    floor: datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.previous = self.start.previous_hash
        self.after = self.start.after_entry_id
        self.pending_cuts = deque(self.start.cuts)

    def run(self, seals: Iterable[Seal], entries: Iterable[Entry], watch: str = "") -> "Walk":
        """Walks until the first break; `watch` is a seal hash to note if the walk passes it."""
        stream = _Peekable(iter(entries))
        for seal in seals:
            self.found = self._check_seal(seal) or self._check_entries(seal, stream)
            if self.found:
                return self
            self.seals += 1
            self.previous, self.after, self.through = seal.hash, seal.last_entry_id, seal
            if watch and seal.hash == watch:
                self.passed_hashes.add(watch)
            if not self.pending_cuts or self.pending_cuts[-1][0] != seal.cut_entry_id:
                self.pending_cuts.append((seal.cut_entry_id, seal.cut_at))
        for entry in stream:  # not sealed yet: only their dates can be checked
            self.found = self._check_date(entry, sealed_by=None)
            if self.found:
                return self
            self.unsealed += 1
            self.oldest_unsealed = self.oldest_unsealed or entry.timestamp
        return self

    def _check_seal(self, seal: Seal) -> Break | None:
        if seal.after_entry_id != self.after:
            what = "is missing" if seal.after_entry_id > self.after else "was added"
            return Break(
                Kind.SEAL,
                self.after + 1,
                seal.cut_at,
                seal.pk,
                f"The seal of the entries after {self.after:,} {what}: seal {seal.pk:,} follows "
                f"entry {seal.after_entry_id:,}.",
            )
        if hash_of(seal, self.previous) != seal.hash or sealed_digests(seal) is None:
            return Break(
                Kind.SEAL,
                seal.after_entry_id + 1,
                seal.cut_at,
                seal.pk,
                f"Seal {seal.pk:,} (entries {seal.after_entry_id + 1:,} to {seal.last_entry_id:,}) "
                "was changed after it was made.",
            )
        return None

    def _check_entries(self, seal: Seal, stream: "_Peekable") -> Break | None:
        """The seal's entries as they are now against its digests, in id order: the first difference."""
        sealed = deque(sealed_digests(seal) or [])
        present: deque[Entry] = deque()
        while (upcoming := stream.peek()) is not None and upcoming.id <= seal.last_entry_id:
            present.append(next(stream))
        while sealed or present:
            if not present or (sealed and sealed[0][0] < present[0].id):
                entry_id, _ = sealed.popleft()
                return Break(
                    Kind.MISSING,
                    entry_id,
                    seal.cut_at,
                    seal.pk,
                    f"Entry {entry_id:,}, sealed in seal {seal.pk:,}, is missing: it was deleted.",
                )
            entry = present.popleft()
            if not sealed or entry.id < sealed[0][0]:
                return Break(
                    Kind.INSERTED,
                    entry.id,
                    entry.timestamp,
                    seal.pk,
                    f"Entry {entry.id:,} was inserted among entries seal {seal.pk:,} had already sealed.",
                )
            _, digest = sealed.popleft()
            if digest != entry.digest:
                return Break(
                    Kind.CHANGED,
                    entry.id,
                    entry.timestamp,
                    seal.pk,
                    f"Entry {entry.id:,} was changed after seal {seal.pk:,} sealed it.",
                )
            if found := self._check_date(entry, sealed_by=seal):
                return found
            self.entries += 1
        return None

    def _check_date(self, entry: Entry, *, sealed_by: Seal | None) -> Break | None:
        while self.pending_cuts and self.pending_cuts[0][0] < entry.id:
            self.floor = self.pending_cuts.popleft()[1]
        if self.floor is not None and entry.timestamp < self.floor - self.tolerance:
            written = f"written after {_utc(self.floor)}"
        elif sealed_by is not None and entry.timestamp > sealed_by.cut_at + self.tolerance:
            written = f"sealed at {_utc(sealed_by.cut_at)}"
        else:
            return None
        return Break(
            Kind.INSERTED,
            entry.id,
            entry.timestamp,
            sealed_by.pk if sealed_by else None,
            f"Entry {entry.id:,} is dated {_utc(entry.timestamp)} "
            f"but was {written}: it was inserted with a false date.",
        )


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class _Peekable(Iterator[Entry]):
    def __init__(self, items: Iterator[Entry]) -> None:
        self.items = items
        self.head: Entry | None = None

    def peek(self) -> Entry | None:
        if self.head is None:
            self.head = next(self.items, None)
        return self.head

    def __next__(self) -> Entry:
        head = self.peek()
        if head is None:
            raise StopIteration
        self.head = None
        return head
