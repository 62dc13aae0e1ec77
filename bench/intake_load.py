"""The bulk load's speed: `python bench/intake_load.py [--rows N]`.

Writes N registrations to a CSV file (one in a hundred an SSN already registered, so held; one in
a hundred refused), loads them with `manage.py import_seekers` into a database of its own
(DATABASE_URL, default portal_intake_bench, emptied of seekers first) and prints the rate and
what it makes of a million registrations, against the target of 15 minutes.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/portal_intake_bench")

from bench.setup import django_on_bench_database  # noqa: E402

django_on_bench_database()

from django.core.management import call_command  # noqa: E402

TARGET_ROWS, TARGET_MINUTES = 1_000_000, 15
HEADER = ["registration_id", "first_name", "last_name", "date_of_birth", "ssn", "city", "state"]


def fresh_system():
    """An empty caseload, an administrator and the sending system the load is for."""
    from auditlog.context import disable_auditlog

    from access.models import Organization, Staff
    from access.roles import Role
    from intake import models as intake
    from intake.services import sending_system_create
    from participants.models import Enrollment, Participant

    call_command("migrate", verbosity=0)
    with disable_auditlog():
        for model in (
            intake.IdempotentCall,
            intake.IntakeEvent,
            intake.ImportRun,
            intake.HeldRegistration,
            intake.Registration,
            intake.ServiceCredential,
        ):
            model.objects.all().delete()
        Enrollment.objects.all().delete()
        Participant.objects.filter(opt_out_changes__isnull=True).delete()
        state, _ = Organization.objects.get_or_create(
            name="Employment Security Department", defaults={"is_state_agency": True}
        )
        admin, _ = Staff.objects.get_or_create(
            username="bench.misadmin", defaults={"organization": state, "role": Role.MIS_ADMIN}
        )
        system = intake.SendingSystem.objects.filter(slug="bench-job-match").first()
    return system or sending_system_create(actor=admin, name="Bench Job Match")


def write_file(path: Path, rows: int) -> None:
    with path.open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        for n in range(rows):
            ssn = f"{900 + n // 100_000 % 100:03d}-{n // 10_000 % 10 + 10:02d}-{n % 10_000:04d}"
            if n % 100 == 50 and n:  # the SSN of the row before: held for review
                ssn = f"{900 + (n - 1) // 100_000 % 100:03d}-{(n - 1) // 10_000 % 10 + 10:02d}-{(n - 1) % 10_000:04d}"
            first = "" if n % 100 == 99 else "Ana"  # no first name: refused
            out.writerow([f"B-{n}", first, f"Loaded{n}", "1988-04-12", ssn, "Olympia", "WA"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows
    system = fresh_system()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "registrations.csv"
        write_file(path, rows)
        started = time.perf_counter()
        call_command("import_seekers", str(path), system=system.slug)
        seconds = time.perf_counter() - started
    rate = rows / seconds
    projected = TARGET_ROWS / rate / 60
    verdict = "met" if projected <= TARGET_MINUTES else "missed"
    print(f"bulk load: {rows:,} registrations in {seconds:,.1f} s, {rate:,.0f} a second")
    print(
        f"a million at this rate: {projected:,.1f} minutes "
        f"(target {TARGET_MINUTES} minutes on {os.cpu_count()} cores: {verdict})"
    )


if __name__ == "__main__":
    main()
