"""The demo's reads of seekers' records, so that the auditor sees one seeker's whole history from
one filter (changes, reads and exports), and the browsing report has someone to show.

The seeker is the one of the demo's first data-edit ticket: enrolled, served, with case notes and
tickets. Made as the demo's staff would make them, through the same audited reads as the pages.
"""

from dataedits.models import DataEditTicket
from participants.models import Participant
from participants.services import participant_record_access
from portal.audit import audit_access

from .models import AuditEntry, Kind


def demo_seeker() -> Participant | None:
    ticket = DataEditTicket.objects.select_related("participant").order_by("pk").first()
    return ticket.participant if ticket else None


def seed_audit_demo(people) -> None:
    seeker = demo_seeker()
    if seeker is None or AuditEntry.objects.filter(kind=Kind.ACCESS, participant=seeker).exists():
        return
    partner, state = people["partner.casemanager"], people["esd.casemanager"]
    participant_record_access(actor=partner, participant=seeker)
    audit_access(seeker, actor=partner, reason="services and case notes opened")
    for ticket in DataEditTicket.objects.filter(participant=seeker).order_by("pk")[:2]:
        audit_access(ticket, actor=people["lwdb.reviewer"], reason="data-edit ticket opened")
    participant_record_access(actor=state, participant=seeker)
    # Browsing: a case manager of WorkSource Olympia opens seekers of other offices only.
    browser = people["partner2.casemanager"]
    elsewhere = (
        Participant.objects.visible_to(browser)
        .exclude(enrollments__office__in=browser.offices.all())
        .order_by("pk")[:5]
    )
    for other in elsewhere:
        participant_record_access(actor=browser, participant=other)
