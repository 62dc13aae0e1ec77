from celery import shared_task

from . import emails
from .services import chain_verify, trail_seal


@shared_task(acks_late=True, reject_on_worker_lost=True)
def seal_audit_trail() -> int:
    """Every minute: seals the entries written since the last seal; the number of seals made.

    Safe to run twice at once or to be cut off: runs take turns on the chain's lock, and a run
    cut off seals nothing (its transaction rolls back) for the next one to seal.
    """
    return len(trail_seal())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_audit_chain(from_start: bool = False) -> str:
    """Daily: seals what is due, verifies the chain and emails the administrators the last seal or the break."""
    trail_seal()
    verification, _ = chain_verify(
        from_start=from_start, reason="daily verification of the audit trail's seal chain"
    )
    emails.chain_report(verification)
    return verification.outcome
