import json
import sys

from django.core.management.base import BaseCommand, CommandError

from dataedits.precheck_case import CaseError, read_case
from dataedits.rules import decide
from dataedits.selectors import service_catalog


class Command(BaseCommand):
    help = (
        "Pre-checks one data-edit request: reads a JSON case on stdin, prints the decision as JSON "
        "(decision, every reason, deadline, periods of participation before and after, and whether the "
        "paperwork was checked)."
    )
    # call_command(..., stdin=stream) in tests and integrations; a shell pipes into sys.stdin.
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin
        try:
            data = json.loads(stream.read())
        except json.JSONDecodeError as exc:
            raise CommandError(f"The input is not JSON: {exc}.") from None
        try:
            filed_on, services, change, paperwork = read_case(data, service_catalog())
        except CaseError as exc:
            raise CommandError(str(exc)) from None
        decision = decide(services, change, filed_on=filed_on, paperwork=paperwork)
        # Says whether the justification and support were checked, or the dates alone.
        self.stdout.write(
            json.dumps(decision.as_json() | {"paperwork_checked": paperwork is not None}, indent=2)
        )
