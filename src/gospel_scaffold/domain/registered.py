"""Models gospel did not generate: what a reference to one needs to know, read from the source.

A ``ref``/``refs`` field may point at any model registered in ``app/db/database.py`` (the
model registry), not only at ``users`` and domains gospel added. Its class, table and module
come from the registry line and the model file; gospel then checks what its generated code
relies on:

- the primary key is one integer column ``id`` (the foreign key and the API carry it);
- a single reference finds rows through the model's repository (a ``RepositoryBase[Model]``
  subclass under ``app/repositories``), as every gospel service does;
- the generated tests can build a row: every required column (not nullable, no default) gets
  a value gospel derives from its type, its owner (``owner_id``) and any other foreign key to
  ``users`` get the user the test acts as. A required column gospel cannot fill (another
  foreign key, a type it does not know) is refused with the names of those columns.

Reading only, with :mod:`ast` (as :mod:`~gospel_scaffold.domain.target_project` and ``gospel
check`` read a project): nothing here edits a file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "RegisteredModel",
    "SampleRow",
    "find_registered_model",
    "registered_models",
    "table_name",
]

_DEFAULTS = frozenset({"default", "default_factory", "server_default", "insert_default"})
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True)
class SampleRow:
    """How the generated tests build one row of the model.

    Attributes:
        values: ``(column, Python expression)`` pairs; ``{number}`` is a fresh int and
            ``{creator}`` the user the row is built for.
        imports: What the expressions need, ``{module: {names}}``.
        text: The expressions use the tests' ``_text(number, width)`` helper.
    """

    values: tuple[tuple[str, str], ...]
    imports: dict[str, set[str]] = field(default_factory=dict)
    text: bool = False


@dataclass(frozen=True)
class RegisteredModel:
    """A model registered in ``app/db/database.py`` that gospel did not generate.

    Attributes:
        class_name: The mapped class (``Tenant``).
        table: Its ``__tablename__``.
        module: Its module under ``app.models``.
        path: Its file, relative to the project root.
        owned: It has an ``owner_id`` column pointing at ``users``: rows belong to users.
        repository_module: The module under ``app.repositories`` of its repository, if any.
        repository_class: Its repository class, if any.
        sample: How the tests build a row, or ``None`` with ``unfillable`` saying why.
        unfillable: The required columns gospel cannot fill, described for a message.
        problem: Why a reference to it cannot be generated at all (its primary key).
    """

    class_name: str
    table: str
    module: str
    path: str
    owned: bool = False
    repository_module: str | None = None
    repository_class: str | None = None
    sample: SampleRow | None = None
    unfillable: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def singular(self) -> str:
        """The snake-case singular of the class (``invoice_item`` for ``InvoiceItem``)."""
        return _SNAKE.sub("_", self.class_name).lower()

    def refuse_reason(self, spec: str, *, single: bool) -> str | None:
        """Why the field ``spec`` cannot reference this model, or ``None`` when it can.

        Args:
            spec: The field spec, for the message.
            single: A ``ref`` (looked up through the repository) rather than a ``refs`` list.
        """
        where = f"{self.class_name} ({self.path})"
        if self.problem is not None:
            return f"Field {spec!r}: {where} {self.problem}; gospel references need it"
        if single and self.repository_class is None:
            return (
                f"Field {spec!r}: the service finds {self.class_name} rows through its repository "
                f"and app/repositories has none; add one (class {self.class_name}Repository("
                f"RepositoryBase[{self.class_name}]) with model = {self.class_name}) and run "
                "the command again"
            )
        if self.sample is None:
            return (
                f"Field {spec!r}: the generated tests build {self.class_name} rows, and gospel "
                f"cannot fill its required column(s) {', '.join(self.unfillable)}; give them a "
                f"default or make them nullable in {self.path}, or reference another model"
            )
        return None


def _registry(root: Path) -> dict[str, str]:
    """Registered model classes of ``app/db/database.py``: class name to module.

    The registry ``from app.models import tenant, user`` registers every mapped class of the
    modules it names; an older ``from app.models.tenant import Tenant`` line, the classes it
    names (and ``import app.models.tenant``, the module's).
    """
    path = root / "app" / "db" / "database.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    modules: list[str] = []
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "app.models":
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.models."):
            for alias in node.names:
                found[alias.name] = (node.module or "").removeprefix("app.models.")
        elif isinstance(node, ast.Import):
            modules += [
                alias.name.removeprefix("app.models.")
                for alias in node.names
                if alias.asname is None and alias.name.startswith("app.models.")
            ]
    for module in modules:
        for class_name in _mapped_classes(root, module):
            found[class_name] = module
    return found


def _mapped_classes(root: Path, module: str) -> list[str]:
    """The classes of ``app/models/<module>.py`` that map a table (``__tablename__``)."""
    try:
        tree = ast.parse((root / "app" / "models" / f"{module}.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef) and table_name(node) is not None
    ]


def _call_name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


@dataclass(frozen=True)
class _Column:
    name: str
    annotation: str
    nullable: bool
    has_default: bool
    primary_key: bool
    foreign_table: str | None
    length: int | None


def _unwrap_mapped(annotation: ast.expr) -> tuple[str, bool] | None:
    """``Mapped[int | None]`` -> ``("int", True)``; ``None`` for anything else."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    if not (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name | ast.Attribute)
        and ast.unparse(annotation.value).rsplit(".", 1)[-1] == "Mapped"
    ):
        return None
    inner = annotation.slice
    if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
        try:
            inner = ast.parse(inner.value, mode="eval").body
        except SyntaxError:
            return None
    nullable = False
    if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr):
        parts = [inner.left, inner.right]
        kept = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
        nullable = len(kept) < len(parts)
        inner = kept[0] if len(kept) == 1 else inner
    elif isinstance(inner, ast.Subscript) and ast.unparse(inner.value).endswith("Optional"):
        nullable, inner = True, inner.slice
    return ast.unparse(inner), nullable


def _columns(node: ast.ClassDef) -> list[_Column]:
    columns: list[_Column] = []
    for statement in node.body:
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        unwrapped = _unwrap_mapped(statement.annotation)
        if unwrapped is None:
            continue
        annotation, nullable = unwrapped
        call = statement.value
        if call is not None and _call_name(call) not in ("mapped_column", "Column"):
            continue  # a relationship, column_property...
        kwargs: set[str] = set()
        primary_key = has_default = False
        foreign_table: str | None = None
        length: int | None = None
        if isinstance(call, ast.Call):
            kwargs = {k.arg for k in call.keywords if k.arg}
            primary_key = _is_true(_keyword(call, "primary_key"))
            explicit = _keyword(call, "nullable")
            if isinstance(explicit, ast.Constant) and isinstance(explicit.value, bool):
                nullable = explicit.value
            for arg in call.args:
                name = _call_name(arg)
                if name in ("Identity", "Computed"):
                    has_default = True
                if name == "ForeignKey" and isinstance(arg, ast.Call) and arg.args:
                    target = arg.args[0]
                    if isinstance(target, ast.Constant) and isinstance(target.value, str):
                        foreign_table = target.value.split(".")[0]
                if name == "String" and isinstance(arg, ast.Call) and arg.args:
                    size = arg.args[0]
                    if isinstance(size, ast.Constant) and isinstance(size.value, int):
                        length = size.value
        columns.append(
            _Column(
                name=statement.target.id,
                annotation=annotation,
                nullable=nullable,
                has_default=has_default or bool(kwargs & _DEFAULTS),
                primary_key=primary_key,
                foreign_table=foreign_table,
                length=length,
            )
        )
    return columns


def table_name(node: ast.ClassDef) -> str | None:
    """The ``__tablename__`` a model class sets to a string, or None."""
    for statement in node.body:
        target = value = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        if (
            isinstance(target, ast.Name)
            and target.id == "__tablename__"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            return value.value
    return None


def _enum_classes(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).rsplit(".", 1)[-1].endswith("Enum") for base in node.bases)
    }


def _sample(
    columns: list[_Column], enums: set[str], module: str
) -> tuple[SampleRow | None, tuple[str, ...]]:
    """Values for every required column, or the columns gospel cannot fill."""
    values: list[tuple[str, str]] = []
    imports: dict[str, set[str]] = {}
    text = False
    unfillable: list[str] = []
    for column in columns:
        if column.primary_key or column.nullable or column.has_default:
            continue
        kind = column.annotation.rsplit(".", 1)[-1]
        if column.foreign_table is not None:
            if column.foreign_table == "users" and kind == "int":
                values.append((column.name, "{creator}.id"))
            else:
                unfillable.append(f"{column.name} (a foreign key to {column.foreign_table})")
            continue
        expression: str | None = {
            "str": None,
            "int": "{number}",
            "float": "{number} + 0.5",
            "bool": "False",
            "Decimal": "Decimal({number} % 10)",
            "date": "date(2024, 1, 1) + timedelta(days={number})",
            "datetime": "datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes={number})",
            "UUID": "UUID(int={number})",
        }.get(kind)
        if kind == "str":
            width = min(column.length or 8, 8)
            expression, text = f"_text({{number}}, {width})", True
        elif kind in enums:
            expression = f"next(iter({kind}))"
            imports.setdefault(f"app.models.{module}", set()).add(kind)
        if expression is None:
            unfillable.append(f"{column.name} (type {column.annotation})")
            continue
        values.append((column.name, expression))
        needed = {
            "Decimal": {"decimal": {"Decimal"}},
            "date": {"datetime": {"date", "timedelta"}},
            "datetime": {"datetime": {"UTC", "datetime", "timedelta"}},
            "UUID": {"uuid": {"UUID"}},
        }.get(kind, {})
        for source, names in needed.items():
            imports.setdefault(source, set()).update(names)
    if unfillable:
        return None, tuple(unfillable)
    return SampleRow(tuple(values), imports, text), ()


def _repository(root: Path, class_name: str) -> tuple[str, str] | None:
    """The repository of ``class_name``: ``class X(RepositoryBase[class_name])``."""
    for path in sorted((root / "app" / "repositories").glob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if class_name not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            for base in node.bases:
                if (
                    isinstance(base, ast.Subscript)
                    and ast.unparse(base.value).rsplit(".", 1)[-1] == "RepositoryBase"
                    and ast.unparse(base.slice) == class_name
                ):
                    return path.stem, node.name
    return None


def _inspect(root: Path, class_name: str, module: str) -> RegisteredModel | None:
    relative = f"app/models/{module}.py"
    try:
        tree = ast.parse((root / relative).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    node = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None
    )
    table = table_name(node) if node is not None else None
    if node is None or table is None:
        return None
    columns = _columns(node)
    keys = [column for column in columns if column.primary_key]
    problem = None
    if [(c.name, c.annotation) for c in keys] != [("id", "int")]:
        problem = (
            "has no integer primary key `id` alone (id: Mapped[int] = "
            "mapped_column(primary_key=True))"
        )
    owned = any(c.name == "owner_id" and c.foreign_table == "users" for c in columns)
    sample, unfillable = _sample(columns, _enum_classes(tree), module)
    repository = _repository(root, class_name)
    return RegisteredModel(
        class_name=class_name,
        table=table,
        module=module,
        path=relative,
        owned=owned,
        repository_module=repository[0] if repository else None,
        repository_class=repository[1] if repository else None,
        sample=sample,
        unfillable=unfillable,
        problem=problem,
    )


def registered_models(root: Path) -> dict[str, RegisteredModel]:
    """Every model registered in ``app/db/database.py`` that can be read, by table."""
    models: dict[str, RegisteredModel] = {}
    for class_name, module in _registry(root).items():
        found = _inspect(root, class_name, module)
        if found is not None:
            models[found.table] = found
    return models


def find_registered_model(
    ref: str, tables: list[str], models: dict[str, RegisteredModel]
) -> RegisteredModel | None:
    """The registered model a reference names: by table (``ref``, then ``tables``), or module.

    Args:
        ref: The referenced name as typed (``tenants``).
        tables: Other table names it may mean (its derived plural), tried in order.
        models: The project's registered models (:func:`registered_models`).
    """
    for table in (ref, *tables):
        if table in models:
            return models[table]
    return next((model for model in models.values() if model.module == ref), None)
