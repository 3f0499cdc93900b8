from __future__ import annotations

import pytest

from gospel_scaffold.domain.naming import domain_names
from gospel_scaffold.errors import InvalidInputError


@pytest.mark.parametrize("given", ["payments", "payment"])
def test_singular_or_plural_input_gives_the_same_names(given: str) -> None:
    names = domain_names(given)

    assert names.class_name == "Payment"
    assert names.table == names.module == names.plural == "payments"
    assert names.singular == "payment"
    assert names.url_prefix == "/payments"
    assert names.tag == "Payments"
    assert names.repository_module == "payments_repository"
    assert names.service_module == "payments_service"


def test_multi_word_names_use_the_last_word_for_inflection() -> None:
    names = domain_names("invoice_items")

    assert (names.singular, names.class_name) == ("invoice_item", "InvoiceItem")
    assert names.url_prefix == "/invoice-items"
    assert names.tag == "Invoice Items"


def test_singular_and_plural_overrides_fix_what_inflect_gets_wrong() -> None:
    assert domain_names("data").class_name == "Datum"

    names = domain_names("data", singular="data", plural="data")

    assert (names.class_name, names.table) == ("Data", "data")
    assert domain_names("staff", plural="staff_members").table == "staff_members"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Payments", "snake_case"),
        ("2fa", "snake_case"),
        ("pay-ments", "snake_case"),
        ("class", "Python keyword"),
        ("match", "soft keyword"),
        ("list", "builtin"),
        ("values", "would name the table, and it is an SQL reserved word"),
        ("metadata", "SQLAlchemy or Pydantic"),
    ],
)
def test_invalid_domain_names_are_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        domain_names(name)


@pytest.mark.parametrize("name", ["orders", "order", "groups", "tables", "limits"])
def test_sql_reserved_singulars_are_fine_because_only_the_table_reaches_sql(name: str) -> None:
    names = domain_names(name)

    assert names.table == name if name.endswith("s") else f"{name}s"


def test_a_reserved_table_name_mentions_the_overrides() -> None:
    with pytest.raises(InvalidInputError, match="--singular NAME --plural NAME"):
        domain_names("value")


@pytest.mark.parametrize(
    ("name", "singular", "plural"),
    [("bus", "bus", "buses"), ("campus", "campus", "campuses"), ("menus", "menu", "menus")],
)
def test_a_name_inflect_cannot_read_for_sure_is_refused_with_both_readings(
    name: str, singular: str, plural: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        domain_names(name)

    # "bus" is one bus, "menus" several menus: the message offers both, the user says which.
    message = str(raised.value)
    assert f"--singular {name} --plural " in message
    assert f"--plural {name}" in message
    assert f"--singular {singular} --plural {plural}" in message
    names = domain_names(name, singular=singular, plural=plural)
    assert (names.class_name, names.table) == (singular.capitalize(), plural)


@pytest.mark.parametrize(
    ("given", "described"),
    [
        ("payments", "class Payment, table payments, URL prefix /payments"),
        ("payment", "class Payment, table payments, URL prefix /payments"),
        ("news", "class News, table news, URL prefix /news"),
        ("categories", "class Category, table categories, URL prefix /categories"),
        ("buses", "class Bus, table buses, URL prefix /buses"),
    ],
)
def test_plural_looking_names_still_derive_their_singular(given: str, described: str) -> None:
    assert domain_names(given).describe() == described
