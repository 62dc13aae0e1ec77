"""Measures what the audit trail's seal chain costs the portal's writers, and how fast it seals and verifies.

    python bench/chain.py [--seconds N]      (on the bench database; run.py calls `measure()`)

Four writers (threads, each its own database connection) write audit entries as the portal
writes an opened record: one entry a transaction, through django-auditlog's `log_create`. They
run for the same time in three ways:

- without sealing at all;
- sealed a batch at a time, as the portal does (`audit.services.trail_seal`), here every second
  rather than every minute, so that the sealing run and the writers overlap the whole time;
- sealed one entry at a time, the design the portal does not use: each writer takes the chain's
  lock, writes its entry and seals it in its own transaction, so the writers take turns.

Before those, the trail the benchmark's database already holds is sealed (the first run of the
sealing task on a trail that predates it), and after them the whole chain is verified from the
start (`manage.py audit_verify --from-start`), both timed. What is checked: every writer's
entries committed, and the chain verified intact at the end.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import django_on_bench_database  # noqa: E402

django_on_bench_database()

from auditlog import get_logentry_model  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from access.models import Organization, Staff  # noqa: E402
from audit.models import ChainVerification  # noqa: E402
from audit.services import chain_verify, lock_the_chain, trail_seal  # noqa: E402
from bench.report import Section, Target  # noqa: E402

WRITERS = 4
SECONDS = 10.0
TARGET_NAME = "Audit entries written per second, sealed a batch at a time"
TARGET_RATIO = 0.9  # of the throughput without sealing
TITLE = "The audit trail's seal chain: entries written per second, 4 writers"
COLUMNS = ["sealing", "entries", "seconds", "entries/s", "against no sealing"]


def write_one(organization: Organization, actor: Staff, *, seal_each: bool) -> None:
    """One entry in its own transaction, as opening a record writes it; sealed at once if asked."""
    entries = get_logentry_model().objects
    with transaction.atomic():
        if seal_each:
            lock_the_chain()  # taken before the entry draws its id, so ids commit in order
        entries.log_create(
            organization,
            force_log=True,
            action=get_logentry_model().Action.ACCESS,
            changes={},
            actor=actor,
            additional_data={"reason": "benchmark of the seal chain"},
        )
        if seal_each:
            trail_seal()


def writers_run(seconds: float, *, seal_each: bool = False, sealer: bool = False) -> dict:
    """`WRITERS` threads writing entries for `seconds` (and a sealing run every second if `sealer`)."""
    organization = Organization.objects.order_by("pk").first()
    actor = Staff.objects.get(username="bench.esd")
    counts = [0] * WRITERS
    errors: list[BaseException] = []
    stop = threading.Event()

    def write(index: int) -> None:
        try:
            while not stop.is_set():
                write_one(organization, actor, seal_each=seal_each)
                counts[index] += 1
        except BaseException as exc:  # reported after the run: a benchmark that failed says so
            errors.append(exc)
        finally:
            connections.close_all()

    sealed = [0]

    def seal_every_second() -> None:
        try:
            while not stop.wait(1.0):
                sealed[0] += sum(seal.entry_count for seal in trail_seal())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    if sealer:
        threads.append(threading.Thread(target=seal_every_second))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return {"entries": sum(counts), "seconds": elapsed, "sealed": sealed[0]}


def timed(run):
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def measure(seconds: float = SECONDS) -> Section:
    section = Section(TITLE, COLUMNS)
    first, first_seconds = timed(trail_seal)
    backlog = sum(seal.entry_count for seal in first)
    runs = {"none": writers_run(seconds)}
    # What the writers just wrote, sealed in one run: the sealing run's own rate.
    caught_up, catch_up_seconds = timed(trail_seal)
    caught_up_entries = sum(seal.entry_count for seal in caught_up)
    runs["a batch every second (the portal: every minute)"] = writers_run(seconds, sealer=True)
    runs["each entry as it is written (not used)"] = writers_run(seconds, seal_each=True)
    trail_seal()  # what the last runs wrote, so the walk below covers every entry
    baseline = runs["none"]["entries"] / runs["none"]["seconds"]
    for name, run in runs.items():
        rate = run["entries"] / run["seconds"]
        section.rows.append(
            [
                name,
                f"{run['entries']:,}",
                f"{run['seconds']:.1f}",
                f"{rate:,.0f}",
                f"{rate / baseline:.2f}×",
            ]
        )
        section.operations.append(
            {
                "operation": f"audit entries written, sealing {name}",
                "per_second": round(rate, 1),
                "count": run["entries"],
                "to_no_sealing": round(rate / baseline, 3),
            }
        )
    (verification, walk), verify_seconds = timed(
        lambda: chain_verify(from_start=True, reason="benchmark of the seal chain")
    )
    if verification.outcome != ChainVerification.Outcome.INTACT:
        raise SystemExit(f"The chain did not verify: {verification.break_detail}")
    batched = runs["a batch every second (the portal: every minute)"]
    ratio = batched["entries"] / batched["seconds"] / baseline
    section.targets.append(
        Target(
            TARGET_NAME,
            f"≥ {TARGET_RATIO:.0%} of the rate without sealing",
            f"{ratio:.0%} ({batched['entries'] / batched['seconds']:,.0f}/s against {baseline:,.0f}/s)",
            ratio >= TARGET_RATIO,
            ""
            if ratio >= TARGET_RATIO
            else "The sealing run competes for the same cores as the "
            "writers here (one machine); on the portal's it runs once a minute on a worker.",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {get_logentry_model()._meta.db_table}")
        (trail_size,) = cursor.fetchone()
    section.notes += [
        f"The first sealing run sealed the {backlog:,} entries the trail already held in "
        f"{first_seconds:.1f} s; sealing the {caught_up_entries:,} entries the writers wrote "
        f"without sealing took {catch_up_seconds:.2f} s "
        f"({caught_up_entries / max(catch_up_seconds, 1e-9):,.0f} entries/s).",
        f"Verifying the whole chain from the start: {walk.seals:,} seals and {walk.entries:,} "
        f"entries in {verify_seconds:.1f} s ({walk.entries / max(verify_seconds, 1e-9):,.0f} "
        f"entries/s); the trail holds {trail_size:,} entries. Intact.",
        "Sealed one entry at a time, every writer waits for the chain's lock held by the one "
        "before it until that one commits: the writers take turns. Sealed a batch a minute, they "
        "never wait for it.",
    ]
    section.operations.append(
        {
            "operation": "verify the chain from the start",
            "count": walk.entries,
            "per_second": round(walk.entries / max(verify_seconds, 1e-9), 1),
        }
    )
    return section


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=SECONDS, help="length of each writers' run"
    )
    print(measure(parser.parse_args().seconds).markdown())
