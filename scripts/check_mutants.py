"""After `mutmut run`: every surviving mutant must be explained in tests/MUTANTS.md, or `make mutants` fails."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
results = subprocess.run(
    [sys.executable, "-m", "mutmut", "results"], cwd=ROOT, capture_output=True, text=True
).stdout
survivors = {
    line.split(":")[0].strip().removeprefix("dataedits.rules.")
    for line in results.splitlines()
    if line.strip() and "killed" not in line
}
explained = set(
    re.findall(r"^\| `([^`]+)`", (ROOT / "tests" / "MUTANTS.md").read_text(), re.MULTILINE)
)
unexplained = sorted(survivors - explained)
print(
    f"{len(survivors)} surviving mutants, {len(survivors & explained)} explained in tests/MUTANTS.md."
)
if unexplained:
    print("Not explained (kill each with a test, or say in tests/MUTANTS.md why it is equivalent):")
    print("\n".join(f"  {name}" for name in unexplained))
    sys.exit(1)
