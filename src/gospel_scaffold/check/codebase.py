"""A project's sources as ``gospel check`` reads them: parsed once, never imported or run.

The application package (and the model registry, when it lives outside it, such as Alembic's
``env.py``) is parsed with :mod:`ast`, using the grammar of the project's ``requires-python``
where the running interpreter can (see :func:`parse_source`). Test files are only read as text:
the test rule looks for mentions of routes and modules in them, which needs no syntax tree.
Derived facts (imports, calls, parents) are computed lazily and cached per file; analyses over
the whole codebase are cached with :meth:`Codebase.memo`.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from gospel_scaffold.errors import UnreadableProjectError

if TYPE_CHECKING:
    from gospel_scaffold.check.layout import Layout

__all__ = [
    "SKIP_DIRS",
    "Codebase",
    "ImportRef",
    "SourceFile",
    "TextFile",
    "call_name",
    "is_type_checking_test",
    "load_codebase",
    "one_per_statement",
    "parse_source",
    "python_files",
    "walk",
    "within",
]

#: Folders never descended into.
SKIP_DIRS = frozenset({"__pycache__", "node_modules", "build", "dist", "site-packages"})

_T = TypeVar("_T")


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


#: Expression contexts: one per name, never of interest to a rule.
_CONTEXTS = (ast.Load, ast.Store, ast.Del)


def walk(tree: ast.AST) -> list[ast.AST]:
    """Return every node of ``tree``, breadth first; expression contexts (Load/Store) left out.

    About twice as fast as :func:`ast.walk`, which matters: rules walk every route handler.
    """
    found: list[ast.AST | None] = [tree]
    holes = False
    index = 0
    while index < len(found):
        node = found[index]
        index += 1
        if node is None:  # Dict.keys and arguments.kw_defaults hold None among the nodes
            holes = True
            continue
        for value in node.__dict__.values():
            kind = type(value)
            if kind is list:
                if value and (value[0] is None or isinstance(value[0], ast.AST)):
                    found.extend(value)
            elif isinstance(value, ast.AST) and kind not in _CONTEXTS:
                found.append(value)
    if holes:
        return [node for node in found if node is not None]
    return found  # type: ignore[return-value]  # no None was met


@dataclass(eq=False)
class SourceFile:
    """One parsed Python file.

    Attributes:
        path: The path relative to the project root, with ``/`` separators.
        module: The dotted module name (``app.models.user``; a package's ``__init__.py`` is
            the package, e.g. ``app.api.routes``).
        tree: The parsed module.
        text: The file's text.
        codebase: The codebase the file belongs to.
    """

    path: str
    module: str
    tree: ast.Module
    text: str
    codebase: Codebase = field(repr=False)

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
        return walk(self.tree)

    @cached_property
    def calls(self) -> list[ast.Call]:
        """Every call in the file."""
        return [node for node in self.nodes if isinstance(node, ast.Call)]

    @cached_property
    def statements(self) -> list[ast.stmt]:
        """Every statement of the file, in compound statements' bodies too (no expressions)."""
        found: list[ast.stmt] = []
        pending = [self.tree.body]
        while pending:
            for statement in pending.pop():
                found.append(statement)
                pending.extend(_child_bodies(statement))
        return found

    @cached_property
    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Every function and method of the file, nested ones included."""
        return [
            node
            for node in self.statements
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
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
        return [child for child in walk(node) if isinstance(child, ast.Call)]

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

    @cached_property
    def assignments(self) -> dict[str, ast.expr]:
        """The value of each name assigned once at module level (``router = APIRouter()``)."""
        values: dict[str, ast.expr] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        values[target.id] = node.value
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                values[node.target.id] = node.value
            elif sys.version_info >= (3, 12) and isinstance(node, ast.TypeAlias):
                values[node.name.id] = node.value
        return values

    @cached_property
    def classes(self) -> dict[str, ast.ClassDef]:
        """The classes defined at module level, by name."""
        return {node.name: node for node in self.tree.body if isinstance(node, ast.ClassDef)}

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

    def original_name(self, name: str) -> str:
        """Return the name ``name`` was imported as (``select`` for ``sa_select``), or itself."""
        ref = self.bindings.get(name)
        return ref.name if ref is not None and ref.name is not None else name

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
        modules = self.codebase.modules
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
                    if alias.name != "*" and submodule in modules:
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


@dataclass(frozen=True, slots=True)
class TextFile:
    """A file read as text only (a test module).

    Attributes:
        path: The path relative to the project root, with ``/`` separators.
        text: The file's text.
    """

    path: str
    text: str


#: Statements that hold other statements.
_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)


def _child_bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """Return the statement lists nested in ``node`` (function, class, try, with, loop bodies)."""
    if not isinstance(node, _COMPOUND):
        return []
    bodies: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            bodies.append(value)
    bodies.extend(handler.body for handler in getattr(node, "handlers", ()))
    bodies.extend(case.body for case in getattr(node, "cases", ()))
    return bodies


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
class Codebase:
    """A project's parsed sources, and where they are.

    Attributes:
        layout: Where the package, tests and registry are.
        files: Every parsed file (the package's, plus the model registry when it lives outside
            the package), by its relative path.
        modules: The same files, by dotted module name.
        tests: The test modules, read as text.
        sources: The application package's files, in path order: what the rules hold to the
            gospel (the registry outside the package, or in Alembic's folder, is not one).
        notes: Things worth saying that are not violations (a file parsed with a newer grammar
            than the project declares).
    """

    layout: Layout
    files: dict[str, SourceFile] = field(default_factory=dict)
    modules: dict[str, SourceFile] = field(default_factory=dict)
    tests: list[TextFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    _memo: dict[object, object] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Path:
        """The project directory."""
        return self.layout.root

    @property
    def package(self) -> str:
        """The application package's import name (``app``)."""
        return self.layout.package

    def get(self, path: str) -> SourceFile | None:
        """Return the parsed file at ``path`` (relative, ``/`` separators), if any."""
        return self.files.get(path)

    def layer(self, name: str) -> str:
        """Return the dotted name of a layer of the package (``app.models`` for ``models``)."""
        return f"{self.package}.{name}"

    def definition(self, source: SourceFile, name: str) -> tuple[SourceFile, str] | None:
        """Find where ``name``, as seen from ``source``, is defined in the codebase.

        Follows imports and re-exports (``from app.api import router`` where ``app/api``
        re-exports it) to the module that assigns it or defines it as a class.

        Args:
            source: The file the name is used in.
            name: The name.

        Returns:
            The defining file and the name there, or ``None`` when it is not defined in the
            codebase (a third-party name, a builtin, a local variable).
        """
        for _ in range(10):  # re-export chains are short; cycles must not loop forever
            if name in source.classes or name in source.assignments:
                return source, name
            ref = source.bindings.get(name)
            if ref is None or ref.name is None or ref.name == "*":
                return None
            target = self.modules.get(ref.module)
            if target is None:
                return None
            source, name = target, ref.name
        return None

    def module_named(self, source: SourceFile, expression: ast.expr) -> str | None:
        """Return the codebase module an expression names (``routes.items`` → its module).

        Args:
            source: The file the expression is in.
            expression: A name or a dotted attribute chain.

        Returns:
            The dotted module name when it is a module of the codebase, else ``None``.
        """
        parts: list[str] = []
        while isinstance(expression, ast.Attribute):
            parts.append(expression.attr)
            expression = expression.value
        if not isinstance(expression, ast.Name):
            return None
        ref = source.bindings.get(expression.id)
        if ref is None:
            return None
        if ref.name is not None:
            base = f"{ref.module}.{ref.name}"
        elif "." in ref.module and ref.alias == ref.module.partition(".")[0]:
            base = ref.alias  # `import app.api.routes` binds the top package `app`
        else:
            base = ref.module
        module = ".".join([base, *reversed(parts)])
        return module if module in self.modules else None

    def memo(self, analysis: Callable[[Codebase], _T]) -> _T:
        """Run a whole-codebase ``analysis`` once; later calls return the same result."""
        if analysis not in self._memo:
            self._memo[analysis] = analysis(self)
        return self._memo[analysis]  # type: ignore[return-value]

    def release(self) -> None:
        """Drop every file and analysis, so memory is freed without the cyclic collector."""
        self._memo.clear()
        self.files.clear()
        self.modules.clear()
        self.sources.clear()
        self.tests.clear()


def parse_source(text: str, path: str, layout: Layout) -> tuple[ast.Module, str | None]:
    """Parse one file with the project's grammar.

    The grammar is that of the project's lowest supported Python (``requires-python``) when the
    running interpreter knows it, else the interpreter's own. A file the lower grammar rejects
    but the interpreter's accepts is read anyway, with a note: it uses syntax newer than the
    project declares.

    Args:
        text: The file's text.
        path: Its relative path, for messages.
        layout: The project's layout (its ``requires-python`` and the grammar chosen from it).

    Returns:
        The tree, and a note when the file needed a newer grammar than the project declares.

    Raises:
        UnreadableProjectError: the file does not parse; the message says with which Python's
            grammar, and which Python the project requires.
    """
    running = sys.version_info[:2]
    try:
        return ast.parse(text, filename=path, feature_version=layout.python), None
    except SyntaxError as error:
        first = error
    where = f"{path}:{first.lineno or 1}:{first.offset or 1}"
    version = ".".join(map(str, running))
    requires = layout.requires_python
    minimum = layout.minimum_python
    if minimum is not None and minimum > running:
        wanted = ".".join(map(str, minimum))
        raise UnreadableProjectError(
            f"cannot parse {where} with Python {version}'s grammar ({first.msg}): the project "
            f"requires Python {requires}, newer than the Python gospel runs on; run gospel on "
            f"Python {wanted} or later, e.g. `uvx --python {wanted} --from gospel-scaffold "
            "gospel check`"
        )
    if layout.python < running:
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError:
            pass
        else:
            return tree, (
                f"{where} uses syntax newer than requires-python {requires} allows "
                f"({first.msg}); read with Python {version}'s grammar"
            )
    declared = f", the project declares requires-python {requires}" if requires else ""
    raise UnreadableProjectError(
        f"cannot parse {where}: {first.msg} (parsed with Python {version}'s grammar{declared}); "
        "fix the syntax error, or run gospel on the newer Python the file is written for"
    )


def _module_name(relative: str, import_root: str) -> str:
    if import_root and relative.startswith(import_root + "/"):
        relative = relative[len(import_root) + 1 :]
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(root: Path, top: str, skip: Iterable[str] = ()) -> Iterator[str]:
    """Yield the relative paths of the ``*.py`` files below ``root/top``, in path order.

    Args:
        root: The project directory.
        top: A folder relative to ``root``.
        skip: Relative folders not to descend into.

    Yields:
        Paths relative to ``root`` with ``/`` separators. Hidden folders, caches and build
        output are skipped.
    """
    base = root / top
    if not base.is_dir():
        return
    skipped = set(skip)
    for directory, dirnames, filenames in os.walk(base):
        rel_dir = Path(directory).relative_to(root).as_posix()
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS and not d.startswith(".") and f"{rel_dir}/{d}" not in skipped
        )
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                yield f"{rel_dir}/{filename}"


def _is_test_module(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _read(root: Path, relative: str) -> str:
    try:
        return (root / relative).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableProjectError(f"cannot read {relative}: {error}") from error


def load_codebase(layout: Layout) -> Codebase:
    """Read the project's sources: parse the package and the model registry, read the tests.

    Test modules kept inside the package (``test_*.py``, ``*_test.py``, ``conftest.py``) are
    read as tests, not held to the rules as application code.

    Args:
        layout: Where the package, tests and model registry are.

    Returns:
        The codebase.

    Raises:
        UnreadableProjectError: a file cannot be read or parsed.
    """
    root = layout.root
    codebase = Codebase(layout=layout)
    package: list[str] = []
    for relative in python_files(root, layout.package_dir, skip=layout.excluded):
        if _is_test_module(relative):  # a test kept next to the code is a test, not code
            codebase.tests.append(TextFile(relative, _read(root, relative)))
        else:
            package.append(relative)
    registry = layout.registry
    outside = [registry] if registry is not None and registry not in package else []
    for relative in [*package, *outside]:
        text = _read(root, relative)
        tree, note = parse_source(text, relative, layout)
        if note is not None:
            codebase.notes.append(note)
        source = SourceFile(
            relative, _module_name(relative, layout.import_root), tree, text, codebase
        )
        codebase.files[relative] = source
        codebase.modules.setdefault(source.module, source)
    codebase.sources = [codebase.files[relative] for relative in package]
    for folder in layout.tests:
        for relative in python_files(root, folder):
            codebase.tests.append(TextFile(relative, _read(root, relative)))
    return codebase
