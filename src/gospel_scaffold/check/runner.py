"""Run the rules over a project: selection, configuration and suppression in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gospel_scaffold.check.config import load_config, matches, parse_selectors
from gospel_scaffold.check.model import RULES, CheckResult, Violation
from gospel_scaffold.check.project import load_project
from gospel_scaffold.check.rules import CHECKS
from gospel_scaffold.check.suppress import is_suppressed
from gospel_scaffold.errors import InvalidInputError, UnreadableProjectError

__all__ = ["run_check", "selected_codes"]


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


def run_check(
    root: Path,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    migrations: bool = False,
) -> CheckResult:
    """Check the project at ``root`` against the gospel's rules.

    Args:
        root: The project directory (the one holding ``app/`` and ``pyproject.toml``).
        select: Selectors (codes or prefixes) to run instead of the configured ``select``;
            ``None`` keeps the configured one. An empty selection is an error, never "no rule".
        ignore: Selectors to skip, on top of the configured ``ignore``.
        migrations: Whether to also compare the models with the migrations (GOS801), which
            runs the project's own Python.

    Returns:
        The violations left after configuration and inline suppressions.

    Raises:
        UnreadableProjectError: the project cannot be read (exit code 2).
        InvalidInputError: a selector names no rule, or ``select`` is given but empty (exit
            code 2).
    """
    if not root.is_dir():
        raise UnreadableProjectError(f"{root} is not a directory")
    root = root.resolve()
    config = load_config(root)
    chosen = config.select
    if select is not None:
        chosen = parse_selectors(select, where="--select")
        if not chosen:
            raise InvalidInputError(
                "--select names no rule: give codes or prefixes such as GOS1,GOS201, or leave "
                "it out to run every rule"
            )
    skipped = (*config.ignore, *parse_selectors(ignore, where="--ignore"))
    codes = selected_codes(chosen, skipped, migrations=migrations)
    project = load_project(root)
    found: list[Violation] = []
    for code in codes:
        found.extend(CHECKS[code](project))
    kept: list[Violation] = []
    suppressed = 0
    for violation in sorted(set(found)):
        if config.ignored_in(violation.path, violation.code) or is_suppressed(violation, project):
            suppressed += 1
        else:
            kept.append(violation)
    return CheckResult(
        root=str(root),
        violations=tuple(kept),
        files_checked=len(project.files),
        codes=codes,
        suppressed=suppressed,
    )
