"""The bulk load: a file of registrations (CSV or JSON lines) through the API's own checks.

Batch by batch, each in one transaction with the run's progress (`ImportRun.lines_done`), so a
load stopped at any moment resumes after the last committed batch and loads each row once.
Refusals go to a CSV file (line number, field, reason) that never holds a value from the row:
the checks' messages never repeat what they refuse.
"""

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from participants.crypto import blind_index
from participants.models import Participant
from portal.errors import PortalError

from . import services
from .models import ImportRun, IntakeEvent, Registration, SendingSystem
from .services import NewRegistration
from .validation import Invalid, registration_clean

BATCH_SIZE = 2000
REFUSAL_HEADER = ["line", "field", "reason"]


@dataclass(frozen=True)
class Row:
    line: int  # the file's line number, as an editor shows it
    data: dict[str, Any] | None  # None: the line is not a record at all
    problem: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def rows(path: Path) -> Iterator[Row]:
    """The file's records with their line numbers; blank lines of JSON lines are skipped."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        if is_csv(path):
            reader = csv.DictReader(file)
            for record in reader:
                if None in record:  # more cells than the header has columns
                    yield Row(reader.line_num, None, "The row has more cells than the header.")
                else:
                    yield Row(reader.line_num, {k: v for k, v in record.items() if v != ""})
            return
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except ValueError:
                yield Row(number, None, "The line is not JSON.")
                continue
            if isinstance(record, dict):
                yield Row(number, record)
            else:
                yield Row(number, None, "The line is not a JSON object.")


def count_rows(path: Path) -> int:
    return sum(1 for _ in rows(path))


@dataclass
class Batch:
    counts: dict[str, int]
    refusals: list[list[str]]


def _load_batch(system: SendingSystem, batch: list[Row]) -> Batch:
    """The batch's registrations: the new ones together, the rest one by one, in file order.

    New means that no seeker has the registration id or the SSN and no earlier row of the batch
    repeats either; anything else (an update, an SSN to hold, a repeat) takes the API's own path.
    """
    outcomes = IntakeEvent.Outcome
    result = Batch(counts=dict.fromkeys(("created", "updated", "held", "refused"), 0), refusals=[])

    def refuse(row: Row, code: str, reasons: list[list[str]]) -> None:
        result.counts["refused"] += 1
        result.refusals += [[str(row.line), field, reason] for field, reason in reasons]
        services.intake_event_record(
            system=system,
            kind="registration",
            outcome=outcomes.REFUSED,
            code=code,
            message=f"line {row.line}: " + ", ".join(sorted({f for f, _ in reasons})),
        )

    checked: list[tuple[Row, NewRegistration]] = []
    for row in batch:
        if row.data is None:
            refuse(row, "invalid", [["", row.problem]])
            continue
        try:
            checked.append((row, NewRegistration(*registration_clean(row.data))))
        except Invalid as exc:
            refuse(row, exc.code, [[f, m] for f, messages in exc.errors.items() for m in messages])
    new, others = _new_and_others([registration for _, registration in checked], system)
    try:
        with transaction.atomic():
            services.registrations_create_new(system=system, registrations=new)
        result.counts["created"] += len(new)
    except IntegrityError:  # registered meanwhile by someone else: all one by one, then
        others = [registration for _, registration in checked]
    lines = {id(registration): row for row, registration in checked}
    for registration in others:
        try:
            outcome = services.registration_receive(
                system=system,
                registration_id=registration.registration_id,
                fields=registration.fields,
                ssn=registration.ssn,
            ).outcome
        except PortalError as exc:
            refuse(lines[id(registration)], exc.code, [["", exc.message]])
        else:
            result.counts[outcome] += 1
    return result


def _new_and_others(
    registrations: list[NewRegistration], system: SendingSystem
) -> tuple[list[NewRegistration], list[NewRegistration]]:
    indexes = [blind_index(r.ssn) if r.ssn else None for r in registrations]
    known_ids = set(
        Registration.objects.filter(
            system=system, external_id__in=[r.registration_id for r in registrations]
        ).values_list("external_id", flat=True)
    )
    known_ssns = set(
        Participant.objects.filter(ssn_index__in=[i for i in indexes if i]).values_list(
            "ssn_index", flat=True
        )
    )
    new, others = [], []
    for registration, index in zip(registrations, indexes, strict=True):
        if registration.registration_id in known_ids or (index and index in known_ssns):
            others.append(registration)
        else:
            new.append(registration)
        known_ids.add(registration.registration_id)
        if index:
            known_ssns.add(index)
    return new, others


def _keep_refusals_up_to(path: Path, line: int) -> None:
    """A resumed load first drops the refusals of the batch that never committed."""
    kept: list[list[str]] = []
    if path.exists():
        with path.open(newline="") as file:
            kept = [r for r in csv.reader(file) if r and r[0].isdigit() and int(r[0]) <= line]
    with path.open("w", newline="") as file:
        csv.writer(file).writerows([REFUSAL_HEADER, *kept])


def import_seekers(
    *,
    system: SendingSystem,
    path: Path,
    refusals_path: Path,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] = lambda done: None,
) -> ImportRun:
    """Loads `path` for `system`, resuming a run of the same file; answers the run's totals."""
    run, _ = ImportRun.objects.get_or_create(
        system=system, file_sha256=file_sha256(path), defaults={"file_name": str(path)}
    )
    if run.finished_at is not None:
        return run
    _keep_refusals_up_to(refusals_path, _last_line_done(path, run.lines_done))
    batch: list[Row] = []
    done = run.lines_done
    progress(done)
    for index, row in enumerate(rows(path)):
        if index < run.lines_done:
            continue
        batch.append(row)
        if len(batch) == batch_size:
            done = _commit(run, system, batch, refusals_path)
            progress(done)
            batch = []
    if batch:
        done = _commit(run, system, batch, refusals_path)
        progress(done)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def _last_line_done(path: Path, records_done: int) -> int:
    """The file line of the last committed record (records and lines differ: headers, blanks)."""
    last = 0
    for index, row in enumerate(rows(path)):
        if index >= records_done:
            break
        last = row.line
    return last


def _commit(run: ImportRun, system: SendingSystem, batch: list[Row], refusals_path: Path) -> int:
    with transaction.atomic():
        result = _load_batch(system, batch)
        run.lines_done += len(batch)
        for name, n in result.counts.items():
            setattr(run, name, getattr(run, name) + n)
        run.save(update_fields=["lines_done", "created", "updated", "held", "refused"])
        # Written before the commit: if the commit fails, the next run drops these lines again.
        with refusals_path.open("a", newline="") as file:
            csv.writer(file).writerows(result.refusals)
    return run.lines_done
