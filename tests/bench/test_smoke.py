"""The benchmark still builds and runs: a small population in its own database, every part once.

`make bench` is run by hand on a million seekers; this keeps it working between those runs. It
asserts what each part checks (the counts, one audit event per person whose access ended, every
HTTP response as expected), never a timing.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEKERS, STAFF = 2_000, 2_000


@pytest.fixture
def bench_database():
    """A `*_bench` database of this test process's own, dropped afterwards."""
    server = urlparse(os.environ["DATABASE_URL"])
    # Named after the suite's own database, so that two suites on one server keep apart.
    suite = server.path.strip("/")
    name = f"test_{suite}_smoke_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_bench"
    url = server._replace(path=f"/{name}").geturl()
    connect = {
        "host": server.hostname,
        "port": server.port or 5432,
        "user": server.username,
        "password": server.password,
    }

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    yield url
    drop()


def bench(script: str, *args: str, url: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": str(ROOT),
        # The demo's way of running (mail kept in memory, plain HTTP); the test suite's keys.
        "PORTAL_DEMO": "true",
        "DJANGO_SECURE_COOKIES": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # What the run queues (an email to the administrators) is not the suite's to deliver.
        "CELERY_BROKER_URL": "memory://",
        # The growth figures set the database against itself; the sweep runs at two small sizes,
        # the second with people added for the run.
        "BENCH_GROWTH_DATABASE_URL": url,
        "BENCH_SWEEP_SIZES": f"{STAFF // 4},{STAFF * 2}",
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.xdist_group("bench")
def test_the_benchmark_builds_and_every_part_runs_and_checks_itself(bench_database, tmp_path):
    built = bench("generate.py", f"--seekers={SEEKERS}", f"--staff={STAFF}", url=bench_database)
    assert built.returncode == 0, built.stderr[-3000:]
    assert f"seekers: {SEEKERS:,}" in built.stdout
    again = bench("generate.py", f"--seekers={SEEKERS}", url=bench_database)
    assert again.returncode == 0 and "reusing it" in again.stdout

    ran = bench("run.py", "--seconds=0.5", f"--results={tmp_path}", url=bench_database)
    assert ran.returncode == 0, (ran.stdout[-3000:], ran.stderr[-3000:])
    results = json.loads((tmp_path / "latest.json").read_text())
    assert (tmp_path / "latest.md").read_text().startswith("# Benchmark results")
    assert f"{SEEKERS:,} seekers" in results["population"]
    assert results["targets"] and all(
        {"name", "goal", "measured", "met"} <= target.keys() for target in results["targets"]
    )
    sections = {section["title"]: section for section in results["sections"]}
    in_process = next(s for title, s in sections.items() if title.startswith("Quick Search"))
    # Both people, both scopes: the SSN and the customer ID find their one seeker, "smith" many.
    for row in in_process["rows"]:
        if row["search"] in ("SSN", "customer ID"):
            assert row["matches"] == "1", row
    found = {(r["user"], r["scope"], r["search"]): int(r["matches"]) for r in in_process["rows"]}
    assert {user for user, _, _ in found} == {"bench.partner", "bench.esd"}
    assert found["bench.esd", "worksource", 'last-name prefix, common ("smith")'] > 0
    http = next(section for title, section in sections.items() if title.startswith("Over HTTP"))
    # Every timed operation answered every request as expected (the run checks each response).
    assert http["operations"] and all(op["count"] > 0 for op in http["operations"])
    assert all(op["errors"] == 0 for op in http["operations"]), http["operations"]
    assert all(op["p50_ms"] <= op["p95_ms"] <= op["p99_ms"] for op in http["operations"])
    # The floor is measured in the same run, and every operation is set against it.
    (floor,) = [op for op in http["operations"] if op["operation"].startswith("The floor")]
    assert floor["p50_to_floor"] == 1.0
    assert all(op["p50_to_floor"] > 0 for op in http["operations"])
    growth = next(s for title, s in sections.items() if title.startswith("Quick Search as"))
    assert growth["rows"] and all(
        row["matches (large)"] == row["matches (small)"] for row in growth["rows"]
    )
    sweep = next(section for title, section in sections.items() if title.startswith("Revocation"))
    small, large = sweep["rows"]
    # Everyone of the expired organizations lost access, with one audit event each, no session left.
    assert int(small["users"].replace(",", "")) >= STAFF // 4
    assert large["users"] == f"{STAFF * 2:,}"  # more than the population: people added for the run
    for row in (small, large):
        assert row["audit events"] == row["users"] and row["sessions left"] == "0"
    chain = next(section for title, section in sections.items() if "seal chain" in title)
    # Each way of sealing wrote entries, and the chain verified intact over all of them.
    assert [row["sealing"] for row in chain["rows"]][0] == "none"
    assert len(chain["rows"]) == 3 and all(
        int(row["entries"].replace(",", "")) > 0 for row in chain["rows"]
    )
    assert any("Intact." in note for note in chain["notes"])
