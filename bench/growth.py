"""Quick Search as the population grows: the same searches on a million seekers and on a tenth.

    python bench/growth.py          (run.py calls `measure()`; `--times` prints one database's JSON)

Each search form of bench/queries.py is timed in-process the way the results page runs it
(the count, then the first page), and the first page alone, on the bench database and on a
second one built the same way with 100,000 seekers (`BENCH_GROWTH_DATABASE_URL`, default
postgres://root@127.0.0.1:5432/portal_100k_bench, built by `make bench-data`). The second is
measured in a process of its own, on its own connection: the same code, the same plans.

An index walk grows with the logarithm of the rows: ten times the seekers should cost the page
of a search almost nothing more. Counting every match of a name grows with the matches (a tenth
of the population holds a tenth of the Smiths); the figures show both.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import ROOT, django_on_bench_database  # noqa: E402

django_on_bench_database()

from django.conf import settings  # noqa: E402

from access.models import Staff  # noqa: E402
from bench import fixtures  # noqa: E402
from bench.generate import population_built  # noqa: E402
from bench.queries import REPEATS, fastest_ms, results_page, searches  # noqa: E402
from bench.report import Section, Target  # noqa: E402
from participants.selectors import Scope, quick_search  # noqa: E402

GROWTH_DATABASE_URL = os.environ.get(
    "BENCH_GROWTH_DATABASE_URL", "postgres://root@127.0.0.1:5432/portal_100k_bench"
)
GROWTH_TARGET = 1.5  # the million's time over the tenth's, for every form
PEOPLE = ("bench.partner", "bench.esd")


def first_page(results) -> int:
    return len(results[: settings.PARTICIPANTS_PER_PAGE])


def times() -> dict:
    """This database's figures: seekers, and per (person, scope, form) the matches and the times."""
    fixtures.ensure_people(fixtures.place())
    figures = {"seekers": population_built() or 0, "searches": {}}
    for username in PEOPLE:
        user = Staff.objects.get(username=username)
        for scope in (Scope.OFFICE, Scope.WORKSOURCE):
            for search in searches(user.current_office_id):
                form = search.form.split(" (")[0]  # "last-name prefix, common": the same in both

                def run(u=user, q=search.query, s=scope):
                    return results_page(quick_search(user=u, query=q, scope=s))

                def page(u=user, q=search.query, s=scope):
                    return first_page(quick_search(user=u, query=q, scope=s))

                results_ms, matches = fastest_ms(run, REPEATS)
                page_ms, _ = fastest_ms(page, REPEATS)
                figures["searches"][f"{username}|{scope.value}|{form}"] = {
                    "matches": matches,
                    "results_ms": round(results_ms, 2),
                    "page_ms": round(page_ms, 2),
                }
    return figures


def tenth_times() -> dict | None:
    """The same figures from the smaller database, measured by this script in a process of its own."""
    environment = os.environ | {"DATABASE_URL": GROWTH_DATABASE_URL}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "growth.py"), "--times"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure() -> Section:
    large = times()
    small = tenth_times()
    section = Section(
        "Quick Search as the population grows (in-process, best of runs)",
        [
            "user",
            "scope",
            "search",
            "matches (large)",
            "results ms (large)",
            "matches (small)",
            "results ms (small)",
            "× (results)",
            "first page × ",
        ],
    )
    if small is None or not small.get("seekers"):
        section.notes.append(
            f"The smaller population ({GROWTH_DATABASE_URL}) is not built: run `make bench-data`."
        )
        section.targets.append(
            Target("Growth, 10× the seekers", f"≤ {GROWTH_TARGET}× for every form", "—", False)
        )
        return section
    worst, worst_page, worst_key = 0.0, 0.0, ""
    for key, big in large["searches"].items():
        little = small["searches"].get(key)
        if little is None:
            continue
        ratio = big["results_ms"] / little["results_ms"]
        page_ratio = big["page_ms"] / little["page_ms"]
        if ratio > worst:
            worst, worst_key = ratio, key
        worst_page = max(worst_page, page_ratio)
        username, scope, form = key.split("|")
        section.rows.append(
            [
                username,
                scope,
                form,
                f"{big['matches']:,}",
                f"{big['results_ms']:.1f}",
                f"{little['matches']:,}",
                f"{little['results_ms']:.1f}",
                f"{ratio:.1f}×",
                f"{page_ratio:.1f}×",
            ]
        )
    section.notes.append(
        f"Large: {large['seekers']:,} seekers (this database); small: {small['seekers']:,} "
        f'({GROWTH_DATABASE_URL}). "results": the count and the first page, as the results page asks; '
        f'"first page": the page of {settings.PARTICIPANTS_PER_PAGE} alone, an index walk whatever the size.'
    )
    met = worst <= GROWTH_TARGET
    section.targets.append(
        Target(
            f"Growth: search time at {large['seekers']:,} seekers vs {small['seekers']:,}",
            f"≤ {GROWTH_TARGET}× for every form",
            f"{worst:.1f}× at the worst ({worst_key.replace('|', ', ')}); the first page alone "
            f"{worst_page:.1f}× at the worst",
            met,
            ""
            if met
            else "Within one office a broad name is matched by reading every seeker of that name off the "
            "name index and keeping the office's (the query plans above): ten times the seekers hold ten "
            "times the Smiths, and the office ten times the enrollments. In all of WorkSource the count "
            'stops at the 1,000 listed ("more than 1,000") and costs the same at any size. Plan: the '
            "search keys on the enrollments, so that an office's matches are read off an index of its own.",
        )
    )
    return section


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", action="store_true", help="print this database's figures (JSON)")
    args = parser.parse_args()
    if args.times:
        print(json.dumps(times()))
        return
    section = measure()
    print(section.markdown())
    for target in section.targets:
        print(f"{'met   ' if target.met else 'MISSED'}  {target.name}: {target.measured}")


if __name__ == "__main__":
    main()
