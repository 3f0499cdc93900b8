from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from domain_support import PAYMENTS

from gospel_scaffold.domain.fields import parse_field, parse_fields, read_fields_file
from gospel_scaffold.errors import InvalidInputError


def test_the_issue_example_parses() -> None:
    fields = parse_fields(PAYMENTS)

    amount, currency, status, note, paid_at, customer = fields
    assert (amount.type, amount.precision, amount.scale, amount.nullable) == (
        "decimal",
        12,
        2,
        False,
    )
    assert (currency.type, currency.length) == ("str", 3)
    assert status.choices == ("pending", "paid", "failed")
    assert (note.type, note.nullable) == ("text", True)
    assert (paid_at.type, paid_at.nullable) == ("datetime", True)
    assert (customer.type, customer.ref, customer.column, customer.index) == (
        "ref",
        "customers",
        "customer_id",
        True,
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("title:str", {"length": 255}),
        ("title:str:null:unique", {"length": 255, "nullable": True, "unique": True}),
        ("code:str:12:unique:index", {"length": 12, "unique": True, "index": True}),
        ("n:int:default=-3", {"default": -3, "has_default": True}),
        ("n:bigint:index", {"index": True}),
        ("ratio:float:default=0.5", {"default": 0.5}),
        ("price:decimal:8,2:default=9.99", {"default": Decimal("9.99")}),
        ("active:bool:default=true", {"default": True}),
        ("active:bool:default=no", {"default": False}),
        ("born:date:null", {"nullable": True}),
        ("key:uuid:unique", {"unique": True}),
        ("meta:json:null", {"nullable": True}),
        ("kind:enum:a,b:default=b", {"choices": ("a", "b"), "default": "b"}),
        ("label:str:20:default=a:b", {"default": "a:b"}),
        ("kind:enum:a,b:default=a:index", {"default": "a", "index": True}),
        ("label:str:9:default=x:y:unique", {"default": "x:y", "unique": True}),
        ("n:int:default=2147483647", {"default": 2**31 - 1}),
        ("n:int:default=-2147483648", {"default": -(2**31)}),
        ("n:bigint:default=9223372036854775807", {"default": 2**63 - 1}),
        ("price:decimal:4,2:default=99.99", {"default": Decimal("99.99")}),
        ("price:decimal:4,2:default=-0.5", {"default": Decimal("-0.5")}),
        ("share:decimal:4,4:default=0.1234", {"default": Decimal("0.1234")}),
    ],
)
def test_types_and_modifiers(spec: str, expected: dict[str, object]) -> None:
    parsed = parse_field(spec)

    for attribute, value in expected.items():
        assert getattr(parsed, attribute) == value
    assert parsed.required is not (parsed.nullable or parsed.has_default)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("amount", "expected name:type"),
        ("amount:money", "unknown type 'money'; types are str[:length], text"),
        ("note:text:nullable", "unknown modifier 'nullable'; modifiers are null, unique"),
        ("note:text:null:null", "modifier 'null' repeats"),
        ("order:int", "name 'order' is an SQL reserved word"),
        ("user:int", "name 'user' is an SQL reserved word"),
        ("class:int", "is a Python keyword"),
        ("type:str", "soft keyword"),
        ("sum:int", "is a Python builtin"),
        ("metadata:json", "reserved by SQLAlchemy or Pydantic"),
        ("model_name:str", "reserved by SQLAlchemy or Pydantic"),
        ("id:int", "generated for every domain"),
        ("date:date", "would shadow the type of that name"),
        ("created_at:datetime", "generated for every domain"),
        ("owner_id:int", "generated for every domain"),
        ("Amount:int", "snake_case"),
        ("code:str:abc", "unknown modifier 'abc'"),
        ("amount:decimal", "decimal needs precision and scale"),
        ("amount:decimal:2,5", "precision 2 and scale 5 are not valid"),
        ("status:enum", "enum needs its values"),
        ("status:enum:Paid", "enum value 'Paid' is not valid"),
        ("status:enum:a,a", "enum values repeat"),
        ("customer:ref", "ref needs the referenced domain"),
        ("customer_id:ref:customers", "use customer:ref:..."),
        ("tags:refs", "refs needs the referenced domain"),
        ("tag_ids:refs:tags", "use e.g. tags:refs:... (the API field becomes tag_ids)"),
        ("tags:refs:tags:null", "a refs field takes no modifier (null)"),
        ("tags:refs:tags:unique", "a refs field takes no modifier (unique)"),
        ("tags:refs:tags:default=1", "type 'refs' takes no default"),
        ("meta:json:unique", "json columns cannot be unique"),
        ("n:int:default=x", "default 'x' is not a valid int"),
        ("b:bool:default=maybe", "use default=true or default=false"),
        ("s:enum:a,b:default=c", "use one of: a, b"),
        ("code:str:2:default=abc", "keep it within 2"),
        ("born:date:default=today", "type 'date' takes no default"),
        ("level:float:default=nan", "default 'nan' is not a finite float"),
        ("level:float:default=-inf", "default '-inf' is not a finite float"),
        ("level:float:default=1e400", "default '1e400' is not a finite float"),
        ("n:int:default=99999999999", "does not fit a 32-bit int column; keep it between"),
        ("n:int:default=-2147483649", "or use bigint"),
        ("n:bigint:default=9223372036854775808", "does not fit a 64-bit bigint column"),
        ("price:decimal:4,2:default=123.45", "give at most 2 digits before the point and 2 after"),
        ("price:decimal:4,2:default=1.234", "does not fit decimal:4,2"),
        ("price:decimal:4,2:default=1E+2", "does not fit decimal:4,2"),
        ("price:decimal:4,4:default=1", "does not fit decimal:4,4"),
    ],
)
def test_invalid_specs_give_one_clear_line(spec: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_field(spec)

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_refs_field_is_a_list_of_ids_named_after_its_items() -> None:
    tags, featured = parse_fields(["tags:refs:tags", "featured_tags:refs:tags"])

    assert (tags.type, tags.ref, tags.column, tags.required) == ("refs", "tags", "tag_ids", False)
    assert featured.column == "featured_tag_ids"
    with pytest.raises(InvalidInputError, match="'tag_ids' is already used"):
        parse_fields(["tags:refs:tags", "tag_ids:json"])


def test_repeated_names_and_clashing_columns_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="already used"):
        parse_fields(["title:str", "title:text"])
    with pytest.raises(InvalidInputError, match="'customer_id' is already used"):
        parse_fields(["customer_id:int", "customer:ref:customers"])


def test_at_least_one_field_is_needed() -> None:
    with pytest.raises(InvalidInputError, match="at least one field"):
        parse_fields([])


def test_fields_file_is_whitespace_separated_with_comments(tmp_path: Path) -> None:
    path = tmp_path / "fields.txt"
    path.write_text(
        "# payments\namount:decimal:12,2  currency:str:3\n\nnote:text:null # free text\n"
    )

    assert read_fields_file(path) == ["amount:decimal:12,2", "currency:str:3", "note:text:null"]
    with pytest.raises(InvalidInputError, match="Cannot read --fields-file"):
        read_fields_file(tmp_path / "missing.txt")
