"""manage.py audit_verify [--from-start] [--expect SEAL]: walks the audit trail's seal chain.

Resumes from the last verification's checkpoint unless told to start from the first seal;
reports the first break (what kind, which entry, when) and exits 1 on one. Each run is recorded
and audited.
"""

import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit.chain import seal_value
from audit.models import ChainVerification
from audit.services import chain_verify

SEAL_VALUE = re.compile(r"[0-9a-f]{64}")


class Command(BaseCommand):
    help = (
        "Verifies the audit trail's seal chain, from the last verification's checkpoint (or "
        "from the start), and reports the first change, deletion or insertion found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Walk the whole chain, not only what was sealed since the last verification.",
        )
        parser.add_argument(
            "--expect",
            default="",
            metavar="SEAL",
            help="A seal's value kept outside the portal (the daily email's): the chain must "
            "pass through it. Implies --from-start.",
        )

    def handle(self, *args: Any, from_start: bool, expect: str, **options: Any) -> None:
        expect = "".join(expect.split()).lower()  # as the email groups it, or in one piece
        if expect and not SEAL_VALUE.fullmatch(expect):
            raise CommandError(
                "A seal's value is 64 hexadecimal digits, as the daily email gives it."
            )
        verification, walk = chain_verify(
            from_start=from_start, expect=expect, reason="audit_verify run from the command line"
        )
        where = "from the start" if verification.from_start else "from the last checkpoint"
        self.stdout.write(f"Checked {walk.seals:,} seals and {walk.entries:,} entries {where}.")
        if verification.outcome == ChainVerification.Outcome.BROKEN:
            when = (
                f" ({timezone.localtime(verification.break_at):%Y-%m-%d %H:%M:%S %Z})"
                if verification.break_at
                else ""
            )
            self.stderr.write(
                f"The chain is BROKEN at entry {verification.break_entry_id:,}{when}: "
                f"{verification.get_break_kind_display().lower()}.\n{verification.break_detail}"
            )
            sys.exit(1)
        if verification.through_seal_id:
            self.stdout.write(
                f"The chain is intact. Last seal: {verification.through_seal_id:,}, entries up to "
                f"{verification.through_entry_id:,}: {seal_value(verification.through_hash)}"
            )
        else:
            self.stdout.write("The chain is intact: nothing is sealed yet.")
        if walk.unsealed:
            self.stdout.write(
                f"Not sealed yet: the {walk.unsealed:,} newest entries, from "
                f"{timezone.localtime(walk.oldest_unsealed):%Y-%m-%d %H:%M:%S %Z} (sealing runs "
                "every minute)."
            )
