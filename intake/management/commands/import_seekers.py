"""manage.py import_seekers FILE --system SLUG: the first import of a caseload, and catch-up."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.bulk import BATCH_SIZE, count_rows, import_seekers
from intake.models import SendingSystem


class Command(BaseCommand):
    help = (
        "Loads registrations from a CSV file (header: the API's field names) or JSON lines, "
        "through the intake API's checks, for a sending system. Run again after a stop: it "
        "resumes where it got to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--system", required=True, help="The sending system's slug.")
        parser.add_argument(
            "--refusals",
            type=Path,
            help="Where the refused rows are listed (default: FILE.refusals.csv).",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        system = SendingSystem.objects.filter(slug=options["system"]).first()
        if system is None:
            raise CommandError(
                f"No sending system {options['system']!r}: add it on the intake page."
            )
        refusals = options["refusals"] or path.with_name(path.name + ".refusals.csv")
        total = count_rows(path)
        run = import_seekers(
            system=system,
            path=path,
            refusals_path=refusals,
            batch_size=max(1, options["batch_size"]),
            progress=lambda done: self._bar(done, total),
        )
        sys.stderr.write("\n")
        self.stdout.write(
            f"{run.file_name}: {run.lines_done:,} of {total:,} records.\n"
            f"created {run.created:,}, updated {run.updated:,}, "
            f"held for review {run.held:,}, refused {run.refused:,}"
            + (f" (listed in {refusals})" if run.refused else "")
        )

    @staticmethod
    def _bar(done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * 40)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {share:4.0%} {done:,}/{total:,}")
        sys.stderr.flush()
