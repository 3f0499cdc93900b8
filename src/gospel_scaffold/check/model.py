"""The vocabulary of ``gospel check``: rules, violations and the result of a run.

Every rule has a stable code (``GOS`` + family digit + number), a short kebab-case name, a
one-line summary and a "how to fix" hint. The codes are grouped by family:

====  ==============
1xx   models
2xx   registration
3xx   routers
4xx   sessions
5xx   layering
6xx   schemas
7xx   tests
8xx   migrations
====  ==============
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gospel_scaffold.check.codebase import SourceFile

__all__ = [
    "DOCS_BASE",
    "RULES",
    "CheckResult",
    "Rule",
    "RuleSkipped",
    "SkippedRule",
    "Violation",
    "rule",
]

#: Where each rule's documentation page lives, relative to the gospel repository.
DOCS_BASE = "docs/rules"


@dataclass(frozen=True, slots=True)
class Rule:
    """One architecture rule ``gospel check`` enforces.

    Attributes:
        code: The stable code, e.g. ``GOS101``.
        name: A short kebab-case name, e.g. ``model-imports-model``.
        family: The family the code belongs to (``models``, ``registration``, ...).
        summary: What the rule forbids, in one line.
        fix: How to fix a violation, in one line (shown under each violation).
        opt_in: Whether the rule only runs when asked for (``--migrations``).
    """

    code: str
    name: str
    family: str
    summary: str
    fix: str
    opt_in: bool = False

    @property
    def docs(self) -> str:
        """The path of the rule's documentation page in the gospel repository."""
        return f"{DOCS_BASE}/{self.code}.md"

    def at(
        self,
        source: SourceFile,
        node: ast.AST | None,
        message: str,
        *,
        fix: str | None = None,
    ) -> Violation:
        """Build a violation of this rule located at ``node`` in ``source``.

        Args:
            source: The file the violation is in.
            node: The syntax node it points at; ``None`` for the top of the file.
            message: What is wrong, naming the offending thing.
            fix: A more specific fix than the rule's generic one.

        Returns:
            The violation.
        """
        line = getattr(node, "lineno", 1) if node is not None else 1
        column = getattr(node, "col_offset", 0) + 1 if node is not None else 1
        start_line, end_line = source.statement_lines(node) if node is not None else (1, 1)
        return Violation(
            path=source.path,
            line=line,
            column=column,
            code=self.code,
            message=message,
            fix=fix or self.fix,
            start_line=start_line,
            end_line=end_line,
        )


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One place in the project that breaks a rule.

    Attributes:
        path: The file, relative to the project root, with ``/`` separators.
        line: The 1-based line.
        column: The 1-based column.
        code: The rule's code.
        message: What is wrong.
        fix: How to fix it.
        start_line: The first line of the enclosing statement (for a compound statement such
            as ``class`` or ``def``, of its header, decorators included).
        end_line: The last line of the enclosing statement (of its header, for a compound
            one). An inline suppression comment may sit on any line from ``start_line`` to
            ``end_line``; ``0`` means the violation's own ``line``.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str = field(compare=False)
    start_line: int = field(default=0, compare=False)
    end_line: int = field(default=0, compare=False)

    @property
    def rule(self) -> Rule:
        """The rule this violation breaks."""
        return RULES[self.code]

    def to_dict(self) -> dict[str, object]:
        """Return the violation as a JSON-ready mapping (the shape of ``--format json``)."""
        return {
            "code": self.code,
            "rule": self.rule.name,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "docs": self.rule.docs,
        }


class RuleSkipped(Exception):
    """Raised by a check that cannot find what it needs; the rule is skipped, not run.

    Its message says why (``no FastAPI() application found in app/``), shown to the user as
    ``GOS202 skipped: <reason>``. Raised before the check yields anything.
    """


@dataclass(frozen=True, slots=True)
class SkippedRule:
    """A selected rule that did not run, and why.

    Attributes:
        code: The rule's code.
        reason: Why it did not run, and how to make it run when the user can.
    """

    code: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return it as a JSON-ready mapping."""
        return {"code": self.code, "rule": RULES[self.code].name, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one run of ``gospel check`` found.

    Attributes:
        root: The project directory that was checked.
        violations: Every violation left after selection and suppression, sorted by place.
        files_checked: How many Python files were read.
        codes: The rule codes that ran.
        suppressed: How many violations inline comments or configuration silenced.
        skipped: The selected rules that could not run, with the reason.
        notes: Things worth knowing that are not violations.
        layout: Where the check found the project's parts (the ``--show-layout`` document).
    """

    root: str
    violations: tuple[Violation, ...]
    files_checked: int
    codes: tuple[str, ...]
    suppressed: int = 0
    skipped: tuple[SkippedRule, ...] = ()
    notes: tuple[str, ...] = ()
    layout: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the project broke no rule."""
        return not self.violations

    def by_code(self) -> dict[str, int]:
        """Count the violations per rule code, in code order."""
        counts: dict[str, int] = {}
        for violation in sorted(self.violations, key=lambda v: v.code):
            counts[violation.code] = counts.get(violation.code, 0) + 1
        return counts

    def by_path(self) -> dict[str, list[Violation]]:
        """Group the violations by file, in path order."""
        groups: dict[str, list[Violation]] = {}
        for violation in self.violations:
            groups.setdefault(violation.path, []).append(violation)
        return groups


_RULE_LIST = (
    Rule(
        "GOS101",
        "model-imports-model",
        "models",
        "A model module imports another model module at runtime (the gospel's Rule 2).",
        "Import the other model only under `if TYPE_CHECKING:` and refer to it by name as a "
        'string: relationship("User") / Mapped["User"].',
    ),
    Rule(
        "GOS102",
        "relationship-class-argument",
        "models",
        "A relationship() is given a class instead of a string (the gospel's Rule 2).",
        'Pass the class name as a string, relationship("User", ...), or rely on the '
        'Mapped["User"] annotation with relationship(back_populates=...).',
    ),
    Rule(
        "GOS103",
        "model-business-logic",
        "models",
        "A model method queries the database or opens a session (the gospel's Rule 3).",
        "Move the query into the domain's repository and the workflow into its service; models "
        "only describe tables.",
    ),
    Rule(
        "GOS201",
        "model-not-registered",
        "registration",
        "A model is not imported by the model registry, so Alembic misses its table (the "
        "gospel's Rule 1).",
        "Import the model in the module that registers every model (app/db/database.py in a "
        "gospel project): `from app.models import <module>  # noqa: E402, F401`.",
    ),
    Rule(
        "GOS202",
        "router-not-included",
        "registration",
        "A router is never included by the application or by any router it includes.",
        "Include it in the router aggregator (app/api/routes/__init__.py in a gospel project): "
        '`api_router.include_router(<module>.router, prefix="/<module>", tags=[...])`.',
    ),
    Rule(
        "GOS203",
        "router-included-twice",
        "registration",
        "A router is included twice into the same router, under the same prefix.",
        "Delete the duplicate include_router() line; every router is plugged in exactly once.",
    ),
    Rule(
        "GOS301",
        "handler-uses-database",
        "routers",
        "A route handler queries or writes the database itself instead of calling a service.",
        "Move the query into the repository and the workflow into the service; the handler "
        "calls one service method and returns its result.",
    ),
    Rule(
        "GOS401",
        "manual-session",
        "sessions",
        "A database session is created by hand outside the database layer and the session "
        "dependency.",
        "Take the request's session from the `SessionDep` dependency (get_db) and pass it to "
        "the repository; never open one yourself.",
    ),
    Rule(
        "GOS501",
        "layer-import-direction",
        "layering",
        "A module imports a layer above it (api → services → repositories → models).",
        "Depend only downwards: move the shared code into the lower layer, or pass the value "
        "in as an argument.",
    ),
    Rule(
        "GOS502",
        "web-framework-outside-api",
        "layering",
        "A model, repository or service imports FastAPI or Starlette.",
        "Keep HTTP in app/api/: raise an app.core.exceptions.AppError subclass and let the "
        "handler in main.py turn it into a response.",
    ),
    Rule(
        "GOS601",
        "schema-request-and-response",
        "schemas",
        "One schema class is both a request body and a response of the same router.",
        "Split it: <Name>Create (or <Name>Update) for the body, <Name>Read for the response.",
    ),
    Rule(
        "GOS602",
        "schema-create-and-update",
        "schemas",
        "One schema class is the request body of both a create (POST) and an update (PATCH).",
        "Add a <Name>Update schema whose fields are all optional and use it for PATCH.",
    ),
    Rule(
        "GOS701",
        "domain-without-tests",
        "tests",
        "A domain has no test module exercising its routes or its service.",
        "Add tests/integration/test_<domain>_routes.py calling its routes (and "
        "tests/unit/test_<domain>_service.py for its service).",
    ),
    Rule(
        "GOS801",
        "migrations-out-of-sync",
        "migrations",
        "The models and the migrations disagree (needs --migrations).",
        'Write a migration for the change: `alembic revision --autogenerate -m "..."`, review '
        "it, then `alembic upgrade head`.",
        opt_in=True,
    ),
)

#: Every rule, by code, in code order.
RULES: dict[str, Rule] = {r.code: r for r in _RULE_LIST}


def rule(code: str) -> Rule:
    """Return the rule with ``code``.

    Args:
        code: A rule code such as ``GOS101``.

    Returns:
        The rule.
    """
    return RULES[code]
