from datetime import date
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError

from app.schemas.common import NO_NUL, NOT_NULL, Date, DateTime, Flag


class Sample(BaseModel):
    day: Date | None = None
    moment: DateTime | None = None
    flag: Flag | None = None
    name: Annotated[str, Field(max_length=5), NO_NUL] | None = None
    amount: Annotated[float | None, NOT_NULL] = None


@pytest.mark.parametrize(
    "value", [0, 1700000000, "1700000000", 1.5, True], ids=["0", "int", "digits", "float", "bool"]
)
@pytest.mark.parametrize("field", ["day", "moment"])
def test_dates_are_read_from_iso_strings_only(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match="ISO 8601"):
        Sample.model_validate({field: value})


def test_iso_dates_are_read() -> None:
    sample = Sample.model_validate({"day": "2030-12-31", "moment": "2030-12-31T10:00:00+02:00"})

    assert sample.day == date(2030, 12, 31)
    assert sample.moment is not None
    assert sample.moment.utcoffset() is not None


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_flags_are_json_booleans_only(value: object) -> None:
    with pytest.raises(ValidationError):
        Sample.model_validate({"flag": value})


def test_nul_characters_are_refused_after_the_length_check() -> None:
    with pytest.raises(ValidationError, match="NUL"):
        Sample.model_validate({"name": "a\x00b"})
    with pytest.raises(ValidationError, match="at most 5 characters"):
        Sample.model_validate({"name": "abcdef"})


def test_not_null_fields_may_be_omitted_but_not_null() -> None:
    assert Sample.model_validate({}).model_dump(exclude_unset=True) == {}
    with pytest.raises(ValidationError, match="cannot be null"):
        Sample.model_validate({"amount": None})


def test_the_schema_states_what_is_refused() -> None:
    properties = Sample.model_json_schema()["properties"]

    assert properties["name"]["anyOf"][0]["pattern"] == "^[^\\u0000]*$"
    # Omittable, never null: the schema does not offer null.
    assert properties["amount"]["type"] == "number"
    assert "anyOf" not in properties["amount"]
