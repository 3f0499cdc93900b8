"""Wall and CPU time of add-domain, add-field and refused input on 50-domain projects.

Usage: ``python benchmarks/bench_domain.py [-n RUNS] [--domains N] [--baseline-ref REF]``.
Prints numbers, asserts nothing.

Two projects, each a git repository with every domain committed:

- *realistic*: a mix of owned and shared domains, most with 0 to 2 references;
- *chain*: every domain references the one before it, the worst case for anything that follows
  references (reported separately).

Side by side, in the same run: the same commands with the gospel of ``--baseline-ref`` (main
by default; its source is taken with ``git archive``, run from a temporary directory with the
same interpreter and dependencies, on a project it built itself), and the floors any command
pays: the interpreter starting (``python -c pass``) and ``ruff --version``. Each figure is the
median over the runs; CPU is user + system time of the command and the processes it waited
for (ruff, git). The machine's load average is printed, because wall time on a busy machine is
mostly waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_NOUNS = """
    accounts agents alerts assets audits badges batches bills brands budgets campaigns carts
    channels clients coupons courses deals devices drivers events exports fleets forms gifts
    gyms guides hosts images invites issues jobs kits leads lessons loans venues meetings
    members metrics notes offers parcels plans posts quotes rooms rides shifts tickets
"""
NOUNS = _NOUNS.split()

_BUILD = """
import sys
from pathlib import Path
from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan
root = Path(sys.argv[1])
for line in sys.stdin.read().splitlines():
    name, owner, *specs = line.split()
    apply_plan(plan_add(AddRequest(name, specs, root, owner=owner == "owned")))
"""


@dataclass(frozen=True)
class Gospel:
    """One gospel to measure: a label and the environment that selects its source."""

    label: str
    env: dict[str, str]

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "gospel_scaffold", *args]


def _realistic(count: int) -> list[tuple[str, bool, list[str]]]:
    """Domains with 0 to 2 references to earlier ones, owned or shared."""
    domains: list[tuple[str, bool, list[str]]] = []
    for i in range(count):
        name = NOUNS[i] if i < len(NOUNS) else f"things{i}"
        specs = ["title:str:60", "amount:decimal:10,2:null"]
        if i >= 2 and i % 2 == 0:
            specs.append(f"first:ref:{domains[random.Random(i).randrange(i)][0]}")
        if i >= 5 and i % 5 == 0:
            specs.append(f"second:ref:{domains[i // 2][0]}:null")
        domains.append((name, i % 3 != 0, specs))
    return domains


def _chain(count: int) -> list[tuple[str, bool, list[str]]]:
    """Every domain references the one before it (nullable)."""
    return [
        (f"things{i}", True, ["label:str:40", *([f"prev:ref:things{i - 1}:null"] if i else [])])
        for i in range(count)
    ]


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com"}
    env |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _build(
    template: Path, target: Path, gospel: Gospel, domains: list[tuple[str, bool, list[str]]]
) -> Path:
    shutil.copytree(template, target)
    lines = "\n".join(
        f"{name} {'owned' if owned else 'shared'} {' '.join(specs)}"
        for name, owned, specs in domains
    )
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(target)],
        input=lines,
        text=True,
        env=gospel.env,
        check=False,
        capture_output=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{gospel.label}'s gospel could not build {target.name}: {done.stderr}")
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "domains")
    return target


def _run(argv: list[str], cwd: Path, env: dict[str, str], *, ok: bool) -> tuple[float, float]:
    """Return the wall and CPU seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if ok and done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-2000:]}")
    if not ok and done.returncode == 0:
        raise SystemExit(f"{' '.join(argv)} was not refused")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


@dataclass(frozen=True)
class Case:
    """One command to time: its label, arguments and expectations."""

    label: str
    args: list[str]
    writes: bool = False
    ok: bool = True
    shape: str = "realistic"


def _measure(
    runs: int,
    project: Path,
    work: Path,
    argv: list[str],
    env: dict[str, str],
    *,
    writes: bool,
    ok: bool = True,
) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        cwd = project
        if writes:  # every run starts from the same committed project
            cwd = work / f"run-{time.monotonic_ns()}"
            shutil.copytree(project, cwd, symlinks=True)
        wall, cpu = _run(argv, cwd, env, ok=ok)
        walls.append(wall)
        cpus.append(cpu)
        if writes:
            shutil.rmtree(cwd)
    return statistics.median(walls), statistics.median(cpus)


def _baseline(ref: str, work: Path) -> Gospel | str:
    """The gospel of ``ref``, from ``git archive``; or why it is unavailable."""
    source = work / "baseline"
    source.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref, "src"], cwd=REPO, capture_output=True, check=False
    )
    if archive.returncode != 0:
        return f"unavailable ({archive.stderr.decode().strip() or 'git archive failed'})"
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    return Gospel(f"{ref}", env)


def _format(seconds: float | None) -> str:
    return "       n/a" if seconds is None else f"{seconds * 1000:8.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--domains", type=int, default=50, help="domains per project (50)")
    parser.add_argument("--baseline-ref", default="main", help="git ref to compare with (main)")
    args = parser.parse_args()
    runs = args.runs

    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        work = Path(tmp)
        current = Gospel("this branch", {**os.environ, "PYTHONPATH": str(REPO / "src")})
        baseline = _baseline(args.baseline_ref, work)
        gospels = [current] + ([baseline] if isinstance(baseline, Gospel) else [])
        from gospel_scaffold.project import render_project

        template = work / "template"
        render_project({"project_name": "bench"}, template)
        projects: dict[tuple[str, str], Path] = {}
        shapes = {"realistic": _realistic(args.domains), "chain": _chain(args.domains)}
        for gospel in gospels:
            for shape, domains in shapes.items():
                print(f"building the {shape} project with {gospel.label}'s gospel...", flush=True)
                target = work / f"{shape}-{len(projects)}"
                projects[(shape, gospel.label)] = _build(template, target, gospel, domains)

        print(
            f"\nload average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
            f"{os.cpu_count()} cores; median of {runs} runs; wall / CPU"
        )
        floors = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "ruff --version": [str(Path(sys.executable).parent / "ruff"), "--version"],
        }
        for label, argv in floors.items():
            wall, cpu = _measure(runs, work, work, argv, dict(os.environ), writes=False)
            print(f"  floor: {label:<47} {_format(wall)} / {_format(cpu)}")
        header = "".join(f"{gospel.label:>24}" for gospel in gospels)
        if not isinstance(baseline, Gospel):
            header += f"   {args.baseline_ref}: {baseline}"
        realistic, chain = shapes["realistic"], shapes["chain"]
        early = chain[len(chain) // 5][0]  # four fifths of the chain come after it
        middle = realistic[len(realistic) // 2][0]
        # The domain the most others reference: its tests are built by many other suites.
        hub = Counter(
            spec.split(":")[2] for _, _, specs in realistic for spec in specs if ":ref:" in spec
        ).most_common(1)[0][0]
        after = len(chain) - len(chain) // 5 - 1
        extras = ["add-domain", "extras", "x:int", f"hub:ref:{hub}", f"other:ref:{middle}:null"]
        cases = [
            Case("add-domain, bad name (refused)", ["add-domain", "Bad-Name", "x:int"], ok=False),
            Case("add-domain, bad field (refused)", ["add-domain", "extras", "x:money"], ok=False),
            Case("add-field, bad field (refused)", ["add-field", middle, "x:money"], ok=False),
            Case("add-domain --dry-run", [*extras, "--dry-run"]),
            Case("add-domain", extras, writes=True),
            Case("add-field --dry-run", ["add-field", hub, "note:text:null", "--dry-run"]),
            Case("add-field", ["add-field", hub, "note:text:null", "rank:int:default=0"], True),
            Case(
                "chain: add-domain",
                ["add-domain", "extras", "x:int", f"prev:ref:{chain[-1][0]}:null"],
                writes=True,
                shape="chain",
            ),
            Case(
                f"chain: add-field ({after} domains after it)",
                ["add-field", early, "note:text:null"],
                writes=True,
                shape="chain",
            ),
        ]
        print(f"  {f'command ({args.domains}-domain project)':<54}{header}")
        for case in cases:
            cells = []
            for gospel in gospels:
                if case.args[0] == "add-field" and gospel is not current:
                    cells.append(f"{'(no add-field)':>24}")
                    continue
                wall, cpu = _measure(
                    runs,
                    projects[(case.shape, gospel.label)],
                    work,
                    gospel.argv(*case.args),
                    gospel.env,
                    writes=case.writes,
                    ok=case.ok,
                )
                cells.append(f"{_format(wall)} /{_format(cpu)}")
            print(f"  {case.label:<54}{''.join(cells)}", flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
