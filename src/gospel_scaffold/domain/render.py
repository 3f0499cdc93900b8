"""Render the files of a new domain from the Jinja2 templates in ``domain/templates``.

All the Python-specific decisions (annotations, column types, validation constraints, sample
values for the tests) are made here, field by field, so the templates stay simple.
"""

from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from gospel_scaffold.domain.fields import Field
from gospel_scaffold.domain.naming import DomainNames, pascal_case
from gospel_scaffold.domain.spec import RefTarget, association_table

__all__ = [
    "TEMPLATES_ENV",
    "FieldView",
    "render_template",
]

INT32_MAX = 2**31 - 1
JSON_SAFE_MAX = 2**53 - 1
"""The largest integer every JSON parser reads exactly (a double's mantissa)."""
MAX_LINKS = 100
"""The most ids a ``refs`` field takes in one request (one bounded ``IN`` query checks them)."""
TEMPLATES_ENV = "GOSPEL_DOMAIN_TEMPLATES"
"""Environment variable naming a folder of domain templates to render instead of gospel's own
(for developing the templates; the tests use it to stand in for a newer gospel)."""


def _py_literal(value: Any) -> str:
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    return repr(value)


@dataclass(frozen=True)
class FieldView:
    """One field, with every snippet the templates need."""

    field: Field
    names: DomainNames
    target: RefTarget | None = None
    owner: bool = False
    """Whether the domain's rows have an owner: a ``unique`` field is then unique per owner."""

    # -- basics ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The attribute (relationship name for refs)."""
        return self.field.name

    @property
    def column(self) -> str:
        """The column attribute (``customer_id`` for refs)."""
        return self.field.column

    @property
    def kind(self) -> str:
        """The field type."""
        return self.field.type

    @property
    def nullable(self) -> bool:
        """Whether ``null`` is allowed."""
        return self.field.nullable

    @property
    def unique(self) -> bool:
        """Whether the column is unique (per owner for owned domains)."""
        return self.field.unique

    @property
    def unique_per_owner(self) -> bool:
        """Whether uniqueness is a ``UniqueConstraint(owner_id, column)``, not the column's own."""
        return self.field.unique and self.owner

    @property
    def owner_unique_constraint(self) -> str:
        """The name of the per-owner unique constraint."""
        return f"uq_{self.names.table}_owner_id_{self.column}"

    @property
    def many(self) -> bool:
        """Whether the field is a ``refs`` list (rows of an association table, no column)."""
        return self.kind == "refs"

    @property
    def association(self) -> str:
        """The association table of a ``refs`` field (``posts_tags``)."""
        return association_table(self.names.table, self.field)

    @property
    def own_column(self) -> str:
        """The association table's column pointing at this domain (``post_id``)."""
        return f"{self.names.singular}_id"

    @property
    def link_column(self) -> str:
        """The association table's column pointing at the linked rows (``tag_id``)."""
        return f"{self.field.item_name}_id"

    @property
    def enum_class(self) -> str:
        """The Python enum of an ``enum`` field (``PaymentStatus``)."""
        return f"{self.names.class_name}{pascal_case(self.field.name)}"

    @property
    def enum_members(self) -> list[tuple[str, str]]:
        """``(MEMBER, value)`` pairs of an ``enum`` field."""
        return [(value.upper(), value) for value in self.field.choices]

    @property
    def enum_length(self) -> int:
        """The column length of an ``enum`` field."""
        return max(len(value) for value in self.field.choices)

    # -- model ----------------------------------------------------------------------------

    @property
    def py_type(self) -> str:
        """The Python type of the column value."""
        return {
            "str": "str",
            "text": "str",
            "int": "int",
            "bigint": "int",
            "float": "float",
            "decimal": "Decimal",
            "bool": "bool",
            "date": "date",
            "datetime": "datetime",
            "uuid": "UUID",
            "json": "dict[str, Any]",
            "enum": self.enum_class,
            "ref": "int",
            "refs": "list[int]",
        }[self.kind]

    @property
    def model_annotation(self) -> str:
        """``Mapped[...]`` of the column."""
        suffix = " | None" if self.nullable else ""
        return f"Mapped[{self.py_type}{suffix}]"

    @property
    def column_type(self) -> str | None:
        """The SQLAlchemy type expression, or ``None`` when the annotation implies it."""
        kind = self.field
        return {
            "str": f"String({kind.length})",
            "text": "Text()",
            "bigint": "BigInteger()",
            "float": "Float()",
            "decimal": f"Numeric({kind.precision}, {kind.scale})",
            "datetime": "UTCDateTime()",
            "uuid": "Uuid()",
            "json": "JSON()",
            "enum": (
                f"Enum({self.enum_class}, native_enum=False, length={self.enum_length}, "
                "values_callable=_enum_values)"
            )
            if kind.type == "enum"
            else None,
            "ref": None,
        }.get(kind.type)

    @property
    def mapped_column_args(self) -> str:
        """The arguments of ``mapped_column(...)``."""
        args: list[str] = []
        if self.kind == "ref":
            assert self.target is not None
            ondelete = "SET NULL" if self.nullable else "RESTRICT"
            args.append(f'ForeignKey("{self.target.names.table}.id", ondelete="{ondelete}")')
        elif self.column_type is not None:
            args.append(self.column_type)
        if self.field.has_default:
            args.append(f"default={self.default_literal}")
        if self.unique and not self.owner:
            args.append("unique=True")
        if self.field.index:
            args.append("index=True")
        return ", ".join(args)

    @property
    def default_literal(self) -> str:
        """The default value as Python source."""
        if self.kind == "enum":
            return f"{self.enum_class}.{str(self.field.default).upper()}"
        return _py_literal(self.field.default)

    @property
    def relationship_annotation(self) -> str:
        """``Mapped["Customer"]`` of a ref's relationship."""
        assert self.target is not None
        suffix = " | None" if self.nullable else ""
        return f'Mapped["{self.target.names.class_name}{suffix}"]'

    # -- schemas --------------------------------------------------------------------------

    @property
    def schema_type(self) -> str:
        """The validated input type of the field: strict, bounded like its column, NUL-free."""
        kind = self.field
        # NUMBER: numbers are JSON numbers, never strings or booleans. A bigint takes the
        # integers JSON carries exactly (RFC 7493): beyond 2**53 most clients round them.
        return {
            "str": f"Annotated[str, Field(max_length={kind.length}), NO_NUL]",
            "text": "Text",
            "int": f"Annotated[int, Field(ge={-INT32_MAX - 1}, le={INT32_MAX}), NUMBER]",
            "bigint": f"Annotated[int, Field(ge={-JSON_SAFE_MAX}, le={JSON_SAFE_MAX}), NUMBER]",
            "float": "Annotated[float, Field(allow_inf_nan=False), NUMBER]",
            "decimal": self.decimal_type,
            "bool": "Flag",
            "date": "Date",
            "datetime": "DateTime",
            "uuid": "UUID",
            "json": "dict[str, Any]",
            "enum": self.enum_class,
            "ref": f"Annotated[int, Field(ge=1, le={INT32_MAX}), NUMBER]",
            "refs": self.ids_alias,
        }[kind.type]

    @property
    def decimal_type(self) -> str:
        """A ``decimal`` as the API reads and writes it: a string with a fixed number of places."""
        return f"Annotated[Decimal, DecimalString({self.field.precision}, {self.field.scale})]"

    @property
    def schema_imports(self) -> dict[str, set[str]]:
        """What :attr:`schema_type` needs from ``app.schemas.common``, by module."""
        names = {
            "str": {"NO_NUL"},
            "text": {"Text"},
            "int": {"NUMBER"},
            "bigint": {"NUMBER"},
            "float": {"NUMBER"},
            "ref": {"NUMBER"},
            "refs": {"NUMBER"},
            "decimal": {"DecimalString"},
            "bool": {"Flag"},
            "date": {"Date"},
            "datetime": {"DateTime"},
        }.get(self.kind, set())
        if not self.nullable:
            names = names | {"NOT_NULL"}
        return {"app.schemas.common": set(names)} if names else {}

    @property
    def ids_alias(self) -> str:
        """The schemas' type alias of a ``refs`` id list (``_TagIds``)."""
        return f"_{pascal_case(self.field.item_name)}Ids"

    @property
    def ids_type(self) -> str:
        """What the alias of a ``refs`` id list stands for."""
        return (
            f"Annotated[list[Annotated[int, Field(ge=1, le={INT32_MAX}), NUMBER]], "
            f"Field(max_length={MAX_LINKS})]"
        )

    @property
    def create_line(self) -> str:
        """The field's line in the create schema."""
        annotation = self.schema_type + (" | None" if self.nullable else "")
        if self.many:
            return f"{self.column}: {annotation} = []"
        if self.field.has_default:
            return f"{self.column}: {annotation} = {self.default_literal}"
        if self.nullable:
            return f"{self.column}: {annotation} = None"
        return f"{self.column}: {annotation}"

    @property
    def update_line(self) -> str:
        """The field's line in the update schema (always optional; null only where allowed)."""
        if self.nullable:
            return f"{self.column}: {self.schema_type} | None = None"
        return f"{self.column}: Annotated[{self.schema_type} | None, NOT_NULL] = None"

    @property
    def read_line(self) -> str:
        """The field's line in the read schema."""
        suffix = " | None" if self.nullable else ""
        py_type = self.decimal_type if self.kind == "decimal" else self.py_type
        return f"{self.column}: {py_type}{suffix}"

    # -- migration ------------------------------------------------------------------------

    @property
    def sa_type(self) -> str:
        """The type as a migration writes it."""
        kind = self.field
        if kind.type == "enum":
            values = ", ".join(f'"{value}"' for value in kind.choices)
            return (
                f'sa.Enum({values}, name="{self.enum_class.lower()}", native_enum=False, '
                f"length={self.enum_length})"
            )
        return {
            "str": f"sa.String(length={kind.length})",
            "text": "sa.Text()",
            "int": "sa.Integer()",
            "bigint": "sa.BigInteger()",
            "float": "sa.Float()",
            "decimal": f"sa.Numeric(precision={kind.precision}, scale={kind.scale})",
            "bool": "sa.Boolean()",
            "date": "sa.Date()",
            "datetime": "sa.DateTime(timezone=True)",
            "uuid": "sa.Uuid()",
            "json": "sa.JSON()",
            "ref": "sa.Integer()",
        }[kind.type]

    # -- tests ----------------------------------------------------------------------------

    def json_value(self, number: str) -> str:
        """A valid JSON value (Python source using the int expression ``number``)."""
        kind = self.field
        if kind.type == "str":
            width = min(kind.length or 8, 8)
            return f"_text({number}, {width})"
        if kind.type == "text":
            return f'f"text {{{number}}}"'
        if kind.type in ("int", "bigint"):
            return number
        if kind.type == "float":
            return f"{number} + 0.5"
        if kind.type == "decimal":
            precision, scale = self.field.precision or 1, self.field.scale or 0
            whole = f"{number} % {10 ** (precision - scale)}" if precision > scale else "0"
            return f'f"{{{whole}}}.{"1" * scale}"' if scale else f"str({whole})"
        if kind.type == "bool":
            return f"{number} % 2 == 0"
        if kind.type == "date":
            return f"(date(2024, 1, 1) + timedelta(days={number})).isoformat()"
        if kind.type == "datetime":
            return f"(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes={number})).isoformat()"
        if kind.type == "uuid":
            return f"str(UUID(int={number} + 1))"
        if kind.type == "json":
            return f'{{"n": {number}}}'
        choices = ", ".join(f'"{value}"' for value in kind.choices)
        if len(kind.choices) == 1:
            return f'"{kind.choices[0]}"'
        return f"({choices})[{number} % {len(kind.choices)}]"

    @property
    def canonical_one(self) -> str:
        """How the API writes the decimal 1: with every place (``1.00``)."""
        return f"1.{'0' * (self.field.scale or 0)}" if self.field.scale else "1"

    def json_equal(self, got: str, sent: str) -> str:
        """An expression comparing a returned JSON value with the sent one.

        Decimals compare as strings: sent with every place, they come back unchanged.
        """
        if self.kind == "datetime":
            return f"datetime.fromisoformat({got}) == datetime.fromisoformat({sent})"
        return f"{got} == {sent}"

    @property
    def invalid_json(self) -> str:
        """A JSON value (Python source) the schema must reject with a 422."""
        kind = self.field
        return {
            "str": f'"x" * {(kind.length or 0) + 1}',
            "text": '"NUL \\x00 inside"',
            "int": str(INT32_MAX + 1),
            "bigint": str(JSON_SAFE_MAX + 1),
            "float": '"1.5"',
            # A JSON number: decimals travel as strings, so no digit is lost to a float.
            "decimal": "12.5",
            "bool": "1",
            "date": "0",
            "datetime": '"2024-01-01T00:00:00"',
            "uuid": '"not-a-uuid"',
            "json": '"not-an-object"',
            "enum": '"not-a-choice"',
            "ref": "0",
            "refs": '"not-a-list"',
        }[kind.type]


def import_block(imports: dict[str, set[str]], modules: set[str] | None = None) -> str:
    """Return sorted import statements, grouped stdlib / third party / first party.

    Args:
        imports: ``from module import names`` statements, by module.
        modules: ``import module`` statements.

    Returns:
        The import block without a final newline.
    """
    import sys

    def section(module: str) -> int:
        top = module.split(".")[0]
        if top in sys.stdlib_module_names:
            return 0
        return 2 if top in ("app", "tests") else 1

    def member_key(name: str) -> tuple[int, str]:
        if name.isupper() and len(name) > 1:
            return (0, name.lower())  # as isort compares them: NO_NUL before NOT_NULL
        return (1, name) if name[:1].isupper() else (2, name)

    groups: list[list[str]] = [[], [], []]
    for module in sorted(modules or set()):
        groups[section(module)].append(f"import {module}")
    for module in sorted(imports):
        if not imports[module]:
            continue
        names = ", ".join(sorted(imports[module], key=member_key))
        groups[section(module)].append(f"from {module} import {names}")
    for group in groups:
        group.sort(key=lambda line: (line.startswith("from "), line.split(" ")[1].split(".")))
    return "\n\n".join("\n".join(group) for group in groups if group)


def _with_article(noun: str) -> str:
    # "a payment", "an invoice", "an hour", "a user": inflect knows the English rules.
    from gospel_scaffold.domain.inflection import engine

    return str(engine().a(noun))


def _cache_directory() -> Path | None:
    """Where compiled templates are kept between runs (``$XDG_CACHE_HOME/gospel/jinja``)."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        directory = Path(base) / "gospel" / "jinja"
        directory.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home directory, or nowhere to write
        return None
    return directory if os.access(directory, os.W_OK) else None


@functools.cache
def _environment() -> Any:
    # One environment per process; compiled templates are cached on disk across runs (Jinja
    # keys them by the template's source and the Python version), which saves most of the
    # start-up of a command that renders a domain.
    import jinja2  # lazy: keeps `gospel --help` fast
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    class _BestEffortCache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Bucket) -> None:
            # A full or read-only disk only costs the next run a compile.
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    directory = _cache_directory()
    override = os.environ.get(TEMPLATES_ENV)
    loader: jinja2.BaseLoader = (
        jinja2.FileSystemLoader(override)
        if override
        else jinja2.PackageLoader("gospel_scaffold.domain", "templates")
    )
    environment = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # renders Python source, never HTML
        bytecode_cache=_BestEffortCache(str(directory)) if directory is not None else None,
    )
    environment.filters["a"] = _with_article
    return environment


def render_template(name: str, context: dict[str, Any]) -> str:
    """Render ``domain/templates/<name>`` with ``context``.

    Args:
        name: The template file name (``model.py.jinja``).
        context: The variables.

    Returns:
        The rendered text, ending with exactly one newline.
    """
    text = str(_environment().get_template(name).render(**context))
    return text.rstrip("\n") + "\n"
