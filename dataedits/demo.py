"""Demo data of the data-edit app: services and case notes over several quarters for the demo
seekers, and data-edit tickets in every state of their workflow.

Bulk services are written in one go (demo history, not audited one by one); the ticket flows go
through the services, so that their steps are audited and notified as in real use. Idempotent:
nothing is added once the demo has services.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from access.models import Office
from participants.models import Participant

from .catalog import catalog_ensure
from .models import CaseNote, ChangeKind, DataEditTicket, Program, Service, ServiceType
from .rules import is_late_entry
from .services import (
    service_create,
    ticket_create,
    ticket_decide,
    ticket_local_review,
    ticket_submit,
    ticket_withdraw,
)

SEEKERS_WITH_HISTORY = 160
YES = {"justified": True, "documented": True, "aligned": True}
NOTES = [
    "Reviewed the seeker's resume and set goals for the job search.",
    "Discussed training options at the community college.",
    "Referred to the supportive services coordinator for transportation help.",
    "Followed up on the work experience placement; the employer is satisfied.",
    "Scheduled the next appointment; the seeker is applying for warehouse positions.",
]


def seed_dataedits_demo(people: dict, *, seed: int = 2026) -> None:
    catalog_ensure()
    if Service.objects.exists():
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    types = {t.code: t for t in ServiceType.objects.all()}
    case_managers = {}
    for username in (
        "partner.casemanager",
        "esd.casemanager",
        "partner2.casemanager",
        "esd.supervisor",
    ):
        for office in people[username].offices.all():
            case_managers.setdefault(office.pk, []).append(people[username])
    offices = {o.pk: o for o in Office.objects.all()}

    # The ticket flows' seekers are set aside first: their services are recorded by the flows.
    filer = people["partner.casemanager"]
    flow_seekers = list(
        Participant.objects.filter(
            opted_out=False, enrollments__office=filer.current_office
        ).order_by("-pk")[:6]
    )
    services, notes = [], []
    seekers = (
        Participant.objects.exclude(pk__in=[s.pk for s in flow_seekers])
        .order_by("pk")
        .prefetch_related("enrollments")[:SEEKERS_WITH_HISTORY]
    )
    for seeker in seekers:
        office_ids = [e.office_id for e in seeker.enrollments.all() if e.office_id in case_managers]
        if not office_ids:
            continue
        office_id = rng.choice(office_ids)
        staff = rng.choice(case_managers[office_id])
        program = rng.choice(
            [
                Program.ADULT,
                Program.ADULT,
                Program.DISLOCATED_WORKER,
                Program.YOUTH,
                Program.WAGNER_PEYSER,
            ]
        )
        # One to three episodes over the last two years: some leave determined exits behind.
        for _ in range(rng.choice([1, 1, 2, 3])):
            start = today - timedelta(days=rng.randint(40, 730))
            plan = [("initial_assessment", 0, 0), ("career_guidance", rng.randint(3, 20), 0)]
            if rng.random() < 0.5:
                plan.append(
                    ("occupational_skills_training", rng.randint(20, 40), rng.randint(30, 120))
                )
            if rng.random() < 0.3:
                plan.append(("supportive_service", rng.randint(5, 30), 0))
            if rng.random() < 0.3:
                plan.append(("follow_up", rng.randint(130, 200), 0))
            for code, offset, length in plan:
                begins = start + timedelta(days=offset)
                if begins > today - timedelta(days=1):
                    continue
                entered_on = min(begins + timedelta(days=rng.choice([0, 0, 1, 2, 5, 9, 15])), today)
                services.append(
                    Service(
                        participant=seeker,
                        service_type=types[code],
                        program=program,
                        start_date=begins,
                        end_date=min(begins + timedelta(days=length), today),
                        office=offices[office_id],
                        entered_by=staff,
                        entered_at=timezone.make_aware(
                            datetime.combine(entered_on, time(10, rng.randint(0, 59)))
                        ),
                        is_late=is_late_entry(service_date=begins, entered_on=entered_on),
                    )
                )
            contact = start + timedelta(days=rng.randint(0, 30))
            if contact < today:
                entered_on = min(contact + timedelta(days=rng.choice([0, 1, 3, 10])), today)
                notes.append(
                    CaseNote(
                        participant=seeker,
                        contact_date=contact,
                        text=rng.choice(NOTES),
                        office=offices[office_id],
                        author=staff,
                        entered_at=timezone.make_aware(datetime.combine(entered_on, time(14, 0))),
                        is_late=is_late_entry(service_date=contact, entered_on=entered_on),
                    )
                )
    Service.objects.bulk_create(services, batch_size=500)
    CaseNote.objects.bulk_create(notes, batch_size=500)
    if len(flow_seekers) == 6:
        _ticket_flows(people, flow_seekers, today=today, types=types)


def _ticket_flows(people: dict, seekers: list, *, today, types) -> None:
    """One ticket in each state a ticket is seen in, filed by the partner case manager in WorkSource
    Bremerton."""
    filer, reviewer, state = (
        people["partner.casemanager"],
        people["lwdb.reviewer"],
        people["state.dataedits"],
    )
    office = filer.current_office

    def history(seeker, *, program=Program.ADULT):
        """Two recent services recorded through the service (audited), and a case note."""
        first = service_create(
            actor=filer,
            participant=seeker,
            service_type=types["career_guidance"],
            program=program,
            start_date=today - timedelta(days=20),
            end_date=today - timedelta(days=20),
        )
        second = service_create(
            actor=filer,
            participant=seeker,
            service_type=types["workforce_preparation"],
            program=program,
            start_date=today - timedelta(days=6),
            end_date=today - timedelta(days=6),
        )
        note = CaseNote.objects.create(
            participant=seeker,
            contact_date=today - timedelta(days=6),
            office=office,
            author=filer,
            text="The workshop was cancelled; the seeker did not attend.",
        )
        return first, second, note

    def delete_ticket(seeker, service, note):
        draft = DataEditTicket(
            kind=ChangeKind.DELETE_SERVICE,
            service=service,
            what_is_wrong=f"{service.service_type} on {service.start_date:%m/%d/%Y} is recorded but did not happen.",
            what_is_right="No such service on that date.",
            justification="The workshop was cancelled; see the case note of the same day.",
        )
        return ticket_create(actor=filer, participant=seeker, ticket=draft, supporting_notes=[note])

    _, wrong, note = history(seekers[0])
    delete_ticket(seekers[0], wrong, note)  # a draft

    _, wrong, note = history(seekers[1])
    ticket_submit(
        actor=filer, ticket=delete_ticket(seekers[1], wrong, note)
    )  # awaiting the local board

    # Submitted, then withdrawn by the filer before the local board acted on it.
    ticket_withdraw(
        actor=filer,
        ticket=ticket_submit(actor=filer, ticket=delete_ticket(seekers[1], wrong, note)),
    )

    for seeker, program in ((seekers[2], Program.ADULT), (seekers[3], Program.WAGNER_PEYSER)):
        _, wrong, note = history(seeker, program=program)
        ticket = ticket_submit(actor=filer, ticket=delete_ticket(seeker, wrong, note))
        ticket_local_review(actor=reviewer, ticket=ticket, approve=True, **YES)  # in a state queue

    _, wrong, note = history(seekers[4])
    ticket = ticket_submit(actor=filer, ticket=delete_ticket(seekers[4], wrong, note))
    ticket_local_review(actor=reviewer, ticket=ticket, approve=True, **YES)
    ticket_decide(actor=state, ticket=ticket, approve=True)  # approved: the service is gone

    # About a seeker who opted out: the partner board may not see it; the state's local reviewer does it.
    esd = people["esd.casemanager"]
    opted_out = (
        Participant.objects.filter(opted_out=True, enrollments__office=esd.current_office)
        .order_by("pk")
        .first()
    )
    if opted_out is not None:
        start = today - timedelta(days=8)
        wrong = service_create(
            actor=esd,
            participant=opted_out,
            service_type=types["workforce_preparation"],
            program=Program.ADULT,
            start_date=start,
            end_date=start,
        )
        note = CaseNote.objects.create(
            participant=opted_out,
            contact_date=start,
            office=esd.current_office,
            author=esd,
            text="The seeker was not at the workshop; it was recorded by mistake.",
        )
        draft = DataEditTicket(
            kind=ChangeKind.DELETE_SERVICE,
            service=wrong,
            what_is_wrong=f"{wrong} is recorded but did not happen.",
            what_is_right="No such service.",
            justification="The seeker did not attend; see the case note of that day.",
        )
        drafted = ticket_create(
            actor=esd, participant=opted_out, ticket=draft, supporting_notes=[note]
        )
        ticket_submit(actor=esd, ticket=drafted, confirmed_reasons=drafted.precheck["reasons"])

    # Denied: a service from more than a year ago, long past its quarter's deadline.
    old = Service.objects.create(
        participant=seekers[5],
        service_type=types["career_guidance"],
        program=Program.ADULT,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=400),
        office=office,
        entered_by=filer,
        entered_at=timezone.now() - timedelta(days=399),
    )
    note = CaseNote.objects.create(
        participant=seekers[5],
        contact_date=old.start_date,
        office=office,
        author=filer,
        text="Career guidance appointment; the seeker did not come.",
    )
    late = delete_ticket(seekers[5], old, note)
    # The filer was shown the pre-check's reasons to deny it, and submits it all the same.
    ticket = ticket_submit(actor=filer, ticket=late, confirmed_reasons=late.precheck["reasons"])
    ticket_local_review(
        actor=reviewer,
        ticket=ticket,
        approve=False,
        justified=True,
        documented=True,
        aligned=False,
        reasons=[str(r) for r in ticket.precheck.get("reasons", [])] or ["not_policy_compliant"],
        note="Past the deadline for this quarter.",
    )
