import time

from django.core.management.base import BaseCommand

from access.demo import DEMO_AUTHENTICATOR_KEY
from access.mfa import code_at, secret_from_base32


class Command(BaseCommand):
    help = "Prints the authenticator code of the demo logins (their published demo key), for trying the demo."

    def handle(self, *args, **options):
        self.stdout.write(
            f"Authenticator code for the demo logins: {code_at(secret_from_base32(DEMO_AUTHENTICATOR_KEY), time.time())}"
        )
        self.stdout.write(
            f"(or add the demo key {DEMO_AUTHENTICATOR_KEY} to any authenticator app)"
        )
