"""Run the rules over a project: layout, selection, configuration and suppression in one place."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from gospel_scaffold.check.codebase import Codebase, load_codebase
from gospel_scaffold.check.config import CheckConfig, load_config, matches, parse_selectors
from gospel_scaffold.check.layout import discover_layout
from gospel_scaffold.check.model import RULES, CheckResult, RuleSkipped, SkippedRule, Violation
from gospel_scaffold.check.routing import routing
from gospel_scaffold.check.rules import CHECKS
from gospel_scaffold.check.rules.models import model_modules
from gospel_scaffold.check.rules.registration import model_registry
from gospel_scaffold.check.suppress import is_suppressed
from gospel_scaffold.errors import InvalidInputError, UnreadableProjectError

__all__ = ["layout_document", "read_codebase", "run_check", "selected_codes"]

#: Why an opt-in rule did not run.
_NEEDS_MIGRATIONS = (
    "needs --migrations: it runs the project's own Alembic against a scratch SQLite database"
)


def selected_codes(
    select: Sequence[str] | None, ignore: Sequence[str], *, migrations: bool
) -> tuple[str, ...]:
    """Return the rule codes to run, in code order.

    Args:
        select: Selectors to run (``None``: every rule).
        ignore: Selectors not to run.
        migrations: Whether opt-in rules (GOS801) may run.

    Returns:
        The codes.
    """
    return tuple(
        code
        for code, rule in RULES.items()
        if (migrations or not rule.opt_in)
        and (select is None or matches(code, select))
        and not matches(code, ignore)
    )


def _named_opt_in(select: Sequence[str] | None, ignore: Sequence[str]) -> tuple[str, ...]:
    """The opt-in rules a selector picks by family or code (``GOS8``, not the catch-all ``GOS``)."""
    if select is None:
        return ()
    specific = [selector for selector in select if len(selector) > len("GOS")]
    return tuple(
        code
        for code, rule in RULES.items()
        if rule.opt_in and matches(code, specific) and not matches(code, ignore)
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector for the duration of a check.

    A check allocates a few hundred thousand syntax nodes, none of them in a reference cycle.
    Left running, the collector rescans every live node each time allocations pile up, which
    doubles the time of a check; reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_codebase(root: Path) -> Codebase:
    """Read the project at ``root`` as the check sees it: configuration, layout, sources.

    Raises:
        UnreadableProjectError: the project cannot be read.
    """
    config = load_config(root)
    return load_codebase(discover_layout(root.resolve(), config.layout, config.pyproject))


def run_check(
    root: Path,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    migrations: bool = False,
) -> CheckResult:
    """Check the project at ``root`` against the gospel's rules.

    Args:
        root: The project directory (the one holding ``pyproject.toml``).
        select: Selectors (codes or prefixes) to run instead of the configured ``select``;
            ``None`` keeps the configured one. An empty selection is an error, never "no rule".
        ignore: Selectors to skip, on top of the configured ``ignore``.
        migrations: Whether to also compare the models with the migrations (GOS801), which
            runs the project's own Python.

    Returns:
        The violations left after configuration and inline suppressions, the rules that were
        skipped and why, and the layout the check used.

    Raises:
        UnreadableProjectError: the project cannot be read (exit code 2).
        InvalidInputError: a selector names no rule, the selection is empty, or it picks only
            rules that need ``--migrations`` (exit code 2).
    """
    if not root.is_dir():
        raise UnreadableProjectError(f"{root} is not a directory")
    root = root.resolve()
    config = load_config(root)
    chosen = config.select
    where = "select in [tool.gospel]"
    if select is not None:
        where = "--select"
        chosen = parse_selectors(select, where="--select")
        if not chosen:
            raise InvalidInputError(
                "--select names no rule: give codes or prefixes such as GOS1,GOS201, or leave "
                "it out to run every rule"
            )
    skipped = (*config.ignore, *parse_selectors(ignore, where="--ignore"))
    codes = selected_codes(chosen, skipped, migrations=migrations)
    waiting = () if migrations else _named_opt_in(chosen, skipped)
    if not codes:
        if waiting:
            raise InvalidInputError(
                f"{where} picks only {', '.join(waiting)}, which runs only with --migrations "
                "(it runs the project's own Alembic): add --migrations"
            )
        raise InvalidInputError(
            f"no rule left to run: the ignored codes remove every rule {where} picks"
        )
    with _collector_paused():
        layout = discover_layout(root, config.layout, config.pyproject)
        codebase = load_codebase(layout)
        try:
            return _run(codebase, config, codes, waiting)
        finally:
            codebase.release()


def _run(
    codebase: Codebase, config: CheckConfig, codes: tuple[str, ...], waiting: tuple[str, ...]
) -> CheckResult:
    """Run the selected checks on a loaded codebase; suppress, and gather the result."""
    found: list[Violation] = []
    not_run = [SkippedRule(code, _NEEDS_MIGRATIONS) for code in waiting]
    for code in codes:
        try:
            found.extend(CHECKS[code](codebase))
        except RuleSkipped as reason:
            not_run.append(SkippedRule(code, str(reason)))
    kept: list[Violation] = []
    suppressed = 0
    for violation in sorted(set(found)):
        if config.ignored_in(violation.path, violation.code) or is_suppressed(violation, codebase):
            suppressed += 1
        else:
            kept.append(violation)
    skipped_codes = {rule.code for rule in not_run}
    return CheckResult(
        root=str(codebase.root),
        violations=tuple(kept),
        files_checked=len(codebase.files) + len(codebase.tests),
        codes=tuple(code for code in codes if code not in skipped_codes),
        suppressed=suppressed,
        skipped=tuple(sorted(not_run, key=lambda rule: rule.code)),
        notes=tuple(codebase.notes),
        layout=layout_document(codebase),
    )


def layout_document(codebase: Codebase) -> dict[str, object]:
    """Describe where the check found each part of the project (``--show-layout``).

    Args:
        codebase: The loaded codebase.

    Returns:
        A JSON-ready mapping: ``package``, ``python``, ``application``, ``routers``,
        ``models``, ``tests`` and ``excluded``; each path is relative to the project, and
        ``origin`` says whether ``[tool.gospel]`` set it or it was found.
    """
    layout = codebase.layout
    found = routing(codebase)
    registry = model_registry(codebase)
    models = model_modules(codebase)
    running = ".".join(map(str, sys.version_info[:2]))
    return {
        "package": {
            "path": layout.package_dir,
            "import": layout.package,
            "files": len(codebase.sources),
            "origin": layout.origin("package"),
        },
        "python": {
            "grammar": ".".join(map(str, layout.python)),
            "requires_python": layout.requires_python,
            "interpreter": running,
        },
        "application": {
            "paths": sorted({f"{app.source.path}:{app.node.lineno}" for app in found.applications}),
            "origin": layout.origin("application"),
        },
        "routers": {
            "aggregators": found.aggregators(),
            "routers": sum(
                1 for r in found.routers.values() if not r.application and r.module_level
            ),
            "route_modules": len(found.route_modules()),
            "origin": layout.origin("router_aggregators"),
        },
        "models": {
            "registry": registry.file.path if registry is not None else None,
            "registers": registry.register.path if registry is not None else None,
            "modules": len(models),
            "origin": layout.origin("model_registry"),
        },
        "tests": {
            "paths": list(layout.tests),
            "files": len(codebase.tests),
            "origin": layout.origin("tests"),
        },
        "excluded": list(layout.excluded),
    }
