"""bench/intake_load.py still runs: a few hundred registrations, the counts checked, no timing."""

import pytest

from tests.bench.test_smoke import bench, bench_database  # noqa: F401 (the fixture)


@pytest.mark.xdist_group("bench")
def test_the_bulk_load_benchmark_runs(bench_database):  # noqa: F811
    ran = bench("intake_load.py", "--rows=300", url=bench_database)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "created 294, updated 0, held for review 3, refused 3" in ran.stdout
    assert "a million at this rate:" in ran.stdout
