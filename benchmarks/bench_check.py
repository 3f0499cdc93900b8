"""Benchmark ``gospel check`` on generated projects, side by side with ``ruff check``.

Run: ``.venv/bin/python benchmarks/bench_check.py [--sizes 13,25,50] [--repeat 5]``.

Builds one real project with ``gospel new`` and grows it with ``gospel add-domain`` to each
size in turn (each domain: model, schemas, repository, service, routes, migration and tests, as
users get them). At each size it prints, measured in the same run on the same tree:

* ``gospel check`` in process (:func:`gospel_scaffold.check.run_check`, best of the repeats);
* the whole ``gospel check`` command (median wall time, interpreter start-up included);
* ``ruff check --no-cache`` (median wall time: ruff's full work on the tree, with the project's
  own ruff configuration), and ``ruff check`` with its cache warm.

Each figure is ``wall/CPU``: the time you wait, and the processor time the run used. On a busy
machine (a shared CI runner) wall times grow with the load while CPU times barely move, so the
CPU time of ``gospel check`` (one thread) is what it takes on an idle machine; ruff runs on
every core, so its CPU time is above its wall time.

The last column is what each added domain cost the in-process check since the previous size
(for the first size, the average per domain): it stays flat when the check grows linearly.
A benchmark, not a test: nothing asserts on the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GOSPEL = [sys.executable, "-m", "gospel_scaffold"]


def _ruff() -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        sys.exit("ruff is not installed (pip install -e '.[dev]')")
    return ruff


def _run(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _median_command(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """The median wall time and CPU time of running ``argv``."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _children_cpu()
        _run(argv, cwd)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _best(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best wall time of ``action`` in this process, and the CPU time of that run."""
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(runs)


def _ms(figures: tuple[float, float]) -> str:
    wall, cpu = figures
    return f"{wall * 1000:.0f}/{cpu * 1000:.0f}ms"


def _add_domains(root: Path, start: int, stop: int) -> None:
    for index in range(start, stop):
        fields = ["title:str", "amount:decimal:12,2:null", "done:bool:default=false"]
        if index:
            fields.append(f"parent:ref:widget{index - 1}s:null")
        _run([*GOSPEL, "add-domain", f"widget{index}s", *fields, "-C", str(root)], root)


def main() -> None:
    """Grow a generated project size by size; print gospel's and ruff's times at each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="13,25,50", help="domain counts (default 13,25,50)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (default 5)")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    ruff = _ruff()

    from gospel_scaffold.check import run_check

    print(f"gospel check vs ruff check ({sys.executable}, {args.repeat} runs per measure)")
    print(f"{os.cpu_count()} CPUs (load average now {os.getloadavg()[0]:.1f})")
    print("times are wall/CPU; per domain: in-process CPU time per added domain")
    print(
        f"{'domains':>7} {'files':>6} {'in process':>14} {'gospel check':>14} "
        f"{'ruff --no-cache':>16} {'ruff (cached)':>14} {'per domain':>11}"
    )
    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        _run([*GOSPEL, "new", "bench", "--no-git"], Path(tmp))
        root = Path(tmp) / "bench"
        built, previous = 0, 0.0
        for size in sizes:
            _add_domains(root, built, size)
            result = run_check(root)
            for violation in result.violations[:5]:
                print(f"  unexpected: {violation.path}:{violation.line} {violation.code}")
            in_process = _best(lambda: run_check(root), args.repeat)
            command = _median_command([*GOSPEL, "check"], root, args.repeat)
            ruff_cold = _median_command([ruff, "check", "--no-cache", "-q", "."], root, args.repeat)
            _run([ruff, "check", "-q", "."], root)  # fill the cache
            ruff_warm = _median_command([ruff, "check", "-q", "."], root, args.repeat)
            per_domain = (in_process[1] - previous) * 1000 / (size - built)
            print(
                f"{size:>7} {result.files_checked:>6} {_ms(in_process):>14} {_ms(command):>14} "
                f"{_ms(ruff_cold):>16} {_ms(ruff_warm):>14} {per_domain:>9.1f}ms"
            )
            built, previous = size, in_process[1]


if __name__ == "__main__":
    main()
