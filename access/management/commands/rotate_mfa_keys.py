"""Re-seals authenticator secrets still under an older key of MFA_KEYS with the current (first) key.

Rotating the key works as for SSNs (participants' rotate_ssn_keys): put a new key first in
MFA_KEYS with a new id, keep the old one after it, deploy everywhere, run this command until it
reports 0 re-sealed, then remove the old key. Batches commit one by one, so an interrupted run is
simply started again. No secret is printed or logged, only counts and key ids.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from access import mfa
from access.models import AuthenticatorApp
from portal.crypto import DecryptionError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Re-seals every authenticator secret that is not under the current (first) key of MFA_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Devices re-sealed per transaction."
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        current = mfa.keyring().current_id
        resealed = last_pk = 0
        while True:
            # Locked while re-sealed, so a sign-in saving the same device at the same time waits.
            with transaction.atomic():
                batch = list(
                    AuthenticatorApp.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                stale = []
                for app in batch:
                    try:
                        if mfa.secret_key_id(app.key) != current:
                            app.set_secret(app.bin_key)
                            stale.append(app)
                    except DecryptionError as exc:
                        raise CommandError(
                            f"Authenticator app {app.pk}: {exc} Nothing of this batch was written."
                        ) from exc
                # One UPDATE per batch and no audit entry: the secret itself does not change.
                AuthenticatorApp.objects.bulk_update(stale, ["key"])
                resealed += len(stale)
        logger.info("MFA key rotation to key %s: %d re-sealed", current, resealed)
        self.stdout.write(f"Re-sealed {resealed} authenticator secret(s) with key {current!r}.")
