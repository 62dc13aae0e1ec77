from django.core.management.base import BaseCommand

from access.demo import DEMO_AUTHENTICATOR_KEY
from demo.seed import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Prints the demo's sign-in names and password."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, (_first, _last, org, role, restricted, offices) in PEOPLE.items():
            note = ", restricted" if restricted else ""
            self.stdout.write(f"  {username:<22} {role.label}{note}, {org}, {offices[0]}")
        self.stdout.write(
            "Sign-in then asks for an authenticator code: `make demo-code` prints it,\n"
            f"or add the demo key {DEMO_AUTHENTICATOR_KEY} to any authenticator app.\n"
        )
