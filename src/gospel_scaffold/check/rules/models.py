"""Model rules (GOS1xx): the gospel's Rule 2 (string relationships) and Rule 3 (no logic).

A *model module* is any module of the package that defines a mapped class: a class setting
``__tablename__`` or ``__table__`` (SQLAlchemy), or declared with ``table=True`` (SQLModel),
and not ``__abstract__``. Models may live in ``app/models/``, in one ``models.py`` or anywhere
else.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.codebase import (
    Codebase,
    SourceFile,
    call_name,
    one_per_statement,
)
from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.queries import db_calls, session_creations

__all__ = ["CHECKS", "is_mapped_class", "mapped_classes", "model_modules", "registers_models"]


def is_mapped_class(node: ast.ClassDef) -> bool:
    """Whether a class maps a table: ``__tablename__``/``__table__``, or SQLModel's ``table=True``.

    ``__abstract__ = True`` classes are not mapped.
    """
    mapped = any(
        k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )
    for statement in node.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            if target.id in {"__tablename__", "__table__"}:
                mapped = True
            elif (
                target.id == "__abstract__"
                and isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and statement.value.value is True
            ):
                return False
    return mapped


def mapped_classes(source: SourceFile) -> list[ast.ClassDef]:
    """Return the mapped classes defined at the top level of ``source``."""
    return [node for node in source.classes.values() if is_mapped_class(node)]


def model_modules(codebase: Codebase) -> list[SourceFile]:
    """Return the package's modules that define mapped classes, in path order."""
    return codebase.memo(_model_modules)


def _model_modules(codebase: Codebase) -> list[SourceFile]:
    return [
        source
        for source in codebase.sources
        if source.mentions("__tablename__", "__table__", "table=True") and mapped_classes(source)
    ]


def registers_models(codebase: Codebase, source: SourceFile) -> bool:
    """Whether importing ``source``, a package, imports a model module (it re-exports models)."""
    models = {model.module for model in model_modules(codebase)}
    return source.is_package and any(
        ref.module in models for ref in source.imports if not ref.type_checking
    )


def _imports_models(codebase: Codebase, module: str) -> bool:
    target = codebase.modules.get(module)
    if target is None:
        return False  # not a module gospel can see: nothing verified
    return bool(mapped_classes(target)) or registers_models(codebase, target)


def _model_imports_model(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS101"]
    for source in model_modules(codebase):
        runtime_model_imports = (
            ref
            for ref in source.imports
            if not ref.type_checking
            and ref.module != source.module
            and _imports_models(codebase, ref.module)
        )
        for ref in one_per_statement(runtime_model_imports):
            what = f"{ref.module}.{ref.name}" if ref.name else ref.module
            yield rule.at(
                source,
                ref.node,
                f"model module {source.module} imports {what} at runtime; model modules must "
                "not import each other (circular imports)",
            )


def _relationship_class_argument(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS102"]
    for source in model_modules(codebase):
        if not source.mentions("relationship"):  # also in `import relationship as rel`
            continue
        for node in source.calls:
            name = call_name(node)
            if isinstance(node.func, ast.Name):
                name = source.original_name(name)  # `relationship as rel`
            if name != "relationship":
                continue
            target: ast.expr | None = node.args[0] if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "argument":
                    target = keyword.value
            if isinstance(target, ast.Name | ast.Attribute):
                name = ast.unparse(target)
                yield rule.at(
                    source,
                    target,
                    f"relationship() is given the class {name}; give it the string "
                    f'"{name.rsplit(".", 1)[-1]}"',
                    fix=f'Write relationship("{name.rsplit(".", 1)[-1]}", ...) and import '
                    f"{name} only under `if TYPE_CHECKING:` for annotations.",
                )


def _is_sql_expression(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a method builds SQL for a hybrid attribute (``@<attr>.expression``)."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in {"expression", "inplace"}:
            return True
        if isinstance(target, ast.Name) and target.id in {"column_property", "query_expression"}:
            return True
    return False


def _model_business_logic(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS103"]
    for source in model_modules(codebase):
        for cls in mapped_classes(source):
            for method in cls.body:
                if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if _is_sql_expression(method):
                    continue
                found = next(db_calls(source, method), None) or next(
                    session_creations(source, method), None
                )
                if found is None:
                    continue
                call, label = found
                yield rule.at(
                    source,
                    call,
                    f"model method {cls.name}.{method.name}() works with the database "
                    f"({label}); models hold no business logic",
                )


#: The checks of this family, by rule code.
CHECKS = {
    "GOS101": _model_imports_model,
    "GOS102": _relationship_class_argument,
    "GOS103": _model_business_logic,
}
