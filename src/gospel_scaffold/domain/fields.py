"""The field spec: ``name:type[:args][:modifier...]``, parsed and validated before anything runs.

Types: ``str[:length]``, ``text``, ``int``, ``bigint``, ``float``, ``decimal:precision,scale``,
``bool``, ``date``, ``datetime`` (timezone-aware), ``uuid``, ``json``, ``enum:a,b,c``,
``ref:<domain>`` (a foreign key) and ``refs:<domain>`` (many-to-many, through an association
table). Modifiers: ``null``, ``unique``, ``index``, ``default=<value>`` (none for ``refs``).
"""

from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gospel_scaffold.domain.reserved import GENERATED_COLUMNS, reason_name_is_refused
from gospel_scaffold.errors import InvalidInputError

__all__ = [
    "FIELD_TYPES",
    "MODIFIERS",
    "Field",
    "parse_field",
    "parse_fields",
    "read_fields_file",
]

FIELD_TYPES: tuple[str, ...] = (
    "str",
    "text",
    "int",
    "bigint",
    "float",
    "decimal",
    "bool",
    "date",
    "datetime",
    "uuid",
    "json",
    "enum",
    "ref",
    "refs",
)
"""Every accepted field type, in the order the help lists them."""

MODIFIERS: tuple[str, ...] = ("null", "unique", "index", "default=<value>")
"""Every accepted modifier."""

DEFAULT_STR_LENGTH = 255
_ENUM_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")
_NO_DEFAULT = frozenset({"date", "datetime", "uuid", "json", "ref", "refs"})
_REFERENCES = frozenset({"ref", "refs"})
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_TYPE_HELP = (
    "str[:length], text, int, bigint, float, decimal:precision,scale, bool, date, datetime, "
    "uuid, json, enum:a,b,c, ref:<domain>, refs:<domain>"
)


@dataclass(frozen=True)
class Field:
    """One parsed field.

    Attributes:
        name: Attribute name; for ``ref`` fields the relationship name (the column is
            ``name_id``), for ``refs`` fields the collection (the API field is ``tag_ids`` for
            ``tags``).
        type: One of :data:`FIELD_TYPES`.
        spec: The spec exactly as given, kept in the record.
        length: ``str`` length.
        precision: ``decimal`` precision.
        scale: ``decimal`` scale.
        choices: ``enum`` values.
        ref: ``ref``/``refs`` target domain as given (singular or plural).
        nullable: ``null`` modifier.
        unique: ``unique`` modifier.
        index: ``index`` modifier (always true for ``ref``).
        default: ``default=`` value, already converted to Python (``Decimal``, ``bool``...).
    """

    name: str
    type: str
    spec: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    choices: tuple[str, ...] = ()
    ref: str | None = None
    nullable: bool = False
    unique: bool = False
    index: bool = False
    default: Any = None
    has_default: bool = field(default=False)

    @property
    def column(self) -> str:
        """The column, or the API field of a ``refs`` field.

        ``customer_id`` for ``customer:ref:customers``; ``tag_ids`` for ``tags:refs:tags``
        (a list of ids in the API, rows of an association table in the database).
        """
        if self.type == "ref":
            return f"{self.name}_id"
        if self.type == "refs":
            return f"{self.item_name}_ids"
        return self.name

    @property
    def item_name(self) -> str:
        """One item of a ``refs`` collection (``tag`` for ``tags``, ``featured_tag``)."""
        from gospel_scaffold.domain.naming import singular_of

        return singular_of(self.name)

    @property
    def required(self) -> bool:
        """Whether the create schema requires the field (a ``refs`` list defaults to empty)."""
        return not self.nullable and not self.has_default and self.type != "refs"

    def to_json(self) -> dict[str, Any]:
        """Return the field as a JSON-ready mapping."""
        default = self.default
        if isinstance(default, Decimal):
            default = str(default)
        return {
            "name": self.name,
            "column": self.column,
            "type": self.type,
            "spec": self.spec,
            "length": self.length,
            "precision": self.precision,
            "scale": self.scale,
            "choices": list(self.choices),
            "ref": self.ref,
            "nullable": self.nullable,
            "unique": self.unique,
            "index": self.index,
            "default": default,
            "has_default": self.has_default,
        }


def _fail(spec: str, problem: str, hint: str) -> InvalidInputError:
    return InvalidInputError(f"Field {spec!r}: {problem}; {hint}")


def _parse_default(spec: str, kind: str, raw: str, parsed: dict[str, Any]) -> Any:
    if kind in _NO_DEFAULT:
        raise _fail(spec, f"type {kind!r} takes no default", "drop the default= modifier")
    try:
        if kind in ("int", "bigint"):
            return _integer_default(spec, kind, int(raw))
        if kind == "float":
            value = float(raw)
            if not math.isfinite(value):  # nan, inf, and 1e400, which reads as inf
                raise _fail(spec, f"default {raw!r} is not a finite float", "give a finite number")
            return value
        if kind == "decimal":
            return _decimal_default(spec, raw, parsed["precision"], parsed["scale"])
    except (ValueError, InvalidOperation):
        raise _fail(spec, f"default {raw!r} is not a valid {kind}", "give a number") from None
    if kind == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise _fail(spec, f"default {raw!r} is not a boolean", "use default=true or default=false")
    if kind == "enum" and raw not in parsed["choices"]:
        choices = ", ".join(parsed["choices"])
        raise _fail(spec, f"default {raw!r} is not one of the values", f"use one of: {choices}")
    if kind == "str" and len(raw) > parsed["length"]:
        raise _fail(spec, "default is longer than the column", f"keep it within {parsed['length']}")
    return raw


_INTEGER_BITS = {"int": 32, "bigint": 64}


def _integer_default(spec: str, kind: str, value: int) -> int:
    # The column's range (PostgreSQL INTEGER and BIGINT): a larger default would fail on insert.
    limit = 2 ** (_INTEGER_BITS[kind] - 1)
    if not -limit <= value < limit:
        raise _fail(
            spec,
            f"default {value} does not fit a {_INTEGER_BITS[kind]}-bit {kind} column",
            f"keep it between {-limit} and {limit - 1}"
            + (" or use bigint" if kind == "int" else ""),
        )
    return value


def _decimal_default(spec: str, raw: str, precision: int, scale: int) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite():
        raise ValueError(raw)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole_digits = len(str(abs(int(value)))) if abs(value) >= 1 else 0
    if places > scale or whole_digits > precision - scale:
        raise _fail(
            spec,
            f"default {raw!r} does not fit decimal:{precision},{scale}",
            f"give at most {precision - scale} digits before the point and {scale} after",
        )
    return value


def _parse_args(spec: str, kind: str, args: str | None) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    if kind == "str":
        if args is None:
            parsed["length"] = DEFAULT_STR_LENGTH
        elif args.isdigit() and 1 <= int(args) <= 10_485_760:
            parsed["length"] = int(args)
        else:
            raise _fail(spec, f"length {args!r} is not a positive integer", "use e.g. name:str:100")
    elif kind == "decimal":
        match = re.fullmatch(r"(\d+),(\d+)", args or "")
        if match is None:
            raise _fail(spec, "decimal needs precision and scale", "use e.g. amount:decimal:12,2")
        precision, scale = int(match[1]), int(match[2])
        if not 1 <= precision <= 1000 or scale > precision:
            raise _fail(
                spec,
                f"precision {precision} and scale {scale} are not valid",
                "precision is 1 to 1000 and scale at most the precision",
            )
        parsed["precision"], parsed["scale"] = precision, scale
    elif kind == "enum":
        values = tuple((args or "").split(",")) if args else ()
        if not values:
            raise _fail(spec, "enum needs its values", "use e.g. status:enum:pending,paid,failed")
        for value in values:
            if not _ENUM_VALUE.match(value) or keyword.iskeyword(value.upper()):
                raise _fail(
                    spec,
                    f"enum value {value!r} is not valid",
                    "use lower-case letters, digits and underscores, starting with a letter",
                )
        if len(set(values)) != len(values):
            raise _fail(spec, "enum values repeat", "give each value once")
        parsed["choices"] = values
    elif kind == "ref":
        if not args:
            raise _fail(spec, "ref needs the referenced domain", "use e.g. customer:ref:customers")
        parsed["ref"] = args
    elif kind == "refs":
        if not args:
            raise _fail(spec, "refs needs the referenced domain", "use e.g. tags:refs:tags")
        parsed["ref"] = args
    return parsed


def parse_field(spec: str) -> Field:
    """Parse one field spec.

    Args:
        spec: ``name:type[:args][:modifier...]``, e.g. ``amount:decimal:12,2:null``.

    Returns:
        The parsed field.

    Raises:
        InvalidInputError: The name, type, arguments or a modifier is not valid.
    """
    parts = spec.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise _fail(spec, "expected name:type", f"types are {_TYPE_HELP}")
    name, kind, rest = parts[0], parts[1], parts[2:]
    if name in GENERATED_COLUMNS:
        raise _fail(
            spec,
            f"name {name!r} is generated for every domain",
            "id, created_at, updated_at, owner and owner_id are added for you",
        )
    if kind not in FIELD_TYPES:
        raise _fail(spec, f"unknown type {kind!r}", f"types are {_TYPE_HELP}")
    # A ref's name is a relationship (Python only); its column is `<name>_id`.
    reason = reason_name_is_refused(name, sql=kind not in _REFERENCES)
    if reason is not None:
        raise _fail(spec, f"name {name!r} {reason}", "choose another field name")
    if kind == "ref" and name.endswith("_id"):
        raise _fail(
            spec,
            "a ref field is named after the relation",
            f"use {name[:-3]}:ref:... (the column becomes {name})",
        )
    if kind == "refs" and (name.endswith("_ids") or name.endswith("_id")):
        relation = name.rpartition("_")[0]
        raise _fail(
            spec,
            "a refs field is named after the collection",
            f"use e.g. {relation}s:refs:... (the API field becomes {relation}_ids)",
        )
    takes_args = kind in ("decimal", "enum", "ref", "refs") or (
        kind == "str" and bool(rest) and re.fullmatch(r"[+-]?\d+", rest[0]) is not None
    )
    args = rest[0] if takes_args and rest else None
    modifiers = rest[1:] if takes_args and rest else rest
    if kind in ("decimal", "enum", "ref", "refs") and args is not None and _is_modifier(args):
        args = None
    parsed = _parse_args(spec, kind, args)
    flags: dict[str, Any] = {"nullable": False, "unique": False, "index": kind == "ref"}
    seen: set[str] = set()
    pending = list(modifiers)
    while pending:
        modifier = pending.pop(0)
        if modifier.startswith("default="):
            if "default" in seen:
                raise _fail(spec, "modifier 'default' repeats", "give each modifier once")
            seen.add("default")
            # A default may contain ':' (default=a:b); it runs up to the next known modifier.
            parts = [modifier[len("default=") :]]
            while pending and not _is_modifier(pending[0]):
                parts.append(pending.pop(0))
            flags["default"] = _parse_default(spec, kind, ":".join(parts), parsed)
            flags["has_default"] = True
            continue
        if modifier not in ("null", "unique", "index"):
            raise _fail(
                spec, f"unknown modifier {modifier!r}", f"modifiers are {', '.join(MODIFIERS)}"
            )
        if modifier in seen:
            raise _fail(spec, f"modifier {modifier!r} repeats", "give each modifier once")
        seen.add(modifier)
        flags["nullable" if modifier == "null" else modifier] = True
    if kind == "json" and (flags["unique"] or flags["index"]):
        raise _fail(spec, "json columns cannot be unique or indexed", "drop unique/index")
    if kind == "refs" and seen - {"default"}:
        raise _fail(
            spec,
            f"a refs field takes no modifier ({', '.join(sorted(seen))})",
            "it is a list of ids, empty unless given, linked through its own table",
        )
    return Field(name=name, type=kind, spec=spec, **parsed, **flags)


def _is_modifier(part: str) -> bool:
    return part in ("null", "unique", "index") or part.startswith("default=")


def parse_fields(specs: list[str]) -> list[Field]:
    """Parse every spec and check them together (no repeated names or columns).

    Args:
        specs: Field specs in order.

    Returns:
        The parsed fields, in order.

    Raises:
        InvalidInputError: A spec is invalid, a name repeats, or no field is given.
    """
    if not specs:
        raise InvalidInputError(
            "Give at least one field, e.g. 'name:str:100' (or --fields-file FILE)"
        )
    fields = [parse_field(spec) for spec in specs]
    taken: dict[str, str] = {}
    for parsed in fields:
        for attribute in {parsed.name, parsed.column}:
            if attribute in taken:
                raise InvalidInputError(
                    f"Field {parsed.spec!r}: {attribute!r} is already used by "
                    f"{taken[attribute]!r}; give each field its own name"
                )
            taken[attribute] = parsed.spec
    return fields


def read_fields_file(path: Path) -> list[str]:
    """Read field specs from a file: whitespace-separated, ``#`` starts a comment.

    Args:
        path: The file.

    Returns:
        The specs in order.

    Raises:
        InvalidInputError: The file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInputError(f"Cannot read --fields-file {path}: {error.strerror}") from None
    specs: list[str] = []
    for line in text.splitlines():
        specs.extend(line.split("#", 1)[0].split())
    return specs
