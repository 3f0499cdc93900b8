"""Structural edits of shared Python files with libcst: formatting and comments survive.

Every edit is idempotent (matched by structure, never by text) and has an exact inverse:

- :func:`add_router` / :func:`remove_router`: ``app/api/routes/__init__.py``.
- :func:`add_model_import` / :func:`remove_model_import`: the model registry in
  ``app/db/database.py`` (and :func:`modernize_registry`, which folds its older lines in).
- :func:`add_back_populates` / :func:`remove_back_populates`: the collection on the other side
  of a relationship, with its ``TYPE_CHECKING`` import.

When a file does not have the expected shape, a :class:`~gospel_scaffold.errors.EditError`
says so and shows the snippet to add by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from gospel_scaffold.errors import EditError

if TYPE_CHECKING:
    import libcst as cst

__all__ = [
    "BackPopulates",
    "add_back_populates",
    "add_model_import",
    "add_router",
    "format_call",
    "format_call_assignment",
    "modernize_registry",
    "registry_snippet",
    "remove_back_populates",
    "remove_model_import",
    "remove_router",
]

ROUTES_MODULE = "app.api.routes"


@dataclass(frozen=True)
class BackPopulates:
    """The collection added to the other model of a relationship.

    Attributes:
        class_name: The other model's class (``User``, ``Customer``).
        attribute: The collection attribute (``payments``).
        target_class: The new model's class (``Payment``).
        target_module: The new model's module (``app.models.payments``).
        back_populates: The attribute on the new model pointing back (``owner``, ``customer``).
        foreign_keys: ``Payment.payer_id`` when several foreign keys link the two tables.
        secondary: The association table of a many-to-many relationship (``posts_tags``).
    """

    class_name: str
    attribute: str
    target_class: str
    target_module: str
    back_populates: str
    foreign_keys: str = ""
    secondary: str = ""

    def detail(self) -> dict[str, str]:
        """The edit's detail as a record keeps it (empty optional values left out)."""
        return {key: value for key, value in asdict(self).items() if value}

    def statement(self, indent: int, line_length: int) -> str:
        """Return the attribute statement, wrapped the way ruff formats it.

        Continuation lines are indented relative to the statement (as libcst expects).
        """
        return format_call_assignment(
            f'{self.attribute}: Mapped[list["{self.target_class}"]]',
            "relationship",
            [
                *([f'secondary="{self.secondary}"'] if self.secondary else []),
                f'back_populates="{self.back_populates}"',
                *([f'foreign_keys="{self.foreign_keys}"'] if self.foreign_keys else []),
                'lazy="raise"',
                "passive_deletes=True",
            ],
            indent=indent,
            line_length=line_length,
        )


def format_call_assignment(
    target: str, func: str, args: Sequence[str], *, indent: int, line_length: int
) -> str:
    """Format ``target = func(args)`` like ruff: one line, hugged arguments, or one per line.

    Args:
        target: The left-hand side, annotation included.
        func: The called name.
        args: The arguments as source text.
        indent: Columns of indentation of the statement.
        line_length: The maximum line length.

    Returns:
        The statement text with a final newline; continuation lines are indented relative to
        the statement's own indentation.
    """
    pad = ""
    joined = ", ".join(args)
    one_line = f"{target} = {func}({joined})"
    if indent + len(one_line) <= line_length:
        return one_line + "\n"
    head = f"{target} = {func}("
    if indent + len(head) > line_length and indent + 4 + len(joined) + len(func) + 2 <= line_length:
        return f"{target} = (\n{pad}    {func}({joined})\n{pad})\n"
    if indent + 4 + len(joined) <= line_length:
        return f"{head}\n{pad}    {joined}\n{pad})\n"
    inner = "".join(f"{pad}    {arg},\n" for arg in args)
    return f"{target} = {func}(\n{inner}{pad})\n"


def format_call(func: str, args: Sequence[str], *, indent: int, line_length: int) -> str:
    """Format the call statement ``func(args)`` like ruff: one line, hugged, or one per line."""
    joined = ", ".join(args)
    if indent + len(func) + len(joined) + 2 <= line_length:
        return f"{func}({joined})\n"
    if indent + 4 + len(joined) <= line_length:
        return f"{func}(\n    {joined}\n)\n"
    inner = "".join(f"    {arg},\n" for arg in args)
    return f"{func}(\n{inner})\n"


def _parse(source: str, path: str) -> cst.Module:
    import libcst as cst  # lazy: keeps `gospel --help` fast

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise EditError(
            f"{path} is not valid Python (line {error.raw_line}); fix it and run the command again"
        ) from None


def _dotted(node: cst.BaseExpression | None) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _import_from(statement: cst.CSTNode) -> cst.ImportFrom | None:
    import libcst as cst

    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom) and node.relative == ():
            return node
    return None


def _imported_names(node: cst.ImportFrom) -> list[str]:
    import libcst as cst

    if isinstance(node.names, cst.ImportStar):
        return ["*"]
    return [
        _dotted(alias.name) + (f" as {_dotted(alias.asname.name)}" if alias.asname else "")
        for alias in node.names
    ]


def _sort_key(name: str) -> tuple[int, str]:
    # ruff's isort (force-sort-within-sections off): CONSTANTS, Classes, then functions/modules.
    bare = name.split(" as ")[0]
    if bare.isupper() and len(bare) > 1:
        return (0, bare)
    if bare[:1].isupper():
        return (1, bare)
    return (2, bare)


def _render_import(
    module: str, names: list[str], *, indent: int, line_length: int, comment: str = ""
) -> str:
    ordered = sorted(dict.fromkeys(names), key=_sort_key)
    pad = " " * indent
    one_line = f"from {module} import {', '.join(ordered)}"
    suffix = f"  {comment}" if comment else ""
    if indent + len(one_line) <= line_length:
        return one_line + suffix + "\n"
    inner = "".join(f"{pad}    {name},\n" for name in ordered)
    return f"from {module} import ({suffix}\n{inner}{pad})\n"


def _rewrapped(
    line: cst.SimpleStatementLine, names: list[str], *, indent: int, line_length: int
) -> cst.SimpleStatementLine:
    # Re-render a comment-free import (only used when the edited line no longer fits or a
    # wrapped, comment-free import fits on one line again).
    import libcst as cst

    node = _import_from(line)
    assert node is not None
    comment = ""
    if line.trailing_whitespace.comment is not None:
        comment = line.trailing_whitespace.comment.value
    elif node.lpar is not None:
        after = node.lpar.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None:
            comment = after.first_line.comment.value
    text = _render_import(
        _dotted(node.module), names, indent=indent, line_length=line_length, comment=comment
    )
    new = cst.parse_statement(text)
    assert isinstance(new, cst.SimpleStatementLine)
    return new.with_changes(leading_lines=line.leading_lines)


def _line_code(line: cst.SimpleStatementLine) -> str:
    import libcst as cst

    return cst.Module(body=[line.with_changes(leading_lines=())]).code


def _has_inner_comment(node: cst.ImportFrom) -> bool:
    # Comments between the names (the one after "(" is kept by a re-wrap, so it does not count).
    import libcst as cst

    module = cst.Module(body=[])
    parts: list[cst.CSTNode] = [] if isinstance(node.names, cst.ImportStar) else list(node.names)
    if node.rpar is not None:
        parts.append(node.rpar)
    return any("#" in module.code_for_node(part) for part in parts)


def _plain_newline_ws(template: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    import libcst as cst

    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=(),
        indent=template.indent,
        last_line=template.last_line,
    )


def _add_alias(
    line: cst.SimpleStatementLine, name: str, *, indent: int, line_length: int
) -> cst.SimpleStatementLine:
    """Insert ``name`` into the import as one more alias, keeping every comment and comma."""
    import libcst as cst

    node = _import_from(line)
    assert node is not None and not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    key = _sort_key(name)
    position = next(
        (i for i, alias in enumerate(aliases) if _sort_key(_dotted(alias.name)) > key),
        len(aliases),
    )
    separators = [
        alias.comma.whitespace_after for alias in aliases[:-1] if isinstance(alias.comma, cst.Comma)
    ]
    multiline = node.lpar is not None and isinstance(
        node.lpar.whitespace_after, cst.ParenthesizedWhitespace
    )
    if multiline:
        assert node.lpar is not None
        template = next(
            (w for w in separators if isinstance(w, cst.ParenthesizedWhitespace)),
            node.lpar.whitespace_after,
        )
        assert isinstance(template, cst.ParenthesizedWhitespace)
        separator: cst.BaseParenthesizableWhitespace = _plain_newline_ws(template)
    else:
        separator = cst.SimpleWhitespace(" ")
    new_alias = cst.ImportAlias(name=cst.Name(name))
    if position < len(aliases):
        new_alias = new_alias.with_changes(comma=cst.Comma(whitespace_after=separator))
        aliases.insert(position, new_alias)
    else:
        last = aliases[-1]
        if isinstance(last.comma, cst.Comma):
            after = last.comma.whitespace_after
            if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
                separator, cst.ParenthesizedWhitespace
            ):
                # The last line keeps its comment; the new alias takes the closing layout.
                kept = after.with_changes(indent=separator.indent, last_line=separator.last_line)
                moved = cst.ParenthesizedWhitespace(
                    first_line=cst.TrailingWhitespace(),
                    empty_lines=(),
                    indent=after.indent,
                    last_line=after.last_line,
                )
                aliases[-1] = last.with_changes(
                    comma=last.comma.with_changes(whitespace_after=kept)
                )
                new_alias = new_alias.with_changes(
                    comma=last.comma.with_changes(whitespace_after=moved)
                )
            else:
                aliases[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
                new_alias = new_alias.with_changes(comma=last.comma)
        else:
            aliases[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        aliases.append(new_alias)
    edited = line.with_changes(body=[node.with_changes(names=aliases)])
    if not multiline and indent + len(_line_code(edited).rstrip("\n")) > line_length:
        return _rewrapped(
            line, [*_imported_names(node), name], indent=indent, line_length=line_length
        )
    return edited


def _remove_alias(
    line: cst.SimpleStatementLine, name: str, *, indent: int, line_length: int
) -> cst.SimpleStatementLine | None:
    """Undo :func:`_add_alias`: drop one alias, keeping every other comment and comma."""
    import libcst as cst

    node = _import_from(line)
    assert node is not None and not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    index = next(i for i, alias in enumerate(aliases) if _dotted(alias.name) == name)
    if len(aliases) == 1:
        return None
    removed = aliases.pop(index)
    if index == len(aliases):
        previous = aliases[-1]
        if isinstance(removed.comma, cst.Comma) and isinstance(previous.comma, cst.Comma):
            after = removed.comma.whitespace_after
            before = previous.comma.whitespace_after
            if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
                before, cst.ParenthesizedWhitespace
            ):
                restored = before.with_changes(indent=after.indent, last_line=after.last_line)
                aliases[-1] = previous.with_changes(
                    comma=previous.comma.with_changes(whitespace_after=restored)
                )
            else:
                aliases[-1] = previous.with_changes(comma=removed.comma)
        else:
            aliases[-1] = previous.with_changes(comma=removed.comma)
    edited_node = node.with_changes(names=aliases)
    edited = line.with_changes(body=[edited_node])
    multiline = node.lpar is not None and isinstance(
        node.lpar.whitespace_after, cst.ParenthesizedWhitespace
    )
    if multiline and not _has_inner_comment(edited_node):
        # A comment-free import gospel wrapped goes back to one line when it fits.
        names = _imported_names(edited_node)
        one_line = f"from {_dotted(node.module)} import {', '.join(names)}"
        if indent + len(one_line) <= line_length:
            return _rewrapped(line, names, indent=indent, line_length=line_length)
    return edited


# ---------------------------------------------------------------------------------------------
# Router registration


def _include_router_of(statement: cst.CSTNode) -> str | None:
    """Return ``payments`` for ``api_router.include_router(payments.router, ...)``."""
    import libcst as cst

    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expr = statement.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    call = expr.value
    if not _dotted(call.func).endswith(".include_router") or not call.args:
        return None
    first = _dotted(call.args[0].value)
    if first.endswith(".router"):
        return first.removesuffix(".router")
    return None


def router_snippet(module: str, prefix: str, tag: str) -> str:
    """Return the lines to add to ``app/api/routes/__init__.py`` by hand."""
    return (
        f"from {ROUTES_MODULE} import {module}\n"
        f'api_router.include_router({module}.router, prefix="{prefix}", tags=["{tag}"])'
    )


def add_router(
    source: str, *, module: str, prefix: str, tag: str, path: str, line_length: int = 100
) -> str:
    """Import the routes module and include its router, unless already done.

    Args:
        source: The text of ``app/api/routes/__init__.py``.
        module: The routes module (``payments``).
        prefix: The URL prefix (``/payments``).
        tag: The OpenAPI tag (``Payments``).
        path: The file's path, for messages.
        line_length: The project's line length.

    Returns:
        The edited text (``source`` itself when nothing was missing).

    Raises:
        EditError: The file does not have the switchboard's shape.
    """
    import libcst as cst

    tree = _parse(source, path)
    body = list(tree.body)
    import_index = next(
        (
            i
            for i, line in enumerate(body)
            if (node := _import_from(line)) is not None and _dotted(node.module) == ROUTES_MODULE
        ),
        None,
    )
    includes = [i for i, line in enumerate(body) if _include_router_of(line) is not None]
    if import_index is None or not includes:
        raise EditError(
            f"{path} has no `from {ROUTES_MODULE} import ...` line or no "
            f"`api_router.include_router(...)` call to extend; add these lines by hand:\n"
            + router_snippet(module, prefix, tag)
        )
    import_line = body[import_index]
    assert isinstance(import_line, cst.SimpleStatementLine)
    node = _import_from(import_line)
    assert node is not None
    names = _imported_names(node)
    if module not in names:
        body[import_index] = _add_alias(import_line, module, indent=0, line_length=line_length)
    if not any(_include_router_of(body[i]) == module for i in includes):
        call = _include_router_of(body[includes[-1]])
        assert call is not None
        template = body[includes[-1]]
        assert isinstance(template, cst.SimpleStatementLine)
        receiver = _dotted(template.body[0].value.func).removesuffix(".include_router")  # type: ignore[attr-defined]
        statement = cst.parse_statement(
            format_call(
                f"{receiver}.include_router",
                [f"{module}.router", f'prefix="{prefix}"', f'tags=["{tag}"]'],
                indent=0,
                line_length=line_length,
            )
        )
        body.insert(includes[-1] + 1, statement)
    return tree.with_changes(body=body).code


def remove_router(source: str, *, module: str, path: str, line_length: int = 100) -> str:
    """Undo :func:`add_router`: remove the router's import and ``include_router`` call.

    The arguments are those of :func:`add_router`; a router that is not there is no change.
    """
    import libcst as cst

    tree = _parse(source, path)
    body: list[cst.CSTNode] = []
    for line in tree.body:
        if _include_router_of(line) == module:
            continue
        node = _import_from(line)
        if node is not None and _dotted(node.module) == ROUTES_MODULE:
            names = _imported_names(node)
            if module in names:
                assert isinstance(line, cst.SimpleStatementLine)
                replaced = _remove_alias(line, module, indent=0, line_length=line_length)
                if replaced is None:
                    continue
                line = replaced
        body.append(line)
    return tree.with_changes(body=body).code


# ---------------------------------------------------------------------------------------------
# Model registry
#
# The registry is one statement at the bottom of app/db/database.py, the model modules in it
# sorted: ``from app.models import payments, user`` with its noqa comment. It imports modules,
# not classes: a script that imports a model module first makes the model import
# app.db.database, whose registry imports that module again while it is only partly
# initialised. Python finds a half-initialised submodule for ``from package import module``;
# ``from app.models.payments import Payment`` (one line per model, as older projects have)
# cannot read a class that does not exist yet and fails with a circular ImportError.
# Those older lines are still read, and :func:`modernize_registry` folds them into the one.

MODELS_PACKAGE = "app.models"
REGISTRY_COMMENT = "# noqa: E402, F401"


def _registry_statement(body: Sequence[cst.CSTNode]) -> int | None:
    """The index of ``from app.models import ...``, the registry statement, if there is one."""
    return next(
        (
            i
            for i, line in enumerate(body)
            if (node := _import_from(line)) is not None
            and _dotted(node.module) == MODELS_PACKAGE
            and not isinstance(node.names, _import_star())
        ),
        None,
    )


def _import_star() -> type[cst.ImportStar]:
    import libcst as cst

    return cst.ImportStar


def _older_line(statement: cst.CSTNode) -> str | None:
    """The model module an older registry line imports (``payments``), else ``None``.

    Older lines are ``from app.models.payments import Payment`` and ``import
    app.models.payments``.
    """
    import libcst as cst

    node = _import_from(statement)
    if node is not None:
        dotted = _dotted(node.module)
        return (
            dotted.removeprefix(f"{MODELS_PACKAGE}.")
            if dotted.count(".") == 2 and (dotted.startswith(f"{MODELS_PACKAGE}."))
            else None
        )
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        plain = statement.body[0]
        if isinstance(plain, cst.Import) and len(plain.names) == 1:
            dotted = _dotted(plain.names[0].name)
            if plain.names[0].asname is None and dotted.startswith(f"{MODELS_PACKAGE}."):
                return dotted.removeprefix(f"{MODELS_PACKAGE}.")
    return None


def registry_snippet(module: str) -> str:
    """Return the registry statement of one model module, to add to ``app/db/database.py``."""
    return f"from {MODELS_PACKAGE} import {module}  {REGISTRY_COMMENT}"


def _registered(body: Sequence[cst.CSTNode], module: str, class_name: str | None) -> bool:
    index = _registry_statement(body)
    if index is not None:
        node = _import_from(body[index])
        assert node is not None
        if module in _imported_names(node):
            return True
    for line in body:
        if _older_line(line) != module:
            continue
        node = _import_from(line)
        if node is None or class_name is None or class_name in _imported_names(node):
            return True
    return False


def add_model_import(
    source: str, *, module: str, class_name: str, path: str, line_length: int = 100
) -> str:
    """Register a model module in ``app/db/database.py``, keeping the registry sorted.

    Args:
        source: The text of ``app/db/database.py``.
        module: The model module (``payments``).
        class_name: The model class (``Payment``): an older line importing it counts.
        path: The file's path, for messages.
        line_length: The project's line length (a long registry wraps, one module a line).

    Returns:
        The edited text (``source`` itself when the model is registered already).

    Raises:
        EditError: The file has no model registry.
    """
    import libcst as cst

    tree = _parse(source, path)
    body: list[cst.CSTNode] = list(tree.body)
    if _registered(body, module, class_name):
        return source
    index = _registry_statement(body)
    if index is not None:
        line = body[index]
        assert isinstance(line, cst.SimpleStatementLine)
        body[index] = _add_alias(line, module, indent=0, line_length=line_length)
        return tree.with_changes(body=body).code
    older = [i for i, line in enumerate(body) if _older_line(line) is not None]
    if not older:
        raise EditError(
            f"{path} has no model registry (`{registry_snippet('user')}` at the bottom); add "
            f"this line by hand:\n" + registry_snippet(module)
        )
    # Before the older `from app.models.x import X` lines, as ruff's isort sorts them.
    froms = [i for i in older if _import_from(body[i]) is not None]
    position = froms[0] if froms else older[-1] + 1
    statement = cst.parse_statement(registry_snippet(module) + "\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    if position == older[0]:
        first = body[position]
        assert isinstance(first, cst.SimpleStatementLine)
        statement = statement.with_changes(leading_lines=first.leading_lines)
        body[position] = first.with_changes(leading_lines=())
    body.insert(position, statement)
    return tree.with_changes(body=body).code


def _pop_line(body: list[cst.CSTNode], index: int) -> None:
    """Remove a statement, giving its leading comment and blank lines to the next one."""
    import libcst as cst

    removed = body.pop(index)
    assert isinstance(removed, cst.SimpleStatementLine)
    if index < len(body) and removed.leading_lines:
        following = body[index]
        if isinstance(following, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            body[index] = following.with_changes(leading_lines=removed.leading_lines)


def remove_model_import(
    source: str, *, module: str, class_name: str, path: str, line_length: int = 100
) -> str:
    """Undo :func:`add_model_import`: take the model module out of the registry.

    The arguments are those of :func:`add_model_import`; a model not registered is no change.
    An older line is removed when it registers ``class_name`` alone.
    """
    import libcst as cst

    tree = _parse(source, path)
    body: list[cst.CSTNode] = list(tree.body)
    index = _registry_statement(body)
    node = _import_from(body[index]) if index is not None else None
    if index is not None and node is not None and module in _imported_names(node):
        line = body[index]
        assert isinstance(line, cst.SimpleStatementLine)
        replaced = _remove_alias(line, module, indent=0, line_length=line_length)
        if replaced is None:
            _pop_line(body, index)
        else:
            body[index] = replaced
        return tree.with_changes(body=body).code
    for i, line in enumerate(body):
        older = _import_from(line)
        if _older_line(line) == module and (
            older is None or _imported_names(older) == [class_name]
        ):
            _pop_line(body, i)
            return tree.with_changes(body=body).code
    return source


def modernize_registry(source: str, *, path: str, line_length: int = 100) -> str:
    """Fold the older registry lines (``from app.models.x import X``) into the registry statement.

    A line whose names the module uses elsewhere is left alone (code may rely on the name it
    binds). The registry statement takes the place of the first older line, its comments kept.

    Args:
        source: The text of ``app/db/database.py``.
        path: The file's path, for messages.
        line_length: The project's line length.

    Returns:
        The edited text (``source`` itself when there is nothing to fold).
    """
    import libcst as cst

    tree = _parse(source, path)
    body: list[cst.CSTNode] = list(tree.body)
    folded: list[str] = []
    first: cst.SimpleStatementLine | None = None
    position = 0
    for i in reversed(range(len(body))):
        line = body[i]
        module = _older_line(line)
        if module is None:
            continue
        node = _import_from(line)
        names = [n.split(" as ")[-1] for n in _imported_names(node)] if node is not None else []
        probe = tree.with_changes(body=[*body[:i], *body[i + 1 :]])
        if "*" in names or any(_uses_name(probe, name) for name in names):
            continue
        assert isinstance(line, cst.SimpleStatementLine)
        first, position = line, i
        folded.append(module)
        del body[i]
    if first is None:
        return source
    index = _registry_statement(body)
    if index is None:
        statement = cst.parse_statement(registry_snippet(folded[-1]) + "\n")
        assert isinstance(statement, cst.SimpleStatementLine)
        body.insert(position, statement.with_changes(leading_lines=first.leading_lines))
        index = position
        folded.pop()
    elif first.leading_lines and index >= position:
        registry = body[index]
        assert isinstance(registry, cst.SimpleStatementLine)
        body[index] = registry.with_changes(leading_lines=first.leading_lines)
    for module in reversed(folded):
        line = body[index]
        assert isinstance(line, cst.SimpleStatementLine)
        node = _import_from(line)
        assert node is not None
        if module not in _imported_names(node):
            body[index] = _add_alias(line, module, indent=0, line_length=line_length)
    return tree.with_changes(body=body).code


# ---------------------------------------------------------------------------------------------
# The other side of a relationship


def _is_type_checking_block(statement: cst.CSTNode) -> bool:
    import libcst as cst

    return isinstance(statement, cst.If) and _dotted(statement.test) in (
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    )


def _is_import(statement: cst.CSTNode) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(node, cst.Import | cst.ImportFrom) for node in statement.body
    )


def _uses_name(tree: cst.Module, name: str) -> bool:
    """Whether ``name`` is used anywhere outside import statements.

    String annotations count (``Mapped["Invoice | None"]`` uses ``Invoice``); other strings
    (docstrings, ``foreign_keys="Invoice.order_id"``) do not, as for ruff's unused imports.
    """
    import re

    import libcst as cst

    word = re.compile(rf"\b{re.escape(name)}\b")

    class _Finder(cst.CSTVisitor):
        found = False
        annotations = 0

        def visit_Annotation(self, node: cst.Annotation) -> None:
            self.annotations += 1

        def leave_Annotation(self, original_node: cst.Annotation) -> None:
            self.annotations -= 1

        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                self.found = True

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            value = node.evaluated_value
            if self.annotations and isinstance(value, str) and word.search(value):
                self.found = True

    finder = _Finder()
    tree.visit(finder)
    return finder.found


def _extend_from_import(
    statements: list[cst.CSTNode], module: str, name: str, *, indent: int, line_length: int
) -> bool:
    """Add ``name`` to the ``from module import ...`` among ``statements``, if there is one."""
    import libcst as cst

    for i, line in enumerate(statements):
        node = _import_from(line)
        if node is not None and _dotted(node.module) == module:
            names = _imported_names(node)
            if name not in names:
                assert isinstance(line, cst.SimpleStatementLine)
                statements[i] = _add_alias(line, name, indent=indent, line_length=line_length)
            return True
    return False


def _ensure_from_import(
    body: list[cst.CSTNode], module: str, name: str, *, line_length: int
) -> None:
    """Add ``name`` to ``from module import ...`` or add the statement in the right group."""
    import libcst as cst

    if _extend_from_import(body, module, name, indent=0, line_length=line_length):
        return
    stdlib = module.split(".")[0] in sys.stdlib_module_names
    statement = cst.parse_statement(f"from {module} import {name}\n")
    assert isinstance(statement, cst.SimpleStatementLine)
    imports = [i for i, line in enumerate(body) if _is_import(line)]
    if not imports:
        raise EditError(f"no import statements to extend with `from {module} import {name}`")
    group = [
        i
        for i in imports
        if (node := _import_from(body[i])) is not None
        and (_dotted(node.module).split(".")[0] in sys.stdlib_module_names) == stdlib
        and (stdlib or _dotted(node.module).split(".")[0] != "app")
    ]
    if group:
        position = next(
            (
                i
                for i in group
                if (node := _import_from(body[i])) is not None and _dotted(node.module) > module
            ),
            group[-1] + 1,
        )
        if position == group[0]:
            first = body[position]
            assert isinstance(first, cst.SimpleStatementLine)
            statement = statement.with_changes(leading_lines=first.leading_lines)
            body[position] = first.with_changes(leading_lines=())
        body.insert(position, statement)
        return
    # A new group: stdlib goes first, before every other import.
    first_index = imports[0]
    first = body[first_index]
    assert isinstance(first, cst.SimpleStatementLine)
    statement = statement.with_changes(leading_lines=first.leading_lines)
    body[first_index] = first.with_changes(leading_lines=(cst.EmptyLine(),))
    body.insert(first_index, statement)


def _drop_from_import(body: list[cst.CSTNode], module: str, name: str, *, line_length: int) -> None:
    import libcst as cst

    for i, line in enumerate(body):
        node = _import_from(line)
        if node is None or _dotted(node.module) != module:
            continue
        names = _imported_names(node)
        if name not in names:
            return
        assert isinstance(line, cst.SimpleStatementLine)
        replaced = _remove_alias(line, name, indent=0, line_length=line_length)
        if replaced is not None:
            body[i] = replaced
            return
        body.pop(i)
        if i < len(body) and line.leading_lines:
            following = body[i]
            if isinstance(following, cst.SimpleStatementLine | cst.BaseCompoundStatement):
                body[i] = following.with_changes(leading_lines=line.leading_lines)
        return


def back_populates_snippet(spec: BackPopulates) -> str:
    """Return what to add to the other model by hand."""
    return (
        f"from typing import TYPE_CHECKING\nfrom sqlalchemy.orm import relationship\n"
        f"if TYPE_CHECKING:\n    from {spec.target_module} import {spec.target_class}\n"
        f"# in class {spec.class_name}:\n    " + spec.statement(4, 1000).strip()
    )


def _find_class(tree: cst.Module, class_name: str) -> tuple[int, cst.ClassDef] | None:
    import libcst as cst

    for i, statement in enumerate(tree.body):
        if isinstance(statement, cst.ClassDef) and statement.name.value == class_name:
            return i, statement
    return None


def _attribute_name(statement: cst.CSTNode) -> str | None:
    import libcst as cst

    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            return node.target.value
        if (
            isinstance(node, cst.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
        ):
            return node.targets[0].target.value
    return None


def _back_populates_value(statement: cst.CSTNode) -> str | None:
    import libcst as cst

    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    value = getattr(node, "value", None)
    if not isinstance(value, cst.Call) or _dotted(value.func) != "relationship":
        return None
    for arg in value.args:
        if (
            arg.keyword is not None
            and arg.keyword.value == "back_populates"
            and isinstance(arg.value, cst.SimpleString)
        ):
            return str(arg.value.evaluated_value)
    return None


def add_back_populates(
    source: str, spec: BackPopulates, *, path: str, line_length: int = 100
) -> str:
    """Add the collection of ``spec`` to its class, with the imports it needs.

    Args:
        source: The text of the other model's module.
        spec: What to add.
        path: The file's path, for messages.
        line_length: The project's line length.

    Returns:
        The edited text (``source`` itself when the collection exists already).

    Raises:
        EditError: The class is missing or the attribute exists with another meaning.
    """
    import libcst as cst

    tree = _parse(source, path)
    found = _find_class(tree, spec.class_name)
    if found is None:
        raise EditError(
            f"{path} has no class {spec.class_name}; add this by hand:\n"
            + back_populates_snippet(spec)
        )
    index, cls = found
    members = list(cls.body.body)
    existing = next((m for m in members if _attribute_name(m) == spec.attribute), None)
    if existing is not None:
        if _back_populates_value(existing) == spec.back_populates:
            return source
        raise EditError(
            f"{spec.class_name}.{spec.attribute} in {path} already exists and is not the "
            f"relationship gospel needs; rename it or use --singular/--plural, or add by hand:\n"
            + back_populates_snippet(spec)
        )
    indent_text = cls.body.indent if isinstance(cls.body, cst.IndentedBlock) else None
    indent = len(indent_text) if indent_text is not None else 4
    statement = cst.parse_statement(spec.statement(indent, line_length))
    last_attribute = max(
        (i for i, m in enumerate(members) if isinstance(m, cst.SimpleStatementLine)), default=-1
    )
    members.insert(last_attribute + 1, statement)
    new_cls = cls.with_changes(body=cls.body.with_changes(body=members))
    body: list[cst.CSTNode] = list(tree.body)
    body[index] = new_cls
    _ensure_from_import(body, "sqlalchemy.orm", "relationship", line_length=line_length)
    _ensure_from_import(body, "typing", "TYPE_CHECKING", line_length=line_length)
    _ensure_type_checking_import(body, spec.target_module, spec.target_class, line_length)
    return tree.with_changes(body=body).code


def _ensure_type_checking_import(
    body: list[cst.CSTNode], module: str, name: str, line_length: int
) -> None:
    import libcst as cst

    block_index = next((i for i, s in enumerate(body) if _is_type_checking_block(s)), None)
    if block_index is None:
        last_import = max(i for i, line in enumerate(body) if _is_import(line))
        new_block = cst.parse_statement(f"if TYPE_CHECKING:\n    from {module} import {name}\n")
        body.insert(last_import + 1, new_block.with_changes(leading_lines=(cst.EmptyLine(),)))
        return
    block = body[block_index]
    assert isinstance(block, cst.If)
    inner: list[cst.CSTNode] = list(block.body.body)
    if not _extend_from_import(inner, module, name, indent=4, line_length=line_length):
        statement = cst.parse_statement(f"from {module} import {name}\n")
        position = next(
            (
                i
                for i, line in enumerate(inner)
                if (node := _import_from(line)) is not None and _dotted(node.module) > module
            ),
            len(inner),
        )
        inner.insert(position, statement)
    body[block_index] = block.with_changes(body=block.body.with_changes(body=inner))


def remove_back_populates(
    source: str, spec: BackPopulates, *, path: str, line_length: int = 100
) -> str:
    """Undo :func:`add_back_populates`: remove the collection and the imports only it needed.

    The arguments are those of :func:`add_back_populates`; a collection that is not there is no
    change.
    """
    import libcst as cst

    tree = _parse(source, path)
    found = _find_class(tree, spec.class_name)
    if found is None:
        return source
    index, cls = found
    members = list(cls.body.body)
    kept = [
        m
        for m in members
        if not (
            _attribute_name(m) == spec.attribute and _back_populates_value(m) == spec.back_populates
        )
    ]
    if len(kept) == len(members):
        return source
    body: list[cst.CSTNode] = list(tree.body)
    body[index] = cls.with_changes(body=cls.body.with_changes(body=kept))
    # Drop the TYPE_CHECKING import of the target class when nothing else uses it.
    probe = tree.with_changes(body=body)
    if not _uses_name(probe, spec.target_class):
        block_index = next((i for i, s in enumerate(body) if _is_type_checking_block(s)), None)
        if block_index is not None:
            block = body[block_index]
            assert isinstance(block, cst.If)
            inner: list[cst.CSTNode] = list(block.body.body)
            _drop_from_import(inner, spec.target_module, spec.target_class, line_length=line_length)
            if inner:
                body[block_index] = block.with_changes(body=block.body.with_changes(body=inner))
            else:
                body.pop(block_index)
    probe = tree.with_changes(body=body)
    if not _uses_name(probe, "relationship"):
        _drop_from_import(body, "sqlalchemy.orm", "relationship", line_length=line_length)
    probe = tree.with_changes(body=body)
    if not _uses_name(probe, "TYPE_CHECKING"):
        _drop_from_import(body, "typing", "TYPE_CHECKING", line_length=line_length)
    return tree.with_changes(body=body).code
