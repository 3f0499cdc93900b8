"""The generated project's own test suite: a plain local run, and the CI run with coverage.

Run: ``.venv/bin/python benchmarks/bench_suite.py [-n RUNS]``. Renders the default project,
installs it in a venv (uv), runs the suite once to warm Python's caches, then ``pytest`` and
``pytest --cov`` (as the generated CI does) in turn, on SQLite. Prints the number of tests, the
median wall time of the whole process, and the time pytest itself reports for the tests. A
benchmark, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests")]

from generated_env import GeneratedVenv, build_venv, find_python  # noqa: E402

from gospel_scaffold.new_project import render_project  # noqa: E402

RUNS = {"uv run pytest": [], "uv run pytest --cov": ["--cov"]}
# As users run Python: with compiled modules cached, whatever this shell says.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def main() -> None:
    """Render, install, run each way, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=3, help="runs of each (3)")
    runs = parser.parse_args().runs
    python = find_python("3.12")  # the template's default Python
    if python is None:
        sys.exit("python3.12 not found on PATH or in pyenv")
    with tempfile.TemporaryDirectory(prefix="gospel-bench-suite-") as tmp:
        project = Path(tmp) / "suite"
        render_project({"project_name": "suite"}, project)
        build_venv(Path(tmp) / "venv", [project], python)
        venv = GeneratedVenv(Path(tmp) / "venv")
        venv.run("pytest", "-q", "-p", "no:cacheprovider", cwd=project)  # caches compiled modules
        results: dict[str, list[tuple[float, float, str]]] = {label: [] for label in RUNS}
        for _ in range(runs):
            for label, options in RUNS.items():
                start = time.perf_counter()
                done = venv.run("pytest", "-q", "-p", "no:cacheprovider", *options, cwd=project)
                wall = time.perf_counter() - start
                summary = done.stdout.strip().splitlines()[-1]
                if done.returncode != 0:
                    sys.exit(f"{label} failed: {summary}")
                found = re.search(r"in ([\d.]+)s", summary)
                results[label].append((wall, float(found.group(1)) if found else 0.0, summary))
    print(
        f"the default project's suite on SQLite, median of {runs}, on this machine's "
        f"{os.cpu_count()} CPUs (load average now {os.getloadavg()[0]:.1f})"
    )
    for label, measured in results.items():
        tests = re.sub(r" in [\d.]+s.*", "", measured[0][2]).strip("= ")
        wall = statistics.median(m[0] for m in measured)
        inside = statistics.median(m[1] for m in measured)
        print(f"  {label:<22} {wall:5.1f} s in all, {inside:5.1f} s of tests ({tests})")


if __name__ == "__main__":
    main()
