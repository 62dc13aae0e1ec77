"""The bulk load: the report of a mixed file, refusals without SSNs, a stopped load resumed."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from intake import services
from intake.models import HeldRegistration, ImportRun, Registration
from participants.models import Participant

pytestmark = pytest.mark.django_db

HEADER = ["registration_id", "first_name", "last_name", "date_of_birth", "ssn", "city"]


def ssn(n: int) -> str:
    return f"9{n:02d}-21-{4000 + n}"


def good(n: int) -> list[str]:
    return [f"JM-{n}", "Ana", f"Loaded{n}", "1990-05-17", ssn(n), "Tacoma"]


def run(path: Path, system) -> str:
    out = StringIO()
    call_command(
        "import_seekers", str(path), system=system.slug, batch_size=3, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def refusals(path: Path) -> list[list[str]]:
    with path.with_name(path.name + ".refusals.csv").open() as file:
        return list(csv.reader(file))


def test_good_duplicate_and_bad_rows_give_the_right_report(world, system, tmp_path):
    path = tmp_path / "seekers.csv"
    taken = world.seekers["own"].ssn
    lines = [
        HEADER,
        good(1),
        good(2),
        ["JM-3", "Bea", "Held", "1980-01-01", taken, ""],  # another seeker's SSN: held
        good(1)[:5] + ["Spokane"],  # JM-1 again: updated
        ["JM-5", "", "Nofirst", "1980-01-01", "", ""],  # refused: no first name
        ["JM-6", "Cy", "Badssn", "1980-13-01", "123-45-678", ""],  # refused: date and SSN
    ]
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(lines)
    report = run(path, system)
    assert "created 2, updated 1, held for review 1, refused 2" in report
    assert Participant.objects.get(registrations__external_id="JM-1").city == "Spokane"
    assert HeldRegistration.objects.get().external_id == "JM-3"
    listed = refusals(path)
    assert listed[0] == ["line", "field", "reason"]
    assert {(line, field) for line, field, _ in listed[1:]} == {
        ("6", "first_name"),
        ("7", "date_of_birth"),
        ("7", "ssn"),
    }
    text = path.with_name(path.name + ".refusals.csv").read_text()
    assert "123-45-678" not in text and "12345678" not in text


def test_json_lines_with_a_broken_line(world, system, tmp_path):
    path = tmp_path / "seekers.jsonl"
    records = [dict(zip(HEADER, good(n), strict=True)) for n in (1, 2)]
    path.write_text(json.dumps(records[0]) + "\n{not json\n\n" + json.dumps(records[1]) + "\n")
    assert "created 2, updated 0, held for review 0, refused 1" in run(path, system)
    assert refusals(path)[1][:2] == ["2", ""]


def test_a_load_stopped_half_way_and_run_again_loads_each_row_once(
    world, system, tmp_path, monkeypatch
):
    path = tmp_path / "seekers.csv"
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(
            [HEADER] + [good(n) for n in range(1, 11)] + [["JM-x", "", "", "", "", ""]]
        )
    real = services.registrations_create_new
    batches = {"n": 0}

    def dies_in_the_third_batch(**kwargs):
        batches["n"] += 1
        if batches["n"] == 3:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine going down
        return real(**kwargs)

    monkeypatch.setattr(services, "registrations_create_new", dies_in_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        run(path, system)
    progress = ImportRun.objects.get()
    assert (progress.lines_done, progress.created, progress.finished_at) == (6, 6, None)
    assert Registration.objects.count() == 6  # the stopped batch (rows 7-9) rolled back whole
    monkeypatch.setattr(services, "registrations_create_new", real)
    report = run(path, system)
    assert "created 10, updated 0, held for review 0, refused 1" in report
    assert Registration.objects.count() == 10
    assert sorted(Registration.objects.values_list("external_id", flat=True)) == sorted(
        f"JM-{n}" for n in range(1, 11)
    )
    assert len(refusals(path)) == 1 + 2  # the header, JM-x's first and last name
    # The same file once more: finished already, nothing loaded twice.
    assert "created 10" in run(path, system)
    assert Registration.objects.count() == 10


def test_new_seekers_loaded_together_are_audited_like_one_by_one(world, system, tmp_path):
    path = tmp_path / "seekers.csv"
    with path.open("w", newline="") as file:
        csv.writer(file).writerows([HEADER, good(1), good(2)])
    run(path, system)
    seeker = Participant.objects.get(registrations__external_id="JM-1")
    entry = AuditEntry.objects.get_for_object(seeker).get()
    assert entry.actor == system.service_account
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.additional_data == {
        "reason": "registrations from Job Match (bulk load)",
        "ssn_changed": True,
    }
    assert entry.changes["last_name"] == [None, "Loaded1"]
    assert "ssn_index" not in entry.changes and "ssn_ciphertext" not in entry.changes
    assert ssn(1).replace("-", "") not in json.dumps(entry.changes)
    link = Registration.objects.get(external_id="JM-1")
    assert AuditEntry.objects.get_for_object(link).get().actor == system.service_account


def test_a_file_without_its_header_repeats_no_ssn_in_its_refusals(world, system, tmp_path):
    """The first row of data taken as the header names an SSN as a column: it is never echoed."""
    path = tmp_path / "seekers.csv"
    path.write_text("JM-1,Rosa,Reyes,917-43-8265\nJM-2,Ann,Lee,917-43-8266\n")
    run(path, system)
    text = path.with_name(path.name + ".refusals.csv").read_text()
    assert "917-43-8265" not in text and "Reyes" not in text
    assert "not part of the request" in text
    assert not Participant.objects.filter(last_name="Lee").exists()
    logged = " ".join(e.message for e in system.events.all())
    assert "917-43-8265" not in logged and "Reyes" not in logged


def test_the_idempotency_fingerprint_is_keyed():
    """A plain hash of a body that holds an SSN could be reversed by trying every SSN."""
    import hashlib

    body = {"registration_id": "R-1", "ssn": "917-43-8265"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    assert services.request_hash(body) != hashlib.sha256(canonical.encode()).hexdigest()
    assert services.request_hash(body) == services.request_hash(dict(reversed(body.items())))
