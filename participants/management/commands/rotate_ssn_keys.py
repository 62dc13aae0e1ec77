"""Re-encrypts seekers' SSNs still under an older key of SSN_KEYS with the current (first) key.

How an operator rotates the SSN encryption key:

1. Make a new 32-byte key, e.g.
   `python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`.
2. Put it FIRST in SSN_KEYS with a new id and keep the old key after it
   (`SSN_KEYS="k2:<new>,k1:<old>"`); deploy to every web and worker process. New writes now use
   k2 and rows under k1 still decrypt.
3. Run `manage.py rotate_ssn_keys` once every process has the new ring. It commits batch by
   batch, so an interrupted run is simply started again: rows already under k2 are skipped.
   Run it again until it reports 0 re-encrypted (a process still on the old ring could have
   written behind it).
4. Remove the old key from SSN_KEYS and deploy.

SSN_BLIND_INDEX_KEY stays as it is: only `ssn_ciphertext` is rewritten, `ssn_index` is not touched,
so SSN searches keep working throughout. No SSN is printed or logged, only counts and key ids.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from participants.crypto import SSNDecryptionError, keyring
from participants.models import Participant

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Re-encrypts every seeker's SSN that is not under the current (first) key of SSN_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows read, locked and re-encrypted per transaction (default 1000).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring = keyring()
        rotated = already_current = 0
        last_pk = 0
        while True:
            # Walk the table in primary-key order, one transaction per batch, so that a failed or
            # interrupted run keeps what it committed and a re-run resumes where work is left.
            # FOR UPDATE (waiting, not skip_locked) makes a row being edited wait for that edit's
            # commit and re-reads it, so a concurrent SSN change is never overwritten with the
            # old value, and no row is silently passed over.
            with transaction.atomic():
                batch = list(
                    Participant.objects.select_for_update()
                    .filter(pk__gt=last_pk, ssn_ciphertext__isnull=False)
                    .order_by("pk")
                    .only("pk", "ssn_ciphertext")[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                stale = []
                for participant in batch:
                    try:
                        if ring.key_id_of(participant.ssn_ciphertext) == ring.current_id:
                            already_current += 1
                            continue
                        # The clear SSN is never bound to a name: it cannot show up in a traceback.
                        blob = participant.ssn_ciphertext
                        participant.ssn_ciphertext = ring.encrypt(ring.decrypt(blob))
                    except SSNDecryptionError as exc:
                        # Raising rolls this batch back; earlier batches stay committed.
                        logger.error(
                            "SSN key rotation stopped at seeker %s: %s (%d re-encrypted before it)",
                            participant.pk,
                            exc,
                            rotated,
                        )
                        raise CommandError(
                            f"Seeker {participant.pk}: {exc} Nothing of this batch was written; "
                            f"{rotated} SSN(s) were re-encrypted before it."
                        ) from exc
                    stale.append(participant)
                # bulk_update on purpose: one UPDATE per batch instead of a save() per row, and no
                # auditlog entry per row. The trail would hold nothing useful anyway (the SSN columns
                # are excluded from it and the SSN itself does not change); the run is recorded by
                # the single summary line logged below. `updated_at` is left alone for the same
                # reason: the seeker's record did not change.
                Participant.objects.bulk_update(stale, ["ssn_ciphertext"])
                rotated += len(stale)
        logger.info(
            "SSN key rotation to key %s: %d re-encrypted, %d already current",
            ring.current_id,
            rotated,
            already_current,
        )
        self.stdout.write(
            f"Re-encrypted {rotated} SSN(s) with key {ring.current_id!r}; "
            f"{already_current} were already under it."
        )
