"""Median wall time of ``gospel --help`` and ``gospel new`` (defaults), over N runs.

Baselines measured in the same run: the bare interpreter, and a one-command Typer app's
``--help`` (the floor of any Typer CLI), so ``gospel --help`` reads as overhead over them.

Usage: ``python benchmarks/bench_cli.py [-n RUNS]``. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GOSPEL = [sys.executable, "-m", "gospel_scaffold"]
BARE_TYPER = (
    "import sys, typer\n"
    "app = typer.Typer(rich_markup_mode=None)\n"
    "@app.command()\n"
    "def hello(name: str) -> None: ...\n"
    "sys.argv = ['hello', '--help']\n"
    "app()\n"
)


def _time(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs per command (default 5)")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        work = Path(tmp)
        cases: dict[str, Callable[[int], list[str]]] = {
            "baseline: python -c pass": lambda i: [sys.executable, "-c", "pass"],
            "baseline: bare Typer --help": lambda i: [sys.executable, "-c", BARE_TYPER],
            "gospel --help": lambda i: [*GOSPEL, "--help"],
            "gospel new NAME": lambda i: [*GOSPEL, "new", f"bench-git-{i}"],
            "gospel new NAME --no-git": lambda i: [*GOSPEL, "new", f"bench-nogit-{i}", "--no-git"],
        }
        print(f"median wall time over {runs} runs ({sys.executable})")
        for label, argv in cases.items():
            times = [_time(argv(i), work) for i in range(runs)]
            print(f"  {label:<28} {statistics.median(times) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
