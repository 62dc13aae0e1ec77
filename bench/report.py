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
    appendix: list[str] = field(
        default_factory=list
    )  # long detail (query plans) for the end of the report

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.rows:
            lines += ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
            lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"{note}\n" for note in self.notes]
        return "\n".join(lines)


def percentile(samples: list[float], pct: float) -> float:
    """The `pct` percentile of `samples` (nearest rank), in the samples' unit."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def latency_cells(milliseconds: list[float]) -> list[str]:
    """p50, p95 and p99 of a list of latencies in ms, formatted for a table."""
    return [f"{percentile(milliseconds, p):.1f}" for p in (50, 95, 99)]
