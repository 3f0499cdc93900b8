"""Shapes and field types shared by every resource."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = [
    "INT32_MAX",
    "INT64_MAX",
    "NOT_NULL",
    "NO_NUL",
    "NUMBER",
    "Date",
    "DateTime",
    "DecimalString",
    "ErrorResponse",
    "Flag",
    "Page",
    "Text",
]

# PostgreSQL INTEGER and BIGINT; a larger number reaching SQL would fail there, not here.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

ItemT = TypeVar("ItemT")


def _refuse_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refused everywhere so SQLite behaves the same.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class _NoNul:
    """Refuses strings holding NUL characters, and states the rule in the JSON schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_refuse_nul, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = "^[^\\u0000]*$"
        return json_schema


def _refuse_strings_and_booleans(value: object) -> object:
    # Pydantic would also read "5" and true as numbers; a JSON number field takes JSON numbers.
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


# `Annotated[int, Field(ge=0), NUMBER]`: 2.0 is the integer 2, as JSON Schema says; "2" is refused.
NUMBER = BeforeValidator(_refuse_strings_and_booleans)

# Put after length constraints: `Annotated[str, Field(max_length=100), NO_NUL]`.
NO_NUL = _NoNul()
Text = Annotated[str, NO_NUL]


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("cannot be null")
    return value


class _NotNull:
    """Refuses an explicit null on a field whose default is None, and keeps null off the schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches = [branch for branch in json_schema.pop("anyOf", []) if branch != {"type": "null"}]
        if len(branches) == 1:
            json_schema.update(branches[0])
        elif branches:
            json_schema["anyOf"] = branches
        return json_schema


# For PATCH fields: omitted keeps the value, null is a 422. `x: Annotated[int | None, NOT_NULL] = None`
NOT_NULL = _NotNull()


@dataclass(frozen=True)
class DecimalString:
    """A decimal of `digits` digits, `places` of them after the point, sent as a JSON string.

    Strings, not JSON numbers: a float would lose digits on the way. Values come back in one
    canonical form, with exactly `places` places ("12.50"), whether just written or read.
    `Annotated[Decimal, DecimalString(12, 2)]`.
    """

    digits: int
    places: int

    @property
    def pattern(self) -> str:
        """The strings accepted: no exponent, no leading zeros, at most the column's digits."""
        whole = self.digits - self.places
        number = "(0|[1-9][0-9]{0," + str(whole - 1) + "})" if whole else "0"
        fraction = "(\\.[0-9]{1," + str(self.places) + "})?" if self.places else ""
        return f"^-?{number}{fraction}$"

    @property
    def example(self) -> str:
        """A valid value, shown in the API docs."""
        whole = "1234"[: self.digits - self.places] or "0"
        return f"{whole}.{'5678'[: self.places]}" if self.places else whole

    @cached_property
    def _exponent(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    def quantize(self, value: Decimal) -> Decimal:
        """`value` with exactly `places` places."""
        return value.quantize(self._exponent)

    def canonical(self, value: Decimal) -> str:
        """`value` as the API writes it: `places` places, never an exponent."""
        return format(self.quantize(value), "f")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        pattern = re.compile(self.pattern)

        def parse(value: object) -> Decimal:
            # Strings from clients; Decimals from the database, for responses.
            if isinstance(value, Decimal) and value.is_finite():
                return self.quantize(value)
            if isinstance(value, str) and pattern.match(value):
                return self.quantize(Decimal(value))
            raise ValueError(
                f"must be a string such as {self.example!r}: at most "
                f"{self.digits - self.places} digits before the point and {self.places} after"
            )

        return core_schema.no_info_plain_validator_function(
            parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                self.canonical, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "format": "decimal",
            "pattern": self.pattern,
            "examples": [self.example],
            "description": f"A decimal number: up to {self.digits} digits, {self.places} after the point",
        }


_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")  # what JSON Schema's "date" format demands


def _refuse_timestamps(value: object) -> object:
    # Pydantic reads numbers and strings of digits as Unix timestamps ("due": 0 is 1970-01-01).
    if isinstance(value, int | float) or (
        isinstance(value, str) and not _ISO_DATE_START.match(value)
    ):
        raise ValueError("must be an ISO 8601 string such as 2030-12-31")
    return value


Date = Annotated[date, BeforeValidator(_refuse_timestamps)]
DateTime = Annotated[AwareDatetime, BeforeValidator(_refuse_timestamps)]
# true or false only: 1, "yes" and "true" are refused.
Flag = StrictBool


class ErrorResponse(BaseModel):
    """Every error the API answers, except 422 which lists the invalid fields."""

    detail: str


class Page(BaseModel, Generic[ItemT]):
    """One page of a listing, with the total number of rows across all pages."""

    items: list[ItemT]
    total: int
    offset: int
    limit: int
