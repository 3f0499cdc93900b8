"""Names a domain or a field may not take, and why.

Each check returns the reason a name is refused, or ``None`` when the name is fine, so the
callers can build one clear line per problem.
"""

from __future__ import annotations

import builtins
import keyword
import re

__all__ = [
    "FRAMEWORK_RESERVED",
    "GENERATED_COLUMNS",
    "SHADOWED_TYPES",
    "SNAKE_CASE",
    "SQL_RESERVED",
    "reason_name_is_refused",
]

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
"""Lower-case snake case: the only shape accepted for domain and field names."""

_SQL_WORDS = """
    all analyse analyze and any array as asc asymmetric authorization between binary both case
    cast check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user default
    deferrable desc distinct do else end except exists false fetch for foreign freeze from full
    grant group having ilike in initially inner intersect into is isnull join lateral leading left
    like limit localtime localtimestamp natural not notnull null offset on only or order outer
    overlaps placing primary references returning right select session_user similar some
    symmetric system_user table tablesample then to trailing true union unique user using variadic
    verbose when where window with alter begin commit delete drop index insert rollback set
    transaction update values
"""

SQL_RESERVED: frozenset[str] = frozenset(_SQL_WORDS.split())
"""Words reserved by SQL, PostgreSQL or SQLite that make bad table or column names."""

FRAMEWORK_RESERVED: frozenset[str] = frozenset(
    {
        # SQLAlchemy declarative classes
        "metadata",
        "registry",
        "query",
        "type_annotation_map",
        # Pydantic BaseModel attributes (v1 names are still defined and shadowing warns)
        "copy",
        "construct",
        "dict",
        "json",
        "schema",
        "schema_json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "validate",
        "update_forward_refs",
        "fields",
    }
)
"""Attribute names that SQLAlchemy or Pydantic reserve on models and schemas."""

SHADOWED_TYPES: frozenset[str] = frozenset({"date", "datetime"})
"""Field names that would shadow a type the generated models and schemas annotate with."""

GENERATED_COLUMNS: frozenset[str] = frozenset(
    {"id", "created_at", "updated_at", "owner_id", "owner"}
)
"""Columns and relationships every generated model already has."""

_SOFT_KEYWORDS: frozenset[str] = frozenset(keyword.softkwlist) | {"match", "case", "type", "_"}
_BUILTINS: frozenset[str] = frozenset(dir(builtins))


def reason_name_is_refused(name: str, *, sql: bool = True, framework: bool = True) -> str | None:
    """Return why ``name`` cannot be used for generated Python and SQL names, or ``None``.

    Args:
        name: The candidate name.
        sql: Also refuse SQL reserved words.
        framework: Also refuse names SQLAlchemy or Pydantic reserve.

    Returns:
        A short reason ("is a Python keyword") or ``None`` when the name is acceptable.
    """
    if not SNAKE_CASE.match(name):
        return "is not a lower-case snake_case identifier (letters, digits, single underscores)"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name in _SOFT_KEYWORDS:
        return "is a Python soft keyword"
    if name in _BUILTINS:
        return "is a Python builtin"
    if sql and name in SQL_RESERVED:
        return "is an SQL reserved word"
    if framework and (name in FRAMEWORK_RESERVED or name.startswith("model_")):
        return "is reserved by SQLAlchemy or Pydantic"
    if framework and name in SHADOWED_TYPES:
        return "would shadow the type of that name in the generated code (use e.g. 'happened_on')"
    return None
