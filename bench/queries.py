"""Quick Search in-process, side by side with what a typical Django application would do.

    python bench/queries.py        (on the bench database; run.py calls `measure()`)

Each search form is timed as the results page runs it (the count plus the first page), for a
partner and an ESD case manager in both scopes, against the same search written the usual way:
`icontains` over first and last name, and the SSN found by a scan, either of a plain column
(`bench_plain_ssn`, a side table of clear SSNs made for this comparison) or by decrypting every
ciphertext. Each of our queries' plans is kept (EXPLAIN ANALYZE) so that a lost index shows.
"""

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import django_on_bench_database  # noqa: E402

django_on_bench_database()

from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from access.models import Staff  # noqa: E402
from bench.generate import ssn_of  # noqa: E402
from bench.report import Section, Target  # noqa: E402
from participants.crypto import keyring  # noqa: E402
from participants.models import Participant  # noqa: E402
from participants.selectors import Scope, quick_search  # noqa: E402

REPEATS, BASELINE_REPEATS = 7, 3
NAME_TARGET, SSN_TARGET = 20, 100  # times faster than the baseline


@dataclass
class Search:
    form: str  # how the issue names it
    query: str
    kind: str  # "name", "ssn" or "customer_id": which baseline it is held against


def searches() -> list[Search]:
    """The search forms, with real seekers' values: a common and a rarer name, an SSN, a customer ID."""
    rare = Participant.objects.filter(customer_id="10500000").values("first_name", "last_name").get()
    return [
        Search("last-name prefix, common (\"smith\")", "smith", "name"),
        Search(f"last-name prefix, typical (\"{rare['last_name'][:4].lower()}\")", rare["last_name"][:4].lower(), "name"),
        Search("full name, common (\"james smith\")", "james smith", "name"),
        Search("full name, typical", f"{rare['first_name']} {rare['last_name']}".lower(), "name"),
        Search("SSN", ssn_of(123_456), "ssn"),
        Search("customer ID", "10654321", "customer_id"),
    ]


def results_page(queryset) -> int:
    """What the results page asks of the database: the total and the first page of rows."""
    page = Paginator(queryset, settings.PARTICIPANTS_PER_PAGE).get_page(1)
    list(page)
    return page.paginator.count


def fastest_ms(run, repeats: int) -> tuple[float, object]:
    """The best of `repeats` runs after one warm-up, in ms: the figure least disturbed by the machine."""
    result = run()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


# --- What a typical application does instead ---------------------------------------------------


def in_scope(user, scope: Scope):
    """The seekers a search may find before it is narrowed: the same gate and scope as Quick Search."""
    seekers = Participant.objects.visible_to(user)
    return seekers.enrolled_in(user.current_office_id) if scope == Scope.OFFICE else seekers


def icontains_baseline(user, scope: Scope, query: str):
    seekers = in_scope(user, scope)
    for word in query.replace(",", " ").split():
        seekers = seekers.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return seekers


def plain_ssn_baseline(user, scope: Scope, ssn: str):
    return in_scope(user, scope).extra(
        where=["participants_participant.id IN (SELECT participant_id FROM bench_plain_ssn WHERE ssn = %s)"],
        params=[ssn],
    )


def decrypting_scan(user, scope: Scope, ssn: str) -> int:
    """Every visible seeker's SSN decrypted until one matches: an encrypted field without an index."""
    seekers = in_scope(user, scope)
    ring = keyring()
    found = 0
    for ciphertext in seekers.values_list("ssn_ciphertext", flat=True).iterator(chunk_size=20_000):
        if ciphertext is not None and ring.decrypt(bytes(ciphertext)) == ssn:
            found += 1
    return found


def ensure_plain_ssn_table() -> None:
    """The side table of clear SSNs the plain-column baseline scans (no index, as in a typical app).

    The SSNs are worked out in SQL the way `bench.generate.ssn_of` makes them from the customer ID.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_plain_ssn')")
        if cursor.fetchone()[0]:
            return
        cursor.execute("""
            CREATE TABLE bench_plain_ssn AS
            SELECT id AS participant_id,
                   (900 + n % 100)::text || lpad(((n / 100) % 99 + 1)::text, 2, '0') || lpad((n / 9900 + 1)::text, 4, '0') AS ssn
            FROM (SELECT id, customer_id::bigint - 10000000 AS n FROM participants_participant) AS serials
        """)
        cursor.execute("VACUUM ANALYZE bench_plain_ssn")


# --- Plans ---------------------------------------------------------------------------------------

INDEX_USED = re.compile(r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\w+)")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def plan_summary(plan: str) -> str:
    """The indexes (or sequential scans) a plan uses and its execution time, on one line."""
    indexes = sorted(set(INDEX_USED.findall(plan)))
    scans = sorted(set(SEQ_SCAN.findall(plan)))
    parts = [f"index {name}" for name in indexes] + [f"**seq scan {name}**" for name in scans]
    executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return "; ".join(parts) + (f" ({executed.group(1)} ms)" if executed else "")


def first_page_plan(queryset) -> str:
    """EXPLAIN ANALYZE of the first page of results, as the results page asks for it."""
    return queryset[: settings.PARTICIPANTS_PER_PAGE].explain(analyze=True)


def measure() -> Section:
    ensure_plain_ssn_table()
    section = Section(
        "Quick Search in-process: ours against the usual way (count + first page, best of runs)",
        ["user", "scope", "search", "matches", "ours (ms)", "baseline", "baseline (ms)", "times faster", "our plan (first page)"],
    )
    worst = {"name": float("inf"), "ssn": float("inf")}
    for username in ("bench.partner", "bench.esd"):
        user = Staff.objects.get(username=username)
        for scope in (Scope.OFFICE, Scope.WORKSOURCE):
            for search in searches():
                ours_ms, matches = fastest_ms(lambda: results_page(quick_search(user=user, query=search.query, scope=scope)), REPEATS)
                if search.kind == "ssn":
                    baselines = [
                        ("plain SSN column, scanned", lambda: results_page(plain_ssn_baseline(user, scope, search.query)), BASELINE_REPEATS),
                        ("decrypting every SSN", lambda: decrypting_scan(user, scope, search.query), 1),
                    ]
                else:
                    baselines = [("icontains on first or last name", lambda: results_page(icontains_baseline(user, scope, search.query)), BASELINE_REPEATS)]
                plan = first_page_plan(quick_search(user=user, query=search.query, scope=scope))
                section.appendix.append(f"### {username}, {scope.value}, {search.form}\n\n```\n{plan}\n```\n")
                for label, run, repeats in baselines:
                    baseline_ms, _ = fastest_ms(run, repeats) if repeats > 1 else (timed_once(run), None)
                    ratio = baseline_ms / ours_ms
                    if search.kind in worst:
                        worst[search.kind] = min(worst[search.kind], ratio)
                    section.rows.append([
                        username, scope.value, search.form, f"{matches:,}", f"{ours_ms:.1f}", label,
                        f"{baseline_ms:.0f}", f"{ratio:,.0f}×", plan_summary(plan),
                    ])
    section.targets += [
        Target("Name search vs icontains (1M seekers)", f"≥ {NAME_TARGET}× faster", f"{worst['name']:.0f}× (slowest ratio)", worst["name"] >= NAME_TARGET),
        Target("SSN via blind index vs a scan", f"≥ {SSN_TARGET}× faster", f"{worst['ssn']:,.0f}× (slowest ratio)", worst["ssn"] >= SSN_TARGET),
    ]
    return section


def timed_once(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    result = measure()
    print(result.markdown())
    for target in result.targets:
        print(f"{'met ' if target.met else 'MISS'} {target.name}: {target.measured} (target {target.target})")
