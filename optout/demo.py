"""Demo opt-in requests, so that a new user sees the whole chain: two waiting (one overdue), two decided.

Made through the services, as the demo's partner case manager and ESD WIOA supervisor would.
"""

from datetime import timedelta

from django.utils import timezone

from participants.models import Participant
from participants.services import enrollment_create

from .models import OptInRequest
from .services import opt_in_request_decide, opt_in_request_file, opt_out_lookup
from .states import Action

REASONS = [
    "Wants help from the WIOA youth program at our office.",
    "Starting WIOA adult training with us and wants her records shared.",
    "Asked for dislocated worker services with our case managers.",
    "Wants to enroll in our apprenticeship readiness class.",
]


def seed_optout_demo(people) -> None:
    if OptInRequest.objects.exists():
        return
    partner, supervisor = people["partner.casemanager"], people["esd.supervisor"]
    today = timezone.localdate()
    seekers = list(Participant.objects.filter(opted_out=True).order_by("pk")[:4])
    # (days since filing, decision): waiting, waiting and overdue, opted in, remained opted out.
    plans = [(3, None), (35, None), (6, Action.OPT_IN), (9, Action.REMAIN_OPTED_OUT)]
    for seeker, (days_ago, decision), reason in zip(seekers, plans, REASONS, strict=False):
        lookup = opt_out_lookup(actor=partner, ssn=seeker.ssn)
        request = opt_in_request_file(
            actor=partner,
            lookup=lookup,
            client_name=f"{seeker.first_name} {seeker.last_name}",
            client_phone=seeker.phone or "(360) 555-0100",
            client_reason=reason,
        )
        filed_at = timezone.now() - timedelta(days=days_ago)
        OptInRequest.objects.filter(pk=request.pk).update(filed_at=filed_at)
        request.refresh_from_db()
        if decision is None:
            continue
        if decision == Action.OPT_IN:
            enrollment_create(actor=supervisor, participants=[seeker])  # Add Seeker to Office first
        opt_in_request_decide(
            actor=supervisor,
            opt_in_request=request,
            decision=decision,
            client_contacted_on=today - timedelta(days=1),
            note="Called the client; they confirmed their choice.",
            esd_staff_offered=decision == Action.REMAIN_OPTED_OUT,
        )
