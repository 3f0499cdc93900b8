"""Read a project's Python files once, parsed with :mod:`ast`, and answer questions about them.

``gospel check`` never imports or runs the project (except for the opt-in ``--migrations``
comparison). Every rule works on the :class:`Project` built here: each file is read and parsed
exactly once, and derived facts (imports, module names) are computed lazily and cached.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from gospel_scaffold.errors import NotAProjectError, UnreadableProjectError

__all__ = [
    "ImportRef",
    "Project",
    "SourceFile",
    "call_name",
    "is_type_checking_test",
    "load_project",
    "one_per_statement",
    "within",
]

#: The top-level folders whose Python files are read.
_SOURCE_ROOTS = ("app", "tests")
#: Folders never descended into.
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "build", "dist"})


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported module or name.

    Attributes:
        module: The absolute dotted module imported from (``app.models.user``). For
            ``from app.models import user`` where ``app/models/user.py`` exists, this is the
            submodule ``app.models.user`` and ``name`` is ``None``.
        name: The imported name for ``from x import name`` (``None`` for module imports).
        alias: The name bound in the importing module.
        node: The ``import`` statement.
        type_checking: Whether the import only runs for type checkers (``if TYPE_CHECKING:``).
    """

    module: str
    name: str | None
    alias: str
    node: ast.stmt
    type_checking: bool


@dataclass(eq=False)
class SourceFile:
    """One parsed Python file of the project.

    Attributes:
        path: The path relative to the project root, with ``/`` separators.
        module: The dotted module name (``app.models.user``; packages end in ``__init__``-less
            names, e.g. ``app.api.routes``).
        tree: The parsed module.
        text: The file's text.
        project: The project the file belongs to.
    """

    path: str
    module: str
    tree: ast.Module
    text: str
    project: Project = field(repr=False)

    @property
    def is_package(self) -> bool:
        """Whether this is a package's ``__init__.py``."""
        return self.path.endswith("__init__.py")

    @property
    def stem(self) -> str:
        """The file name without ``.py`` (``user`` for ``app/models/user.py``)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")

    @cached_property
    def lines(self) -> list[str]:
        """The file's lines (computed only when needed, e.g. for suppression comments)."""
        return self.text.splitlines()

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every syntax node of the file, walked once."""
        return list(ast.walk(self.tree))

    @cached_property
    def calls(self) -> list[ast.Call]:
        """Every call in the file."""
        return [node for node in self.nodes if isinstance(node, ast.Call)]

    @cached_property
    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Every function and method of the file, nested ones included."""
        return [
            node for node in self.nodes if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Each syntax node's parent (computed only when a violation needs its statement)."""
        return {child: node for node in self.nodes for child in ast.iter_child_nodes(node)}

    def statement_lines(self, node: ast.AST) -> tuple[int, int]:
        """Return the first and last line of the statement ``node`` belongs to.

        For a compound statement (``class``, ``def``, ``if``, ``with``, ``except``, ...) that is
        its header, decorators included, never its body; for any other statement, every line
        it spans. An inline suppression comment may sit on any of these lines.

        Args:
            node: A syntax node of this file.

        Returns:
            The 1-based first and last lines (both at least the node's own line).
        """
        line: int = getattr(node, "lineno", 1)
        statement: ast.AST | None = node
        while statement is not None and not isinstance(statement, ast.stmt | ast.ExceptHandler):
            statement = self.parents.get(statement)
        if statement is None:
            statement = node  # not part of this file's tree: its own lines
        start: int = getattr(statement, "lineno", line)
        end: int = getattr(statement, "end_lineno", None) or start
        decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
        if decorators:
            start = min([start, *(decorator.lineno for decorator in decorators)])
        body = getattr(statement, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = self._header_end(start, body[0])
        return min(start, line), max(end, line)

    def _header_end(self, start: int, first: ast.stmt) -> int:
        """The last line of a compound statement's header, whose body begins with ``first``."""
        first_decorators: list[ast.expr] = getattr(first, "decorator_list", [])
        body_start = min([first.lineno, *(d.lineno for d in first_decorators)])
        end = body_start - 1
        # Blank and comment-only lines between the header and the body belong to the body.
        while end > start and (
            not self.lines[end - 1].strip() or self.lines[end - 1].lstrip().startswith("#")
        ):
            end -= 1
        return max(start, end)

    def mentions(self, *words: str) -> bool:
        """Whether the file's text contains any of ``words`` (a cheap filter before walking)."""
        return any(word in self.text for word in words)

    def calls_in(self, node: ast.AST) -> list[ast.Call]:
        """Every call inside ``node`` (the cached list when ``node`` is the whole module)."""
        if node is self.tree:
            return self.calls
        return [child for child in ast.walk(node) if isinstance(child, ast.Call)]

    @cached_property
    def imports(self) -> list[ImportRef]:
        """Every import in the file, anywhere (module level, functions, ``TYPE_CHECKING``)."""
        refs: list[ImportRef] = []
        self._collect_imports(self.tree.body, type_checking=False, into=refs)
        return refs

    @cached_property
    def bindings(self) -> dict[str, ImportRef]:
        """Imported names bound at runtime, by the name they are bound to."""
        return {ref.alias: ref for ref in self.imports if not ref.type_checking}

    def imported_from(self, name: str, *modules: str) -> bool:
        """Whether ``name`` is bound by an import from one of ``modules`` (or their submodules).

        Args:
            name: The local name, e.g. ``select``.
            *modules: Module prefixes, e.g. ``sqlalchemy``.

        Returns:
            ``True`` when the name comes from one of the modules.
        """
        ref = self.bindings.get(name)
        if ref is None:
            return False
        return any(within(ref.module, m) for m in modules)

    def _package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]

    def _resolve(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        parts = self._package().split(".")
        base = parts[: len(parts) - (level - 1)] if level > 1 else parts
        return ".".join([*base, module] if module else base)

    def _collect_imports(
        self, body: list[ast.stmt], *, type_checking: bool, into: list[ImportRef]
    ) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.partition(".")[0]
                    into.append(ImportRef(alias.name, None, bound, node, type_checking))
            elif isinstance(node, ast.ImportFrom):
                base = self._resolve(node.module, node.level)
                for alias in node.names:
                    bound = alias.asname or alias.name
                    submodule = f"{base}.{alias.name}"
                    if alias.name != "*" and submodule in self.project.modules:
                        into.append(ImportRef(submodule, None, bound, node, type_checking))
                    else:
                        into.append(ImportRef(base, alias.name, bound, node, type_checking))
            elif isinstance(node, ast.If):
                guarded = type_checking or is_type_checking_test(node.test)
                self._collect_imports(node.body, type_checking=guarded, into=into)
                self._collect_imports(node.orelse, type_checking=type_checking, into=into)
            else:
                for child_body in _child_bodies(node):
                    self._collect_imports(child_body, type_checking=type_checking, into=into)


def _child_bodies(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Yield the statement lists nested in ``node`` (function, class, try, with, loop bodies)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def within(module: str, package: str) -> bool:
    """Whether ``module`` is ``package`` itself or one of its submodules."""
    return module == package or module.startswith(package + ".")


def one_per_statement(refs: Iterable[ImportRef]) -> Iterator[ImportRef]:
    """Yield ``refs`` but only the first of each ``import`` statement.

    ``from app.api import a, b`` is one statement: a rule reports it once, not once per name.
    """
    seen: set[int] = set()
    for ref in refs:
        if id(ref.node) not in seen:
            seen.add(id(ref.node))
            yield ref


def is_type_checking_test(test: ast.expr) -> bool:
    """Whether an ``if`` test is ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def call_name(call: ast.Call) -> str:
    """Return the called name: ``f`` for ``f()``, ``x.f`` → ``f``; ``""`` for anything else."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


@dataclass(eq=False)
class Project:
    """A project's parsed sources.

    Attributes:
        root: The project directory.
        files: Every parsed file, by its relative path.
        modules: Every parsed file, by its dotted module name.
    """

    root: Path
    files: dict[str, SourceFile] = field(default_factory=dict)
    modules: dict[str, SourceFile] = field(default_factory=dict)

    def get(self, path: str) -> SourceFile | None:
        """Return the file at ``path`` (relative, ``/`` separators), if the project has it."""
        return self.files.get(path)

    def under(self, folder: str, *, packages: bool = False) -> list[SourceFile]:
        """Return the files directly inside ``folder`` (not in subfolders), in path order.

        Args:
            folder: A relative folder such as ``app/models``.
            packages: Whether to include the folder's ``__init__.py``.

        Returns:
            The files.
        """
        prefix = folder.rstrip("/") + "/"
        return [
            source
            for path, source in sorted(self.files.items())
            if path.startswith(prefix)
            and "/" not in path[len(prefix) :]
            and (packages or not source.is_package)
        ]

    def tree_under(self, folder: str) -> list[SourceFile]:
        """Return every file anywhere below ``folder``, in path order."""
        prefix = folder.rstrip("/") + "/"
        return [source for path, source in sorted(self.files.items()) if path.startswith(prefix)]


def _module_name(relative: str) -> str:
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _python_files(root: Path, top: str) -> Iterator[str]:
    base = root / top
    if not base.is_dir():
        return
    for directory, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        rel_dir = Path(directory).relative_to(root).as_posix()
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                yield f"{rel_dir}/{filename}"


def load_project(root: Path) -> Project:
    """Read and parse the Python files under ``app/`` and ``tests/`` of the project at ``root``.

    Args:
        root: The project directory.

    Returns:
        The parsed project.

    Raises:
        NotAProjectError: ``root`` has no ``app/`` package.
        UnreadableProjectError: A file cannot be read or parsed.
    """
    if not (root / "app").is_dir():
        raise NotAProjectError(root, "no app/ package")
    project = Project(root=root)
    pending: list[tuple[str, str]] = []
    for top in _SOURCE_ROOTS:
        for relative in _python_files(root, top):
            try:
                text = (root / relative).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise UnreadableProjectError(f"cannot read {relative}: {error}") from error
            pending.append((relative, text))
    for relative, text in pending:
        try:
            tree = ast.parse(text, filename=relative)
        except SyntaxError as error:
            where = f"{relative}:{error.lineno or 1}:{error.offset or 1}"
            raise UnreadableProjectError(
                f"cannot parse {where}: {error.msg} (fix the syntax error, then run again)"
            ) from error
        source = SourceFile(relative, _module_name(relative), tree, text, project)
        project.files[relative] = source
        project.modules[source.module] = source
    return project
