"""Builds the benchmark's population in its own PostgreSQL database, by COPY.

    make bench-data        (or: python bench/generate.py [--seekers N] [--rebuild])

The database and keys are chosen as bench/setup.py says.

A million seekers with names skewed like real caseloads ("Smith" matches tens of thousands),
about three enrollments per two seekers over 300 offices in 12 workforce development areas,
three services per seeker over five program years, 2% opted out, 200 organizations with
contracts in effect and 20,000 staff. The database is reused when it already holds the
population (`bench_population` records what was built); `--rebuild` starts afresh.

Rows go in with COPY, bypassing the services and the audit trail: this is a measuring
instrument, not a way into a real database, and it refuses any database whose name does not
end in "_bench".
"""

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import django_on_bench_database, vacuum_analyze  # noqa: E402

django_on_bench_database()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from access.models import Contract, Office, Organization, Staff, WorkforceDevelopmentArea  # noqa: E402
from access.roles import Role  # noqa: E402
from dataedits.models import Program, Service, ServiceType  # noqa: E402
from participants.crypto import keyring  # noqa: E402
from participants.models import Enrollment, Participant  # noqa: E402

AREAS, OFFICES, ORGANIZATIONS, STAFF = 12, 300, 200, 20_000
BENCH_PASSWORD = "bench-password-not-for-production"

# Surnames by rough U.S. frequency: a Zipf draw over this list puts a few percent on "Smith".
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez"
).split()
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol "
    "Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura "
    "Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary Angela Nicholas Shirley Eric Brenda Jonathan Emma"
).split()


# The rest of the surnames: about 12,000 rarer ones made of syllables, so that most prefixes match few.
RARE_LAST_NAMES = [
    a + b + c
    for a in (
        "Al",
        "Bar",
        "Cor",
        "Dal",
        "El",
        "Fen",
        "Gar",
        "Hol",
        "Ish",
        "Jor",
        "Kel",
        "Lor",
        "Mar",
        "Nor",
        "Ol",
        "Pen",
        "Quin",
        "Ros",
        "Sel",
        "Tor",
        "Ul",
        "Var",
    )
    for b in (
        "a",
        "e",
        "i",
        "o",
        "u",
        "ba",
        "de",
        "ri",
        "mo",
        "ta",
        "ne",
        "lo",
        "vi",
        "ka",
        "su",
        "ra",
        "le",
        "no",
        "ti",
        "mu",
        "sa",
        "ge",
        "do",
        "fi",
        "pe",
    )
    for c in (
        "n",
        "s",
        "x",
        "ton",
        "ley",
        "berg",
        "ford",
        "wick",
        "man",
        "stad",
        "ov",
        "ez",
        "ani",
        "elli",
        "son",
        "ard",
        "ine",
        "ock",
        "ett",
        "ham",
        "ova",
        "ski",
    )
]
COMMON_SHARE = 0.25  # a quarter of seekers carry one of the common surnames, Zipf-distributed


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def ssn_of(n: int) -> str:
    """The n-th seeker's SSN: area 900-999 (never issued), distinct by construction."""
    return f"{900 + n % 100}{(n // 100) % 99 + 1:02d}{(n // 9900) + 1:04d}"


def customer_id_of(n: int) -> str:
    return f"{10_000_000 + n}"


def ssn_of_customer_id(customer_id: str) -> str:
    """The SSN of the seeker `customer_id_of(n)` names."""
    return ssn_of(int(customer_id) - 10_000_000)


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY `rows` (tuples in `columns` order) into `model`'s table; every other column takes its default.

    Generated columns (the search keys) are left out: PostgreSQL computes them and refuses a value.
    """
    fields = {
        f.attname: f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    }
    defaults = {name: f.get_default() for name, f in fields.items() if name not in columns}
    names = columns + list(defaults)
    tail = tuple(defaults.values())
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f'COPY "{table}" ({", ".join(f'"{n}"' for n in names)}) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row(row + tail)
                count += 1
    return count


def ids(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def build(seekers: int, *, staff: int = STAFF, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    figures = {}

    copy_rows(
        WorkforceDevelopmentArea,
        ["number", "name"],
        ((n, f"Area {n}") for n in range(1, AREAS + 1)),
    )
    area_ids = ids(WorkforceDevelopmentArea)
    copy_rows(
        Office,
        ["name", "area_id"],
        ((f"WorkSource Office {n:03d}", area_ids[n % AREAS]) for n in range(OFFICES)),
    )
    office_ids = ids(Office)

    # The state agency first, then partners and local boards, each with contracts in effect.
    copy_rows(
        Organization,
        ["name", "is_state_agency"],
        [("Employment Security Department", True)]
        + [(f"Partner Organization {n:03d}", False) for n in range(1, ORGANIZATIONS)],
    )
    org_ids = ids(Organization)
    signed, approved = today - timedelta(days=366), now - timedelta(days=366)
    contract_rows = (
        (
            org,
            kind,
            "esd",
            today - timedelta(days=365),
            today + timedelta(days=365 * 3),
            "Benchmark",
            "Data Owner",
            signed,
            approved,
        )
        for org in org_ids[1:]
        for kind in (Contract.Kind.SERVICE, Contract.Kind.DATA_SHARING)
    )
    copy_rows(
        Contract,
        [
            "organization_id",
            "kind",
            "party",
            "effective_date",
            "expiry_date",
            "business_case",
            "data_owner_name",
            "data_owner_signed_on",
            "approved_at",
        ],
        contract_rows,
    )

    # Staff: two named case managers the load generator signs in as, then everyone else.
    password = make_password(BENCH_PASSWORD)
    roles = [Role.CASE_MANAGER] * 14 + [
        Role.SUPERVISOR,
        Role.LWDB_REVIEWER,
        Role.STATE_DATAEDITS,
        Role.ACCESS_REQUESTER,
    ]

    def staff_rows():
        yield (
            "bench.partner",
            password,
            "Bench",
            "Partner",
            org_ids[1],
            Role.CASE_MANAGER,
            office_ids[0],
            now,
            now,
            now,
            True,
        )
        yield (
            "bench.esd",
            password,
            "Bench",
            "State",
            org_ids[0],
            Role.CASE_MANAGER,
            office_ids[0],
            now,
            now,
            now,
            True,
        )
        for n in range(staff - 2):
            # One in ten works for the state agency; partner organizations have about 90 staff each.
            org = org_ids[0] if n % 10 == 0 else rng.choice(org_ids[1:])
            yield (
                f"staff{n:05d}",
                password,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                org,
                rng.choice(roles),
                office_ids[n % OFFICES],
                now,
                now,
                now,
                True,
            )

    figures["staff"] = copy_rows(
        Staff,
        [
            "username",
            "password",
            "first_name",
            "last_name",
            "organization_id",
            "role",
            "current_office_id",
            "date_joined",
            "last_login",
            "nda_signed_at",
            "is_active",
        ],
        staff_rows(),
    )
    staff_ids = ids(Staff)
    copy_rows(
        Staff.offices.through,
        ["staff_id", "office_id"],
        ((sid, office_ids[i % OFFICES]) for i, sid in enumerate(staff_ids)),
    )

    ring = keyring()
    last_weights, first_weights = (
        zipf_weights(len(LAST_NAMES), 0.9),
        zipf_weights(len(FIRST_NAMES), 0.8),
    )

    def last_name():
        if rng.random() < COMMON_SHARE:
            return rng.choices(LAST_NAMES, last_weights)[0]
        return rng.choice(RARE_LAST_NAMES)

    started = time.monotonic()

    def seeker_rows():
        for n in range(seekers):
            ssn = ssn_of(n)
            yield (
                customer_id_of(n),
                rng.choices(FIRST_NAMES, first_weights)[0],
                last_name(),
                rng.random() < 0.02,
                ring.encrypt(ssn),
                ring.blind_index(ssn),
                now,
                now,
                date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000)),
            )

    figures["seekers"] = copy_rows(
        Participant,
        [
            "customer_id",
            "first_name",
            "last_name",
            "opted_out",
            "ssn_ciphertext",
            "ssn_index",
            "created_at",
            "updated_at",
            "date_of_birth",
        ],
        seeker_rows(),
    )
    seeker_ids = ids(Participant)

    def enrollment_rows():
        for (
            pid
        ) in seeker_ids:  # one office each, a second for half of them: 3 enrollments per 2 seekers
            first = rng.randrange(OFFICES)
            yield (pid, office_ids[first], now)
            if rng.random() < 0.5:
                yield (pid, office_ids[(first + 1 + rng.randrange(OFFICES - 1)) % OFFICES], now)

    figures["enrollments"] = copy_rows(
        Enrollment, ["participant_id", "office_id", "enrolled_at"], enrollment_rows()
    )

    type_ids = list(ServiceType.objects.values_list("pk", flat=True))
    programs = [p.value for p in Program]
    first_day = today - timedelta(days=5 * 365)

    def service_rows():
        for pid in seeker_ids:  # three services a seeker, within five program years
            start = first_day + timedelta(days=rng.randrange(5 * 365 - 120))
            for _ in range(3):
                end = start + timedelta(days=rng.randint(0, 60))
                yield (
                    pid,
                    rng.choice(type_ids),
                    rng.choice(programs),
                    start,
                    end,
                    office_ids[pid % OFFICES],
                    staff_ids[pid % len(staff_ids)],
                    now,
                    False,
                )
                start = end + timedelta(days=rng.randint(1, 120))

    figures["services"] = copy_rows(
        Service,
        [
            "participant_id",
            "service_type_id",
            "program",
            "start_date",
            "end_date",
            "office_id",
            "entered_by_id",
            "entered_at",
            "is_late",
        ],
        service_rows(),
    )
    figures["seconds_loading_seekers_and_children"] = round(time.monotonic() - started, 1)
    vacuum_analyze()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seekers", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=STAFF, help="staff members (default 20,000)")
    parser.add_argument("--rebuild", action="store_true", help="drop everything and build again")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    built = population_built()
    if built and built == args.seekers and not args.rebuild:
        print(
            f"{name}: already holds {args.seekers:,} seekers; reusing it (--rebuild to start afresh)."
        )
        # The portal's newest indexes, on the data already there.
        call_command("migrate", verbosity=0)
        return
    if built and not args.rebuild:
        sys.exit(f"{name} holds a population of {built:,} seekers: run again with --rebuild.")
    if built is None and not args.rebuild and has_tables():
        # A build that stopped half-way leaves tables but no mark: nothing else lives in a
        # *_bench database, so it is built again from nothing.
        print(f"{name}: a build that did not finish is there; building it again from nothing.")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    figures = build(args.seekers, staff=args.staff)
    with connection.cursor() as cursor:
        # The mark that the build is whole, written last: a run stopped before it rebuilds.
        cursor.execute("CREATE TABLE bench_population (seekers integer, built_at timestamptz)")
        cursor.execute("INSERT INTO bench_population VALUES (%s, now())", [args.seekers])
    figures["seconds_total"] = round(time.monotonic() - started, 1)
    for key, value in figures.items():
        print(f"{key:>40}: {value:,}")


def population_built() -> int | None:
    """How many seekers the finished build holds, or None when no build finished here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_population')")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT seekers FROM bench_population")
        row = cursor.fetchone()
    return row[0] if row else None


def has_tables() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
