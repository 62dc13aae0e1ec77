"""The daily email of the seal chain to the MIS security and data sharing administrators.

It carries the day's last seal (a value they keep outside the portal: anyone holding it can
check that the trail still leads to it) or the break, and the seal the previous verification
reached as the chain reads it now, to hold against the value kept from that email. No seeker,
no SSN: ids, times and hashes only.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from access.services.common import administrator_emails
from notifications.services import email_queue

from .chain import seal_value
from .models import ChainVerification, Seal


def chain_report(verification: ChainVerification) -> None:
    """Queues the report of `verification` to every administrator (sent once it commits)."""
    earlier = (
        ChainVerification.objects.filter(pk__lt=verification.pk)
        .exclude(through_seal_id=None)
        .first()
    )
    seal = Seal.objects.filter(pk=verification.through_seal_id).first()
    earlier_seal = earlier and Seal.objects.filter(pk=earlier.through_seal_id).first()
    context = {
        "verification": verification,
        "seal": seal,
        "value": seal and seal_value(seal.hash),
        "earlier": earlier,
        "earlier_value": earlier_seal and seal_value(earlier_seal.hash),
    }
    if verification.outcome == ChainVerification.Outcome.INTACT:
        subject = f"Audit trail verified intact: the seal of {timezone.localdate(verification.finished_at):%m/%d/%Y}"
    else:
        subject = (
            f"Audit trail tampered with: the chain breaks at entry {verification.break_entry_id:,}"
        )
    email_queue(
        to=sorted(administrator_emails()),
        subject=subject,
        body=render_to_string("audit/email/chain_report.txt", context),
    )
