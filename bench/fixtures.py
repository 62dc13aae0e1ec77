"""What the HTTP measurement needs on top of the population, made where it is missing.

    python bench/fixtures.py        (bench/http_load.py calls `ensure()` on every run)

- The people the load generator signs in as, four of each so that four concurrent users are
  four people: partner and ESD case managers in the first office (bench.partner, bench.esd and
  their colleagues), ESD WIOA supervisors of that office's area (bench.supervisor...) and state
  data-edit staff (bench.status...). Each has a confirmed authenticator app whose secret is
  `TOTP_SECRET`, so the generator passes the real second step of sign-in by computing the code.
- About 2,000 open opt-in requests in the supervisors' area queue, filed by the area's partner
  case managers about opted-out seekers.
- About 2,000 data-edit tickets waiting in the state Title I queue, about seekers of every office.
- One seeker with 200 services over five program years, enrolled in the first office: the
  data-edit pre-check's worst case.

Safe to run again: each part tops up to its size and leaves what is there. Rows go in with
bulk_create, bypassing the services and the audit trail: this is a measuring instrument.
"""

import base64
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import django_on_bench_database  # noqa: E402

django_on_bench_database()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from access import mfa  # noqa: E402
from access.models import AuthenticatorApp, Office, Organization, Staff  # noqa: E402
from access.roles import Role  # noqa: E402
from dataedits.models import (  # noqa: E402
    PROGRAM_TITLE,
    ChangeKind,
    DataEditTicket,
    Program,
    SeekerField,
    Service,
    ServiceType,
    TicketState,
    Title,
)
from dataedits.rules import counted_received_at  # noqa: E402
from optout.models import OptInRequest, OptOutLookup, Status  # noqa: E402
from participants.models import Enrollment, Participant  # noqa: E402

# The authenticator apps' shared secret (base32): known here so the generator computes the codes.
TOTP_SECRET = base64.b32encode(b"worksource-bench-mfa").decode("ascii")

PARTNERS = ("bench.partner", "bench.partner2", "bench.partner3", "bench.partner4")
ESD_CASE_MANAGERS = ("bench.esd", "bench.esd2", "bench.esd3", "bench.esd4")
SUPERVISORS = ("bench.supervisor", "bench.supervisor2", "bench.supervisor3", "bench.supervisor4")
STATE_STAFF = ("bench.status", "bench.state2", "bench.state3", "bench.state4")
BENCH_USERS = PARTNERS + ESD_CASE_MANAGERS + SUPERVISORS + STATE_STAFF

OPT_IN_REQUESTS = 2_000
STATE_QUEUE_TICKETS = 2_000
STATE_QUEUE = Title.TITLE_I
PRECHECK_SERVICES = 200
# Eight digits, like every customer ID, above the generated ones (10,000,000 + n).
PRECHECK_CUSTOMER_ID = "99000200"

CLIENT_REASONS = (
    "The client now wants their WIOA training provider to see their record.",
    "The client opted out by mistake when registering online.",
    "The client is enrolling in a partner's youth program and agreed to share data.",
    "The client's new case manager at the partner needs the service history.",
    "The client asked for help with a training voucher and agrees to share data.",
    "The client moved and now works with a community college partner.",
    "The client wants supportive services that the partner provides.",
    "The client no longer has the concern that led them to opt out.",
)
PHONE_AREAS = ("206", "253", "360", "425", "509")
TICKET_TEXTS = {
    ChangeKind.ADD_SERVICE: (
        "The service was delivered but never entered.",
        "The service, with its dates, as delivered.",
        "The case manager left before entering the workshop attendance.",
    ),
    ChangeKind.MODIFY_SERVICE: (
        "The end date is wrong.",
        "The service ended later, as the case notes show.",
        "The end date was typed from the wrong calendar week.",
    ),
    ChangeKind.DELETE_SERVICE: (
        "The service was entered twice.",
        "One entry of the service.",
        "A duplicate entry made when the office's system was slow.",
    ),
    ChangeKind.CORRECT_SEEKER_DATA: (
        "The name is misspelled.",
        "The name as on the client's ID.",
        "The client brought their ID; the registration had a typo.",
    ),
}


@dataclass
class Place:
    """Where the bench users work: the first office, its area and the two organizations."""

    office: Office
    state_agency: Organization
    partner: Organization
    template: Staff  # bench.partner: the generated password and dates every bench user takes


def place() -> Place:
    partner = Staff.objects.select_related("organization", "current_office").get(
        username="bench.partner"
    )
    return Place(
        office=partner.current_office,
        state_agency=Organization.objects.get(is_state_agency=True),
        partner=partner.organization,
        template=partner,
    )


# --- the people --------------------------------------------------------------------------------


def ensure_people(where: Place) -> dict[str, int]:
    """The bench users, with their offices, a signed agreement and a confirmed authenticator app."""
    now = timezone.now()
    roles = {name: (where.partner, Role.CASE_MANAGER) for name in PARTNERS}
    roles |= {name: (where.state_agency, Role.CASE_MANAGER) for name in ESD_CASE_MANAGERS}
    roles |= {name: (where.state_agency, Role.SUPERVISOR) for name in SUPERVISORS}
    roles |= {name: (where.state_agency, Role.STATE_DATAEDITS) for name in STATE_STAFF}
    existing = set(
        Staff.objects.filter(username__in=BENCH_USERS).values_list("username", flat=True)
    )
    Staff.objects.bulk_create(
        [
            Staff(
                username=name,
                password=where.template.password,
                first_name="Bench",
                last_name=name.removeprefix("bench.").capitalize(),
                organization=organization,
                role=role,
                current_office=where.office,
                date_joined=now,
                last_login=now,
                nda_signed_at=now,
                is_active=True,
            )
            for name, (organization, role) in roles.items()
            if name not in existing
        ]
    )
    people = dict(Staff.objects.filter(username__in=BENCH_USERS).values_list("username", "pk"))
    # Sign-in refuses accounts unused for 90 days: a database kept for months still signs in.
    Staff.objects.filter(pk__in=people.values(), last_login__lt=now - timedelta(days=30)).update(
        last_login=now
    )
    # A sweep run while their organization's contracts were not in effect may have deactivated them.
    Staff.objects.filter(pk__in=people.values(), is_active=False).update(is_active=True)
    # The supervisors serve the whole area of the first office; everyone else works in that office.
    area_offices = list(
        Office.objects.filter(area=where.office.area_id).values_list("pk", flat=True)
    )
    Staff.offices.through.objects.bulk_create(
        [
            Staff.offices.through(staff_id=people[name], office_id=office)
            for name in SUPERVISORS
            for office in area_offices
        ]
        + [
            Staff.offices.through(staff_id=people[name], office_id=where.office.pk)
            for name in BENCH_USERS
            if name not in SUPERVISORS
        ],
        ignore_conflicts=True,
    )
    ensure_authenticator_apps(list(people.values()))
    return people


def ensure_authenticator_apps(staff_ids: list[int]) -> None:
    """Each bench user's authenticator app holds the known secret; its used steps start over."""
    secret = mfa.secret_from_base32(TOTP_SECRET)
    AuthenticatorApp.objects.filter(user_id__in=staff_ids).delete()
    apps = [
        AuthenticatorApp(user_id=pk, name="Authenticator app", confirmed=True) for pk in staff_ids
    ]
    for app in apps:
        app.set_secret(secret)
    AuthenticatorApp.objects.bulk_create(apps)


# --- the supervisors' opt-in request queue ----------------------------------------------------


def ensure_opt_in_requests(where: Place, rng: random.Random) -> int:
    """Tops the area's open opt-in requests up to OPT_IN_REQUESTS; returns how many were added."""
    area = where.office.area_id
    missing = OPT_IN_REQUESTS - OptInRequest.objects.filter(area=area, status=Status.FILED).count()
    if missing <= 0:
        return 0
    filers = list(
        Staff.objects.filter(
            role=Role.CASE_MANAGER,
            organization__is_state_agency=False,
            is_active=True,
            current_office__area=area,
        )
        .exclude(username__startswith="bench.")
        .values_list("pk", "current_office_id")
    )
    already = OptInRequest.objects.filter(area=area).values("participant_id")
    seekers = list(
        Participant.objects.filter(opted_out=True, ssn_index__isnull=False)
        .exclude(pk__in=already)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "ssn_index")
    )
    seekers = rng.sample(seekers, min(missing, len(seekers)))
    now = timezone.now()
    filed = []
    for seeker_id, first, last, index in seekers:
        filer, office = rng.choice(filers)
        # Spread over six weeks, so that about a third are overdue (30 days) as in a real queue.
        filed_at = now - timedelta(minutes=rng.randint(30, 42 * 24 * 60))
        filed.append((seeker_id, first, last, index, filer, office, filed_at))
    with transaction.atomic():
        lookups = OptOutLookup.objects.bulk_create(
            [
                OptOutLookup(
                    staff_id=filer,
                    looked_up_at=filed_at - timedelta(minutes=rng.randint(2, 20)),
                    ssn_index=index,
                    result=OptOutLookup.Result.OPTED_OUT,
                    participant_id=seeker_id,
                )
                for seeker_id, _, _, index, filer, _, filed_at in filed
            ]
        )
        OptInRequest.objects.bulk_create(
            [
                OptInRequest(
                    participant_id=seeker_id,
                    lookup=lookup,
                    filed_by_id=filer,
                    office_id=office,
                    area_id=area,
                    filed_at=filed_at,
                    client_name=f"{first} {last}",
                    client_phone=f"({rng.choice(PHONE_AREAS)}) 555-01{rng.randint(0, 99):02d}",
                    client_reason=rng.choice(CLIENT_REASONS),
                )
                for (seeker_id, first, last, _, filer, office, filed_at), lookup in zip(
                    filed, lookups, strict=False
                )
            ]
        )
    return len(filed)


# --- the state's data-edit queue --------------------------------------------------------------


# The kinds of change the state's queue holds, drawn in a real queue's proportions.
QUEUE_KINDS = (
    ChangeKind.ADD_SERVICE,
    ChangeKind.MODIFY_SERVICE,
    ChangeKind.DELETE_SERVICE,
    ChangeKind.CORRECT_SEEKER_DATA,
)


def ensure_state_queue(where: Place, rng: random.Random) -> int:
    """Tops the state Title I queue up to STATE_QUEUE_TICKETS tickets; returns how many were added."""
    waiting = DataEditTicket.objects.filter(
        status=TicketState.STATE_QUEUE, title=STATE_QUEUE
    ).count()
    missing = STATE_QUEUE_TICKETS - waiting
    if missing <= 0:
        return 0
    case_managers, reviewers = {}, {}
    for pk, role, office, area in (
        Staff.objects.filter(role__in=[Role.CASE_MANAGER, Role.LWDB_REVIEWER], is_active=True)
        .exclude(username__startswith="bench.")
        .values_list("pk", "role", "current_office_id", "current_office__area_id")
    ):
        if role == Role.CASE_MANAGER:
            case_managers.setdefault(office, []).append(pk)
        else:
            reviewers.setdefault(area, []).append(pk)
    # Seekers of every office: enrollments picked at random over the table's ids.
    bounds = Enrollment.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    picked = rng.sample(range(low, high + 1), min(missing * 2, high - low + 1))
    enrollments = list(
        Enrollment.objects.filter(pk__in=picked, office__in=list(case_managers)).values_list(
            "participant_id", "office_id", "office__area_id"
        )[:missing]
    )
    services = {}
    for service in Service.objects.filter(
        participant__in=[e[0] for e in enrollments]
    ).select_related("service_type"):
        if PROGRAM_TITLE[service.program] == STATE_QUEUE:
            services.setdefault(service.participant_id, []).append(service)
    type_ids = list(ServiceType.objects.filter(is_active=True).values_list("pk", flat=True))
    title_programs = [p for p in Program if PROGRAM_TITLE[p] == STATE_QUEUE]
    now = timezone.now()
    tickets = []
    for seeker, office, area in enrollments:
        kind = rng.choices(QUEUE_KINDS, weights=(35, 35, 10, 20))[0]
        service = rng.choice(services[seeker]) if seeker in services else None
        if kind in (ChangeKind.MODIFY_SERVICE, ChangeKind.DELETE_SERVICE) and service is None:
            kind = ChangeKind.ADD_SERVICE
        submitted = now - timedelta(minutes=rng.randint(60, 20 * 24 * 60))
        received = submitted + timedelta(minutes=rng.randint(30, 3 * 24 * 60))
        received = min(received, now)
        wrong, right, why = TICKET_TEXTS[kind]
        ticket = DataEditTicket(
            participant_id=seeker,
            office_id=office,
            filed_by_id=rng.choice(case_managers[office]),
            status=TicketState.STATE_QUEUE,
            kind=kind,
            title=STATE_QUEUE,
            what_is_wrong=wrong,
            what_is_right=right,
            justification=why,
            submitted_at=submitted,
            filed_on=timezone.localdate(submitted),
            local_reviewer_id=rng.choice(reviewers[area]) if reviewers.get(area) else None,
            local_reviewed_at=received,
            local_justified=True,
            local_documented=True,
            local_aligned=True,
            received_at=received,
            counted_received_at=counted_received_at(timezone.localtime(received)),
            precheck={"decision": "approve", "reasons": []},
        )
        if kind == ChangeKind.ADD_SERVICE:
            start = timezone.localdate(submitted) - timedelta(days=rng.randint(5, 200))
            ticket.new_service_type_id = rng.choice(type_ids)
            ticket.new_program = rng.choice(title_programs)
            ticket.new_start_date, ticket.new_end_date = (
                start,
                start + timedelta(days=rng.randint(0, 30)),
            )
        elif kind == ChangeKind.CORRECT_SEEKER_DATA:
            ticket.seeker_field, ticket.seeker_value = SeekerField.LAST_NAME, "Corrected"
            ticket.new_program = rng.choice(title_programs)
        else:
            ticket.service = service
            ticket.service_snapshot = {
                "id": service.pk,
                "type": service.service_type.code,
                "type_name": service.service_type.name,
                "program": service.program,
                "start": service.start_date.isoformat(),
                "end": service.end_date.isoformat(),
            }
            if kind == ChangeKind.MODIFY_SERVICE:
                ticket.new_end_date = service.end_date + timedelta(days=rng.randint(1, 14))
        tickets.append(ticket)
    DataEditTicket.objects.bulk_create(tickets, batch_size=1000)
    return len(tickets)


# --- the pre-check's seeker -------------------------------------------------------------------


def ensure_precheck_seeker(where: Place, rng: random.Random) -> Participant:
    """A seeker enrolled in the first office with PRECHECK_SERVICES services over five program years."""
    Participant.objects.bulk_create(
        [
            Participant(
                customer_id=PRECHECK_CUSTOMER_ID,
                first_name="Rosalind",
                last_name="Okafor-Lindqvist",
                date_of_birth=date(1979, 4, 12),
            )
        ],
        ignore_conflicts=True,
    )
    seeker = Participant.objects.get(customer_id=PRECHECK_CUSTOMER_ID)
    Enrollment.objects.bulk_create(
        [Enrollment(participant=seeker, office=where.office)], ignore_conflicts=True
    )
    if Service.objects.filter(participant=seeker).count() == PRECHECK_SERVICES:
        return seeker
    Service.objects.filter(participant=seeker).delete()
    types = list(ServiceType.objects.filter(is_active=True))
    counted = [t for t in types if t.counts_toward_participation]
    today = timezone.localdate()
    day = today - timedelta(days=5 * 365)
    services = []
    for n in range(PRECHECK_SERVICES):
        # Mostly a service every week or two; now and then a gap of over 90 days ends a period.
        day += timedelta(days=rng.randint(100, 130) if n and n % 40 == 0 else rng.randint(2, 9))
        day = min(day, today - timedelta(days=1))
        end = min(day + timedelta(days=rng.randint(0, 10)), today - timedelta(days=1))
        service_type = rng.choice(counted if rng.random() < 0.8 else types)
        services.append(
            Service(
                participant=seeker,
                service_type=service_type,
                program=rng.choice(list(Program)),
                start_date=day,
                end_date=end,
                office=where.office,
                entered_by=where.template,
                entered_at=timezone.now(),
            )
        )
    Service.objects.bulk_create(services)
    return seeker


def ensure(seed: int = 2026) -> dict:
    """Makes whatever is missing; returns what it added (zeros when everything was there)."""
    rng = random.Random(seed)
    where = place()
    people = ensure_people(where)
    return {
        "bench users": len(people),
        "opt-in requests added": ensure_opt_in_requests(where, rng),
        "state queue tickets added": ensure_state_queue(where, rng),
        "pre-check seeker": ensure_precheck_seeker(where, rng).pk,
    }


if __name__ == "__main__":
    for key, value in ensure().items():
        print(f"{key:>30}: {value}")
