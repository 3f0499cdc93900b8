"""Median wall and CPU time of every ``gospel`` command, over N runs, beside baselines.

Baselines measured in the same run: the bare interpreter; a one-command Typer app showing its
``--help`` and parsing one argument (Typer validates arguments with pydantic, which the help
does not import), the floor of any Typer CLI; and ``ruff check`` on the same project as
``gospel check``. Commands run on a project made by ``gospel new`` with one domain; the
``add-domain`` and ``remove-domain`` runs work on fresh copies of it. ``gospel update`` runs on
that project (already up to date) and on fresh copies of one made by the same gospel at
``--update-from`` (default ``v0.1.0``; from a gospel checkout with no uncommitted template
changes, as an update needs).

Each figure is ``wall/CPU``: the time you wait, and the processor time the command and its
children used. On a busy machine wall times grow with the load while CPU times barely move.

Usage: ``python benchmarks/bench_cli.py [-n RUNS] [--update-from REF]``. Prints numbers,
asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOSPEL = [sys.executable, "-m", "gospel_scaffold"]
BARE_TYPER = (
    "import sys, typer\n"
    "app = typer.Typer(rich_markup_mode=None)\n"
    "@app.command()\n"
    "def hello(name: str) -> None: ...\n"
    "sys.argv = ['hello', *sys.argv[1:]]\n"
    "app()\n"
)
DOMAIN = ("items", "name:str:100", "price:decimal:10,2", "done:bool:default=false")


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        sys.exit("ruff not found")
    return found


def _project(work: Path, name: str, *options: str) -> Path:
    """A project made by ``gospel new`` with the items domain, committed."""
    project = work / name
    for argv, cwd in (
        ([*GOSPEL, "new", name, "--defaults", *options], work),
        ([*GOSPEL, "add-domain", *DOMAIN], project),
        (["git", "add", "-A"], project),
        (["git", "commit", "-qm", "Add items"], project),
    ):
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return project


def _time(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU: the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


Case = tuple[Callable[[int], list[str]], Callable[[int], Path]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--update-from", default="v0.1.0", help="template version to update from")
    args = parser.parse_args()
    runs = args.runs

    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        work = Path(tmp)
        project = _project(work, "shop")
        older = _project(work, "older", "--template", str(REPO), "--vcs-ref", args.update_from)

        def copy(prefix: str) -> Callable[[int], Path]:
            def make(i: int) -> Path:
                return Path(shutil.copytree(project, work / f"{prefix}-{i}"))

            return make

        def at(directory: Path) -> Callable[[int], Path]:
            return lambda _i: directory

        cases: dict[str, Case] = {
            "baseline: python -c pass": (lambda i: [sys.executable, "-c", "pass"], at(work)),
            "baseline: bare Typer --help": (
                lambda i: [sys.executable, "-c", BARE_TYPER, "--help"],
                at(work),
            ),
            "baseline: bare Typer, one argument": (
                lambda i: [sys.executable, "-c", BARE_TYPER, "world"],
                at(work),
            ),
            "gospel --help": (lambda i: [*GOSPEL, "--help"], at(work)),
            "gospel --version": (lambda i: [*GOSPEL, "--version"], at(work)),
            "gospel rule GOS101": (lambda i: [*GOSPEL, "rule", "GOS101"], at(work)),
            "gospel new NAME": (lambda i: [*GOSPEL, "new", f"bench-git-{i}"], at(work)),
            "gospel new NAME --no-git": (
                lambda i: [*GOSPEL, "new", f"bench-nogit-{i}", "--no-git"],
                at(work),
            ),
            "gospel add-domain (2 fields)": (
                lambda i: [*GOSPEL, "add-domain", "invoices", "code:str:20", "total:decimal:10,2"],
                copy("add"),
            ),
            "gospel remove-domain": (lambda i: [*GOSPEL, "remove-domain", "items"], copy("rm")),
            "gospel update (up to date)": (lambda i: [*GOSPEL, "update"], at(project)),
            f"gospel update (from {args.update_from})": (
                lambda i: [*GOSPEL, "update"],
                lambda i: Path(shutil.copytree(older, work / f"update-{i}", symlinks=True)),
            ),
            "gospel check": (lambda i: [*GOSPEL, "check"], at(project)),
            "baseline: ruff check --no-cache": (
                lambda i: [_ruff(), "check", "--no-cache", "."],
                at(project),
            ),
        }
        print(f"median wall/CPU time over {runs} runs ({sys.executable})")
        for label, (argv, where) in cases.items():
            times = [_time(argv(i), where(i)) for i in range(runs)]
            wall = statistics.median(t[0] for t in times) * 1000
            cpu = statistics.median(t[1] for t in times) * 1000
            print(f"  {label:<36} {wall:6.0f}/{cpu:<6.0f} ms")


if __name__ == "__main__":
    main()
