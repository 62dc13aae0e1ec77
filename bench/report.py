"""The benchmark's figures: tables of measurements and the targets they are held against.

Each measuring script returns a `Section`; `bench/run.py` prints them all as one report and
writes it to `bench/results/latest.md`.
"""

from dataclasses import dataclass, field


@dataclass
class Target:
    """One of the targets the issue sets, with what was measured and whether it was met."""

    name: str
    target: str
    measured: str
    met: bool
    note: str = ""  # the reason and the plan, when it was missed


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    # Long detail (query plans) for the end of the report.
    appendix: list[str] = field(default_factory=list)
    # The figures of each timed operation as numbers, for bench/results/latest.json.
    operations: list[dict] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.rows:
            lines += ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
            lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"{note}\n" for note in self.notes]
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "rows": [dict(zip(self.columns, map(str, row), strict=True)) for row in self.rows],
            "operations": self.operations,
            "notes": self.notes,
        }


def latency_figures(milliseconds: list[float], *, seconds: float) -> dict:
    """p50, p95, p99 (ms) and throughput (per second) of one operation's latencies, as numbers."""
    if not milliseconds:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "per_second": 0.0}
    return {
        "count": len(milliseconds),
        **{f"p{p}_ms": round(percentile(milliseconds, p), 2) for p in (50, 95, 99)},
        "per_second": round(len(milliseconds) / seconds, 1) if seconds else 0.0,
    }


def percentile(samples: list[float], pct: float) -> float:
    """The `pct` percentile of `samples` (nearest rank), in the samples' unit."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def latency_cells(milliseconds: list[float]) -> list[str]:
    """p50, p95 and p99 of a list of latencies in ms, formatted for a table."""
    return [f"{percentile(milliseconds, p):.1f}" for p in (50, 95, 99)]
