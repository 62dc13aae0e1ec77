from celery import shared_task

from .services import access_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_access() -> dict:
    """Every 5 minutes: ends access that has ended (one audit event per person) and warns of contract expiry.

    Safe to run twice or to be cut off: each person is one transaction, and done work is not redone.
    """
    return access_sweep()
