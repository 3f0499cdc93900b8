"""Wall time of add-domain, add-field and a refused bad input on a 50-domain project.

Usage: ``python benchmarks/bench_domain.py [-n RUNS]``. Prints numbers, asserts nothing.

Side by side in the same run: ``import inflect`` as installed (with typeguard instrumenting it,
the cost every command paid before) and as gospel imports it, and ``ruff --version`` (the
floor of any command that formats what it writes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOSPEL = [sys.executable, "-m", "gospel_scaffold"]


def _time(argv: list[str], cwd: Path, *, ok: bool = True) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - start
    if ok and done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return elapsed


def _project(work: Path, domains: int) -> Path:
    from gospel_scaffold.domain.add import AddRequest, plan_add
    from gospel_scaffold.domain.apply import apply_plan
    from gospel_scaffold.project import render_project

    root = work / "big"
    render_project({"project_name": "big"}, root)
    for i in range(domains):
        refs = [f"prev:ref:things{i - 1}:null"] if i else []
        apply_plan(plan_add(AddRequest(f"things{i}", ["label:str:40", *refs], root)))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--domains", type=int, default=50, help="domains in the project")
    args = parser.parse_args()
    runs = args.runs

    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        work = Path(tmp)
        print(f"building a {args.domains}-domain project...", flush=True)
        project = _project(work, args.domains)
        ruff = str(Path(sys.executable).parent / "ruff")
        baselines = {
            "baseline: import inflect (instrumented)": [sys.executable, "-c", "import inflect"],
            "baseline: gospel's inflect import": [
                sys.executable,
                "-c",
                "from gospel_scaffold.domain.inflection import engine; engine()",
            ],
            "baseline: ruff --version": [ruff, "--version"],
        }
        print(f"median wall time over {runs} runs ({sys.executable})")
        for label, argv in baselines.items():
            times = [_time(argv, work) for _ in range(runs)]
            print(f"  {label:<44} {statistics.median(times) * 1000:8.0f} ms")
        cases = [
            ("gospel add-domain (bad name, refused)", ["add-domain", "Bad-Name", "x:int"], False),
            ("gospel add-field (bad spec, refused)", ["add-field", "things1", "x:money"], False),
            ("gospel add-domain --dry-run", ["add-domain", "extras", "x:int", "--dry-run"], True),
            (
                "gospel add-field --dry-run",
                ["add-field", "things10", "note:text:null", "--dry-run"],
                True,
            ),
        ]
        for label, argv, ok in cases:
            times = [_time([*GOSPEL, *argv], project, ok=ok) for _ in range(runs)]
            print(f"  {label:<44} {statistics.median(times) * 1000:8.0f} ms")
        # Real writes: each run adds a new domain / field.
        times = [
            _time([*GOSPEL, "add-domain", f"extras{i}", "x:int", "ref:ref:things0:null"], project)
            for i in range(runs)
        ]
        print(f"  {'gospel add-domain':<44} {statistics.median(times) * 1000:8.0f} ms")
        times = [
            _time([*GOSPEL, "add-field", "things10", f"extra{i}:int:null"], project)
            for i in range(runs)
        ]
        print(f"  {'gospel add-field':<44} {statistics.median(times) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
