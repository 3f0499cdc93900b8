"""Where the project's own code still uses an attribute a ``remove-field`` takes away.

Nothing else in gospel's model can depend on a field: references point at ``id``, and unique
fields and indexes belong to their own table. What can break is code that uses the attributes
the field brought: its column (``Payment.amount``), its relationship (``Payment.customer``) and
the collection it added to the other model (``Customer.payments``).

Only uses that name the class are found: ``Customer.payments`` in code (``selectinload``,
``.any()``, ``order_by``) or in a string (``foreign_keys="Payment.customer_id"``). A use through
an instance (``customer.payments``) cannot be told apart without types; the project's own
``mypy --strict`` reports it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Usage", "find_usages"]

_SKIPPED = frozenset(
    {"venv", "env", "migrations", "node_modules", "__pycache__", "site-packages", "build", "dist"}
)


@dataclass(frozen=True)
class Usage:
    """One use of a removed attribute.

    Attributes:
        path: The file, relative to the project root.
        line: Its line.
        name: ``Class.attribute``.
    """

    path: str
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} in {self.path}:{self.line}"


def _python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if not any(part in _SKIPPED or part.startswith(".") for part in parts[:-1]):
            yield path


def _uses(tree: ast.AST, names: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and f"{node.value.id}.{node.attr}" in names
        ):
            yield node.lineno, f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for name in names:
                if re.search(rf"\b{re.escape(name)}\b", node.value):
                    yield node.lineno, name


def find_usages(root: Path, removed: set[str], planned: Mapping[str, str | None]) -> list[Usage]:
    """Return the uses of ``removed`` (``Class.attribute`` names) in the project's Python files.

    Args:
        root: The project root.
        removed: The attributes that go away, as ``Class.attribute``.
        planned: Files the command rewrites (``None``: deletes), by relative path: their new
            text is searched instead of the one on disk.
    """
    if not removed:
        return []
    pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(removed)))
    found: list[Usage] = []
    paths = {path.relative_to(root).as_posix() for path in _python_files(root)}
    paths |= {path for path in planned if path.endswith(".py")}
    for relative in sorted(paths):
        if relative in planned:
            text = planned[relative]
        else:
            try:
                text = (root / relative).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        if text is None or pattern.search(text) is None:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        found += [Usage(relative, line, name) for line, name in _uses(tree, removed)]
    return found
