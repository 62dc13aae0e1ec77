"""Demo data for `make run` and the browser tests: people for every role, offices, a few hundred seekers.

Every SSN here has an area number from 900 to 999, which the Social Security Administration
never issues, so the demo can never show a real person's number.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from access.models import Office, Organization, Staff, WorkforceDevelopmentArea
from access.roles import Role
from participants.models import Enrollment, Participant
from participants.services import participant_create
from portal.audit import audit_reason

DEMO_PASSWORD = "worksource-demo"

AREAS = {1: "Olympic", 2: "Pacific Mountain"}
OFFICES = {
    "WorkSource Bremerton": 1,
    "WorkSource Port Angeles": 1,
    "WorkSource Olympia": 2,
    "WorkSource Aberdeen": 2,
}
ESD = "Employment Security Department"
PARTNER = "Olympic Consortium Partner Services"
PARTNER_2 = "Pacific Mountain Youth Works"
LOCAL_BOARD = "Olympic Workforce Development Council"
ORGANIZATIONS = {ESD: True, PARTNER: False, PARTNER_2: False, LOCAL_BOARD: False}

# username: (first, last, organization, role, restricted, offices; the first is the current office)
PEOPLE = {
    "esd.casemanager": (
        "Elena",
        "Soto",
        ESD,
        Role.CASE_MANAGER,
        False,
        ["WorkSource Bremerton", "WorkSource Olympia"],
    ),
    "esd.supervisor": (
        "Marcus",
        "Reed",
        ESD,
        Role.SUPERVISOR,
        False,
        ["WorkSource Bremerton", "WorkSource Port Angeles"],
    ),
    "esd.restricted": ("Rita", "Okafor", ESD, Role.CASE_MANAGER, True, ["WorkSource Bremerton"]),
    "partner.casemanager": (
        "Priya",
        "Nair",
        PARTNER,
        Role.CASE_MANAGER,
        False,
        ["WorkSource Bremerton", "WorkSource Port Angeles"],
    ),
    "partner2.casemanager": (
        "Tom",
        "Baker",
        PARTNER_2,
        Role.CASE_MANAGER,
        False,
        ["WorkSource Olympia"],
    ),
    "access.requester": (
        "Alma",
        "Quinn",
        PARTNER,
        Role.ACCESS_REQUESTER,
        False,
        ["WorkSource Bremerton"],
    ),
    "mis.admin": ("Morgan", "Iverson", ESD, Role.MIS_ADMIN, False, ["WorkSource Olympia"]),
    "itsd.access": ("Ian", "Tran", ESD, Role.ACCESS_MANAGEMENT, False, ["WorkSource Olympia"]),
    "lwdb.reviewer": (
        "Lena",
        "Wu",
        LOCAL_BOARD,
        Role.LWDB_REVIEWER,
        False,
        ["WorkSource Bremerton", "WorkSource Port Angeles"],
    ),
    # The state agency's local reviewer of WDA 1: does the local step for seekers who opted out.
    "esd.lwdb": ("Noor", "Haddad", ESD, Role.LWDB_REVIEWER, False, ["WorkSource Bremerton"]),
    "state.dataedits": ("Sam", "Dalton", ESD, Role.STATE_DATAEDITS, False, ["WorkSource Olympia"]),
    "auditor": ("Avery", "Hale", ESD, Role.AUDITOR, False, ["WorkSource Olympia"]),
}

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Luis",
    "Nancy",
    "Anh",
    "Lisa",
    "Daniel",
    "Betty",
    "Matthew",
    "Maria",
    "Anthony",
    "Sandra",
    "Aiyana",
    "Mohamed",
    "Olga",
    "Kenji",
    "Fatima",
    "Dmitri",
    "Grace",
    "Hector",
    "Ivy",
    "Jamal",
]
# Common surnames first and more often: real caseloads are skewed ("Smith" matches many).
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Nguyen",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Hill",
    "Flores",
]
STREETS = [
    "Pacific Ave",
    "Burwell St",
    "Front St",
    "Capitol Way",
    "Wishkah St",
    "Lincoln Ave",
    "Main St",
]
CITIES = [
    ("Bremerton", "98337"),
    ("Port Angeles", "98362"),
    ("Olympia", "98501"),
    ("Aberdeen", "98520"),
]


def demo_ssn(rng: random.Random) -> str:
    return f"{rng.randint(900, 999)}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


@transaction.atomic
def seed_demo(
    *, seekers: int = 300, opted_out_share: float = 0.06, seed: int = 2026
) -> dict[str, Staff]:
    """Creates the demo; running it again changes nothing that is already there."""
    with audit_reason("demo data"):
        areas = {
            n: WorkforceDevelopmentArea.objects.get_or_create(number=n, defaults={"name": name})[0]
            for n, name in AREAS.items()
        }
        offices = {
            name: Office.objects.get_or_create(name=name, defaults={"area": areas[n]})[0]
            for name, n in OFFICES.items()
        }
        organizations = {
            name: Organization.objects.get_or_create(
                name=name, defaults={"is_state_agency": state}
            )[0]
            for name, state in ORGANIZATIONS.items()
        }
        people = {}
        password = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once
        for username, (first, last, org, role, restricted, office_names) in PEOPLE.items():
            person, created = Staff.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "organization": organizations[org],
                    "role": role,
                    "is_restricted": restricted,
                    "current_office": offices[office_names[0]],
                    "password": password,
                },
            )
            if created:
                person.offices.set([offices[name] for name in office_names])
            people[username] = person

        rng = random.Random(seed)
        office_list = list(offices.values())
        existing = Participant.objects.count()
        used_ssns: set[str] = set()
        for number in range(seekers):
            # Draw every value even for seekers that exist, so reruns produce the same population.
            first = rng.choice(FIRST_NAMES)
            last = LAST_NAMES[min(int(rng.expovariate(0.12)), len(LAST_NAMES) - 1)]
            ssn = demo_ssn(rng)
            while ssn in used_ssns:
                ssn = demo_ssn(rng)
            used_ssns.add(ssn)
            city, zip_code = rng.choice(CITIES)
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
            enrolled = rng.sample(office_list, k=rng.choice([1, 1, 2]))
            opted_out = rng.random() < opted_out_share
            if number < existing:
                continue
            participant = participant_create(
                actor=None,
                first_name=first,
                last_name=last,
                ssn=ssn,
                date_of_birth=born,
                phone=f"(360) 555-{rng.randint(0, 9999):04d}",
                email=f"{first}.{last}{number}@example.com".lower(),
                address_line1=f"{rng.randint(10, 9999)} {rng.choice(STREETS)}",
                city=city,
                state="WA",
                zip_code=zip_code,
                opted_out=opted_out,
                reason="demo data",
            )
            for office in enrolled:
                Enrollment.objects.create(participant=participant, office=office)
    # First: the demo logins sign the confidentiality agreement, without which they see no seeker.
    from access.demo import (
        seed_access_demo,
    )  # contracts, a designated requester, waiting access requests

    seed_access_demo(people)
    from optout.demo import seed_optout_demo  # opt-in requests: waiting, overdue, decided

    seed_optout_demo(people)
    from dataedits.demo import (
        seed_dataedits_demo,
    )  # services over several quarters, tickets in every state

    seed_dataedits_demo(people)
    # The latest quarter past its data-edit deadline, closed: its federal extract can be downloaded.
    from reporting.demo import seed_reporting_demo

    seed_reporting_demo(people)
    # Job Match and UI claims as sending systems, by mis.admin: new seekers, one held as its SSN
    # is a seeker's, an opt-out selection. Their tokens are not shown: issue one on the intake page.
    from intake.demo import seed_intake_demo

    seed_intake_demo()
    # Reads of records: the auditor filters by one seeker (of the first data-edit ticket) and sees
    # their whole history; the browsing report shows a case manager who opened seekers elsewhere.
    from audit.demo import seed_audit_demo

    seed_audit_demo(people)
    # The demo's own history (requests filed, tickets moved on while loading) needs no email.
    from notifications.models import Email

    Email.objects.filter(sent_at=None).update(sent_at=timezone.now())
    return people
