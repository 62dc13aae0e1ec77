"""Measures the revocation sweep when 100 organizations' data sharing contracts expire at once.

    python bench/sweep.py

On the benchmark's database (bench/generate.py), every active staff member of 100 partner
organizations (about 9,000 people) is signed in with a real database session and its
`StaffSession` bookkeeping; then those organizations' data sharing contracts expire (yesterday),
and `access.services.revocation.access_sweep()`, the function the beat runs every 5 minutes, is timed once.
What it must have done is checked afterwards: everyone deactivated, no session of theirs left,
exactly one audit event each.

The database is shared with other measurements running at the same time, so the organizations of
the signed-in bench users (bench.partner, bench.esd) are never touched, and everything changed is
put back afterwards, even when the measurement fails: the contracts' expiry dates, the people's
accounts (reactivated by a plain UPDATE, outside the audit trail: this is a measuring instrument)
and any session left. The audit events the sweep wrote stay: the trail is append-only.
"""

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import django_on_bench_database, vacuum_analyze  # noqa: E402

django_on_bench_database()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sessions.backends.base import VALID_KEY_CHARS  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from access.middleware import ONBOARDED  # noqa: E402
from access.models import Contract, Organization, Staff, StaffSession  # noqa: E402
from access.selectors import staff_whose_access_ended  # noqa: E402
from access.services import access_sweep  # noqa: E402
from audit.models import AuditEntry  # noqa: E402
from bench.report import Section, Target  # noqa: E402

ORGANIZATIONS = 100
BENCH_USERS = (
    "bench.partner",
    "bench.esd",
)  # other measurements sign in as them: their organizations stay
TARGET_USERS, TARGET_SECONDS = 10_000, 30.0
TARGET_NAME = "Revocation sweep of 10,000 users"
TITLE = "Revocation sweep: 100 organizations' data sharing contracts expire at once"
COLUMNS = ["users", "sessions", "seconds", "users/s", "audit events", "sessions left"]
# A password sign-in is authenticated by Django's model backend (the lockout backend only refuses).
SIGN_IN_BACKEND = "access.backends.StaffBackend"


@dataclass
class Expiry:
    """What the measurement changed in the shared database, so that it can all be put back."""

    staff_ids: list[int]
    session_keys: list[str]
    old_expiry_dates: dict[int, date]  # data sharing contract pk -> its expiry date before


def expiring_organizations() -> list[int]:
    """The last 100 partner organizations by pk, never the state agency nor a bench user's organization."""
    spared = Staff.objects.filter(username__in=BENCH_USERS).values("organization_id")
    return list(
        Organization.objects.filter(is_state_agency=False)
        .exclude(pk__in=spared)
        .order_by("-pk")
        .values_list("pk", flat=True)[:ORGANIZATIONS]
    )


def sign_in(staff: list[Staff], keys: list[str]) -> None:
    """One database session per person, encoded as a password sign-in past MFA leaves it, in bulk."""
    store = SessionStore()
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = [
        Session(
            session_key=key,
            expire_date=expire,
            session_data=store.encode(
                {
                    SESSION_KEY: str(person.pk),
                    BACKEND_SESSION_KEY: SIGN_IN_BACKEND,
                    HASH_SESSION_KEY: person.get_session_auth_hash(),
                    ONBOARDED: True,
                }
            ),
        )
        for key, person in zip(keys, staff, strict=False)
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    StaffSession.objects.bulk_create(
        (
            StaffSession(staff=person, session_key=key)
            for key, person in zip(keys, staff, strict=False)
        ),
        batch_size=2000,
    )


def expire_data_sharing_contracts(organization_ids: list[int]) -> dict[int, date]:
    """Their data sharing contracts expired yesterday; returns the expiry dates they had."""
    contracts = Contract.objects.filter(
        organization__in=organization_ids, kind=Contract.Kind.DATA_SHARING
    )
    old = dict(contracts.values_list("pk", "expiry_date"))
    # A plain UPDATE, as a contract recorded with a past expiry date would look to the sweep.
    contracts.update(expiry_date=timezone.localdate() - timedelta(days=1))
    return old


def losing_access() -> set[int]:
    """Everyone the sweep would deactivate if it ran now."""
    return set().union(
        *(ended.values_list("pk", flat=True) for ended in staff_whose_access_ended(timezone.now()))
    )


class PopulationNotReady(Exception):
    """The sweep would end the access of people outside the measurement: it is not run."""


def refuse_unless_only(staff_ids: set[int]) -> None:
    """Stops before the sweep could deactivate anyone else of the shared population (bench.partner above all)."""
    others = losing_access() - staff_ids
    if others:
        unapproved = Contract.objects.filter(approved_at__isnull=True).count()
        raise PopulationNotReady(
            f"{len(others):,} staff outside the expiring organizations would lose access in the sweep (no contracts "
            f"in effect, a disable due, or unused for too long; {unapproved:,} contracts are not approved): the "
            "population is not as bench/generate.py promises. Nothing was measured."
        )


def prepare(expiry: Expiry) -> None:
    """Signs everyone in, then expires the contracts, noting each change in `expiry` as it is made."""
    vacuum()  # whatever an earlier run or another measurement left is not counted against this one
    refuse_unless_only(set())
    organization_ids = expiring_organizations()
    staff = list(
        Staff.objects.filter(organization__in=organization_ids, is_active=True)
        .only("pk", "password")
        .order_by("pk")
    )
    expiry.staff_ids = [person.pk for person in staff]
    expiry.session_keys = [get_random_string(32, VALID_KEY_CHARS) for _ in staff]
    sign_in(staff, expiry.session_keys)
    expiry.old_expiry_dates = expire_data_sharing_contracts(organization_ids)
    refuse_unless_only(set(expiry.staff_ids))


def restore(expiry: Expiry) -> None:
    """Puts the shared database back as it was, audit trail aside (it is append-only)."""
    for contract_id, expiry_date in expiry.old_expiry_dates.items():
        Contract.objects.filter(pk=contract_id).update(expiry_date=expiry_date)
    Staff.objects.filter(pk__in=expiry.staff_ids).update(is_active=True)
    Session.objects.filter(session_key__in=expiry.session_keys).delete()
    StaffSession.objects.filter(session_key__in=expiry.session_keys).delete()
    vacuum()


def vacuum() -> None:
    """Clears the dead rows a run leaves in the tables it writes (about 30,000).

    The bench server may run without autovacuum: left there, they would slow every later query
    on staff and sessions, this measurement's next run among them.
    """
    vacuum_analyze(*(model._meta.db_table for model in (Staff, Contract, Session, StaffSession)))


def audit_events_per_person(staff_ids: list[int], since) -> dict[int, int]:
    """How many Staff audit entries the sweep wrote for each person (0 for none)."""
    staff_type = ContentType.objects.get_for_model(Staff)
    written = (
        AuditEntry.objects.filter(
            content_type=staff_type, object_id__in=staff_ids, timestamp__gte=since
        )
        .values("object_id")
        .annotate(n=Count("pk"))
        .values_list("object_id", "n")
    )
    return dict.fromkeys(staff_ids, 0) | dict(written)


@dataclass
class Sweep:
    """What one run of the sweep took and left behind."""

    result: dict
    seconds: float
    cpu_seconds: (
        float  # of this process: the rest is waiting on PostgreSQL (and on whatever else runs)
    )
    statements: int
    load: tuple[float, float]  # the machine's 1-minute load average before and after
    deactivated: int = 0
    sessions_left: int = 0
    events: dict[int, int] = field(default_factory=dict)


class StatementCounter:
    """Counts the SQL statements Django sends (BEGIN and COMMIT aside), without keeping them."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_sweep() -> Sweep:
    counter = StatementCounter()
    load_before = os.getloadavg()[0]
    started, cpu_started = time.monotonic(), time.process_time()
    with connection.execute_wrapper(counter):
        result = access_sweep()
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    return Sweep(result, seconds, cpu_seconds, counter.count, (load_before, os.getloadavg()[0]))


def check(sweep: Sweep, expiry: Expiry, since) -> None:
    """What the sweep must have done to the people whose organizations' contracts expired."""
    sweep.deactivated = Staff.objects.filter(pk__in=expiry.staff_ids, is_active=False).count()
    sweep.sessions_left = (
        Session.objects.filter(session_key__in=expiry.session_keys).count()
        + StaffSession.objects.filter(staff__in=expiry.staff_ids).count()
    )
    sweep.events = audit_events_per_person(expiry.staff_ids, since)


def measure() -> Section:
    started = time.monotonic()
    expiry = Expiry(staff_ids=[], session_keys=[], old_expiry_dates={})
    try:
        prepare(expiry)
        setup_seconds = time.monotonic() - started
        since = timezone.now()
        sweep = run_sweep()
        check(sweep, expiry, since)
    except PopulationNotReady as refusal:
        return not_measured(str(refusal))
    finally:
        restore(expiry)
    return report(expiry, sweep, setup_seconds)


def not_measured(reason: str) -> Section:
    section = Section(title=TITLE, columns=COLUMNS, notes=[reason])
    section.targets.append(
        Target(
            name=TARGET_NAME,
            target=f"under {TARGET_SECONDS:.0f} s",
            measured="—",
            met=False,
            note=reason,
        )
    )
    return section


def report(expiry: Expiry, sweep: Sweep, setup_seconds: float) -> Section:
    users = len(expiry.staff_ids)
    events = sweep.events.values()
    once_each = all(n == 1 for n in events)
    complete = sweep.deactivated == users and sweep.sessions_left == 0 and once_each
    per_second = users / sweep.seconds
    # The target is for 10,000 users; 100 organizations hold about 9,000, so it is held against the measured rate.
    projected = TARGET_USERS / per_second
    section = Section(
        title=TITLE,
        columns=COLUMNS,
        rows=[
            [
                f"{users:,}",
                f"{len(expiry.session_keys):,}",
                f"{sweep.seconds:.1f}",
                f"{per_second:.0f}",
                f"{sum(events):,}",
                f"{sweep.sessions_left:,}",
            ]
        ],
    )
    ms_per_person = 1000 * sweep.seconds / users
    section.notes += [
        f"`access_sweep()` ended {sweep.result['ended']:,} people's access: {sweep.deactivated:,} of the {users:,} "
        f"signed-in staff of those organizations are deactivated, with {min(events, default=0)} to "
        f"{max(events, default=0)} audit events each (exactly one: {'yes' if once_each else 'NO'}).",
        f"Per person {ms_per_person:.2f} ms; {sweep.statements:,} SQL statements in all, in transactions of "
        f"{settings.ACCESS_SWEEP_BATCH} people (`ACCESS_SWEEP_BATCH`); {100 * sweep.cpu_seconds / sweep.seconds:.0f}% "
        f"of the time in this process (Django and psycopg), the rest waiting on PostgreSQL. Load average "
        f"{sweep.load[0]:.1f} before, {sweep.load[1]:.1f} after (2 cores).",
        f"At {per_second:.0f} users a second, 10,000 users take {projected:.1f} s. Setting up (a session each by bulk "
        f"insert, the contracts expired) took {setup_seconds:.1f} s and is not counted.",
    ]
    met = complete and projected < TARGET_SECONDS
    section.targets.append(
        Target(
            name=TARGET_NAME,
            target=f"under {TARGET_SECONDS:.0f} s",
            measured=f"{projected:.1f} s ({sweep.seconds:.1f} s for {users:,})",
            met=met,
            note=""
            if met
            else "the sweep left work undone"
            if not complete
            else missed_note(sweep, users),
        )
    )
    return section


def missed_note(sweep: Sweep, users: int) -> str:
    return (
        f"{sweep.seconds:.1f} s for {users:,} people, one batch after another. Access has ended all the same: the "
        "middleware signs each of them out on their next request; the sweep's length only delays deleting idle "
        "sessions and writing the audit events. Plan: the beat's task hands the batches to the Celery workers "
        "(--concurrency=2), which is safe since each batch locks its people's rows."
    )


if __name__ == "__main__":
    # A stop from outside (kill, the coordinator's time limit) still runs the restore in measure's finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped from outside"))
    section = measure()
    print(section.markdown())
    for target in section.targets:
        verdict = "met" if target.met else "MISSED"
        print(
            f"- {target.name}: {target.target}; measured {target.measured}: {verdict}. {target.note}".rstrip()
        )
