"""The benchmark: `make bench` (the population first, with `make bench-data`).

    python bench/run.py [--only queries,growth,http,audit,sweep] [--seconds N] [--results DIR]

Measures Quick Search in-process against the usual way of writing it and on a tenth of the
population (bench/growth.py), the portal over HTTP under gunicorn, what sealing the audit trail
costs its writers, and the revocation sweep, on the population bench/generate.py built. Prints one
report, with the targets met or missed, and writes it to bench/results/latest.md with a
description of the machine it ran on, and the same figures to latest.json for programs: every
target with its goal, its measured value and whether it was met, and every timed operation's
p50/p95/p99 and throughput.
"""

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import ROOT, django_on_bench_database, vacuum_analyze  # noqa: E402

django_on_bench_database()

import django  # noqa: E402
from django.db import connection  # noqa: E402

from bench.report import Section  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PARTS = ("queries", "growth", "http", "audit", "sweep")


def population() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_population')")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT seekers, built_at FROM bench_population")
            built = cursor.fetchone()
            if built:
                cursor.execute(
                    "SELECT (SELECT count(*) FROM participants_enrollment), (SELECT count(*) FROM dataedits_service),"
                    " (SELECT count(*) FROM access_staff), (SELECT count(*) FROM access_organization)"
                )
                enrollments, services, staff, organizations = cursor.fetchone()
                return (
                    f"{built[0]:,} seekers, {enrollments:,} enrollments, {services:,} services, {staff:,} staff, "
                    f"{organizations:,} organizations (built {built[1]:%Y-%m-%d})"
                )
    sys.exit("The bench database holds no population yet: run `make bench-data` first.")


def machine() -> list[str]:
    """What the figures were measured on: they mean little without it."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB memory, {platform.system()} {platform.release()}",
        f"- PostgreSQL {postgres} on the same machine (shared_buffers {shared_buffers}, settings as installed), "
        f"Redis on the same machine",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
        "- The load generator, the web workers and the database share the machine's cores; the database is "
        "vacuumed and analyzed before measuring, as autovacuum keeps a live one.",
    ]


def targets_section(sections: list[Section]) -> Section:
    summary = Section("Targets", ["target", "goal", "measured", "met", "why missed, and the plan"])
    for section in sections:
        for target in section.targets:
            summary.rows.append(
                [
                    target.name,
                    target.target,
                    target.measured,
                    "yes" if target.met else "**no**",
                    target.note,
                ]
            )
    return summary


def figures_json(sections: list[Section], population_line: str, started: datetime) -> dict:
    return {
        "measured_at": started.isoformat(timespec="seconds"),
        "population": population_line,
        "machine": machine(),
        "targets": [
            {
                "name": target.name,
                "goal": target.target,
                "measured": target.measured,
                "met": target.met,
                "note": target.note,
            }
            for section in sections
            for target in section.targets
        ],
        "sections": [section.as_json() for section in sections],
    }


def report(sections: list[Section], population_line: str, started: datetime) -> tuple[str, str]:
    """The report's figures, and its appendix of query plans (written to the file, not printed)."""
    head = [
        "# Benchmark results",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `make bench` on {population_line}.",
        "",
        *machine(),
        "",
    ]
    body = [targets_section(sections).markdown()] + [section.markdown() for section in sections]
    appendix = [item for section in sections for item in section.appendix]
    tail = ["## Appendix: query plans (EXPLAIN ANALYZE)", "", *appendix] if appendix else []
    return "\n".join(head + body), "\n".join(tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"a comma-separated subset of {', '.join(PARTS)}"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="length of each HTTP scenario, the mixed runs included, and of each audit writers' run"
        " (a short run to check the bench)",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="where latest.md and latest.json go"
    )
    args = parser.parse_args()
    chosen = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := set(chosen) - set(PARTS):
        sys.exit(f"Unknown part(s): {', '.join(sorted(unknown))}. Choose from {', '.join(PARTS)}.")
    population_line = population()
    vacuum_analyze()

    sections = []
    if "queries" in chosen:
        from bench import queries

        sections.append(queries.measure())
    if "growth" in chosen:
        from bench import growth

        sections.append(growth.measure())
    if "http" in chosen:
        from bench import http_load

        length = {}
        if args.seconds:
            length = {"seconds": args.seconds, "mixed_seconds": args.seconds}
        sections.append(http_load.measure(**length))
    if "audit" in chosen:
        from bench import chain

        sections.append(chain.measure(**({"seconds": args.seconds} if args.seconds else {})))
    if "sweep" in chosen:  # last: it expires contracts, then puts them back
        from bench import sweep

        sections.append(sweep.measure())

    started = datetime.now(UTC)
    figures, plans = report(sections, population_line, started)
    print(figures)
    if set(chosen) != set(PARTS):  # the results files always hold a whole run
        print(f"\nA partial run: the results in {args.results} are left as they were.")
        return
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.md").write_text(figures + "\n" + plans + "\n")
    as_json = figures_json(sections, population_line, started)
    (args.results / "latest.json").write_text(json.dumps(as_json, indent=2) + "\n")
    print(f"\nWritten to {args.results}/latest.md (with the query plans) and latest.json.")


if __name__ == "__main__":
    main()
