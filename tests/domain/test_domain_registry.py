from __future__ import annotations

from pathlib import Path

import pytest

from gospel_scaffold.domain.registry import (
    BackPopulates,
    add_back_populates,
    add_model_import,
    add_router,
    format_call_assignment,
    modernize_registry,
    remove_back_populates,
    remove_model_import,
    remove_router,
)
from gospel_scaffold.errors import EditError

PAYMENTS_ON_USER = BackPopulates("User", "payments", "Payment", "app.models.payments", "owner")


def _router(source: str, module: str = "payments") -> str:
    return add_router(
        source, module=module, prefix=f"/{module}", tag=module.capitalize(), path="routes"
    )


def test_router_registration_is_added_once_and_removed_exactly(shop_template: Path) -> None:
    original = (shop_template / "app/api/routes/__init__.py").read_text()

    added = _router(original)

    assert "from app.api.routes import auth, payments, users\n" in added
    assert added.endswith(
        'api_router.include_router(payments.router, prefix="/payments", tags=["Payments"])\n'
    )
    assert _router(added) == added
    assert remove_router(added, module="payments", path="routes") == original
    assert remove_router(original, module="payments", path="routes") == original


MULTILINE_ROUTES = (
    "from fastapi import APIRouter\n\n"
    "from app.api.routes import (\n"
    "    auth,\n"
    "    users,  # the users\n"
    ")\n\n"
    "api_router = APIRouter()\n"
    'api_router.include_router(auth.router, prefix="/auth", tags=["Auth"])\n'
    'api_router.include_router(users.router, prefix="/users", tags=["Users"])\n'
)


@pytest.mark.parametrize(
    ("module", "expected_import"),
    [
        ("payments", "    auth,\n    payments,\n    users,  # the users\n)\n"),
        ("widgets", "    auth,\n    users,  # the users\n    widgets,\n)\n"),
        ("accounts", "(\n    accounts,\n    auth,\n    users,  # the users\n)\n"),
    ],
)
def test_router_edit_of_a_multiline_import_keeps_its_comments_and_undoes_exactly(
    module: str, expected_import: str
) -> None:
    added = _router(MULTILINE_ROUTES, module)

    assert expected_import in added
    assert added.count("# the users") == 1
    assert remove_router(added, module=module, path="routes") == MULTILINE_ROUTES


def test_model_import_added_to_a_multiline_from_import_undoes_exactly() -> None:
    source = (
        "from typing import (\n"
        "    TYPE_CHECKING,  # for the hints\n"
        "    Any,\n"
        ")\n\n"
        "from sqlalchemy.orm import Mapped, relationship\n\n"
        "from app.db.database import Base\n\n"
        "if TYPE_CHECKING:\n"
        "    from app.models.thing import Thing\n\n\n"
        "class User(Base):\n"
        '    __tablename__ = "users"\n\n'
        '    things: Mapped[list[Thing]] = relationship(back_populates="owner", lazy="raise")\n'
        "    extra: Any = None\n"
    )
    added = add_back_populates(source, PAYMENTS_ON_USER, path="user")

    assert "    TYPE_CHECKING,  # for the hints\n" in added
    assert remove_back_populates(added, PAYMENTS_ON_USER, path="user") == source


def test_router_edit_keeps_comments_and_wraps_long_imports() -> None:
    source = (
        "from fastapi import APIRouter\n\n"
        "from app.api.routes import auth  # the switchboard\n\n"
        "api_router = APIRouter()\n"
        "# auth first\n"
        'api_router.include_router(auth.router, prefix="/auth", tags=["Auth"])  # keep\n'
    )
    modules = ["invoice_line_items", "customer_addresses", "payment_methods", "shipping_zones"]
    edited = source
    for module in modules:
        edited = _router(edited, module)

    assert "# the switchboard" in edited
    assert "# auth first\n" in edited
    assert '["Auth"])  # keep\n' in edited
    assert "from app.api.routes import (  # the switchboard\n    auth,\n" in edited
    for module in reversed(modules):
        edited = remove_router(edited, module=module, path="routes")
    assert edited == source


def test_router_file_without_the_switchboard_shape_prints_the_snippet() -> None:
    with pytest.raises(EditError) as raised:
        _router("from fastapi import APIRouter\n\napi_router = APIRouter()\n")

    assert "from app.api.routes import payments" in str(raised.value)
    assert 'api_router.include_router(payments.router, prefix="/payments"' in str(raised.value)


def test_model_registry_stays_sorted_wraps_and_reverses_exactly(shop_template: Path) -> None:
    original = (shop_template / "app/db/database.py").read_text()

    edited = add_model_import(original, module="payments", class_name="Payment", path="db")
    edited = add_model_import(edited, module="customers", class_name="Customer", path="db")

    registry = edited[edited.index("# Model registry") :].splitlines()[3:]
    assert registry == ["from app.models import customers, payments, user  # noqa: E402, F401"]
    assert add_model_import(edited, module="payments", class_name="Payment", path="db") == edited
    # Wrapped once the statement, its noqa comment aside (as ruff measures), passes 100.
    modules = ["invoice_line_items", "customer_addresses", "shipping_zones", "zebras"]
    for module in modules:
        edited = add_model_import(edited, module=module, class_name="X", path="db")
    assert edited.endswith(
        "from app.models import (  # noqa: E402, F401\n"
        "    customer_addresses,\n    customers,\n    invoice_line_items,\n"
        "    payments,\n    shipping_zones,\n    user,\n    zebras,\n)\n"
    )
    for module, class_name in (
        *((module, "X") for module in reversed(modules)),
        ("payments", "Payment"),
        ("customers", "Customer"),
    ):
        edited = remove_model_import(edited, module=module, class_name=class_name, path="db")
    assert edited == original


_OLD_REGISTRY = (
    "x = 1\n\n"
    "# Model registry: import every model here.\n"
    "from app.models.payments import Payment  # noqa: E402, F401\n"
    "from app.models.user import User  # noqa: E402, F401\n"
)


def test_older_lines_count_and_a_new_module_goes_in_a_registry_before_them() -> None:
    assert add_model_import(_OLD_REGISTRY, module="user", class_name="User", path="db") == (
        _OLD_REGISTRY
    )

    edited = add_model_import(_OLD_REGISTRY, module="tags", class_name="Tag", path="db")

    # ruff's isort order: app.models before app.models.payments.
    assert edited.endswith(
        "# Model registry: import every model here.\n"
        "from app.models import tags  # noqa: E402, F401\n"
        "from app.models.payments import Payment  # noqa: E402, F401\n"
        "from app.models.user import User  # noqa: E402, F401\n"
    )
    once = remove_model_import(edited, module="payments", class_name="Payment", path="db")
    assert "payments" not in once
    assert remove_model_import(edited, module="tags", class_name="Tag", path="db") == (
        _OLD_REGISTRY
    )


def test_modernizing_folds_older_lines_into_the_registry_and_keeps_names_in_use() -> None:
    source = (
        "def first_user_class() -> type:\n    return User\n\n"
        "# Model registry: import every model here.\n"
        "from app.models.user import User  # noqa: E402, F401\n"
        "from app.models import tags  # noqa: E402, F401\n"
        "from app.models.payments import Payment  # noqa: E402, F401\n"
        "import app.models.notes  # noqa: E402, F401\n"
        "from app.models.tags import Tag  # noqa: E402, F401\n"
    )

    modern = modernize_registry(source, path="db")

    assert modern.endswith(
        "# Model registry: import every model here.\n"
        "from app.models.user import User  # noqa: E402, F401\n"
        "from app.models import notes, payments, tags  # noqa: E402, F401\n"
    )
    assert modernize_registry(modern, path="db") == modern
    older = _OLD_REGISTRY.replace("Payment  #", "Payment, PaymentStatus  #")
    assert modernize_registry(older, path="db") == (
        "x = 1\n\n# Model registry: import every model here.\n"
        "from app.models import payments, user  # noqa: E402, F401\n"
    )


def test_a_database_module_without_registry_prints_the_line_to_add() -> None:
    with pytest.raises(EditError, match=r"from app\.models import payments  # noqa: E402, F401"):
        add_model_import("x = 1\n", module="payments", class_name="Payment", path="db")


def test_unparsable_files_are_refused() -> None:
    with pytest.raises(EditError, match="is not valid Python"):
        add_model_import("def (:\n", module="payments", class_name="Payment", path="db")


def test_back_populates_adds_the_collection_and_its_imports(shop_template: Path) -> None:
    original = (shop_template / "app/models/user.py").read_text()

    edited = add_back_populates(original, PAYMENTS_ON_USER, path="user.py")

    assert "from typing import TYPE_CHECKING\n\nfrom sqlalchemy import" in edited
    assert "from sqlalchemy.orm import Mapped, mapped_column, relationship\n" in edited
    assert "if TYPE_CHECKING:\n    from app.models.payments import Payment\n" in edited
    assert (
        '    payments: Mapped[list["Payment"]] = relationship(\n'
        '        back_populates="owner", lazy="raise", passive_deletes=True\n    )\n'
    ) in edited
    assert add_back_populates(edited, PAYMENTS_ON_USER, path="user.py") == edited
    compile(edited, "user.py", "exec")


def test_back_populates_reverse_exactly_in_any_order(shop_template: Path) -> None:
    original = (shop_template / "app/models/user.py").read_text()
    tags = BackPopulates("User", "tags_as_author", "Tag", "app.models.tags", "author")

    edited = add_back_populates(original, PAYMENTS_ON_USER, path="user.py")
    edited = add_back_populates(edited, tags, path="user.py")

    assert (
        "    from app.models.payments import Payment\n    from app.models.tags import Tag\n"
        in edited
    )
    once = remove_back_populates(edited, PAYMENTS_ON_USER, path="user.py")
    assert "Payment" not in once
    assert "TYPE_CHECKING" in once
    assert remove_back_populates(once, tags, path="user.py") == original


def test_removing_a_collection_keeps_an_import_a_string_annotation_still_uses() -> None:
    # orders references invoices and invoices references orders: taking out Order.invoices
    # must keep the import that `invoice: Mapped["Invoice | None"]` needs.
    model = (
        "from typing import TYPE_CHECKING\n\n"
        "from sqlalchemy.orm import Mapped, relationship\n\n"
        "from app.db.database import Base\n\n"
        "if TYPE_CHECKING:\n    from app.models.invoices import Invoice\n\n\n"
        'class Order(Base):\n    """Invoice mentioned in a docstring only."""\n\n'
        '    invoice: Mapped["Invoice | None"] = relationship(lazy="raise")\n'
    )
    invoices = BackPopulates("Order", "invoices", "Invoice", "app.models.invoices", "order")

    edited = add_back_populates(model, invoices, path="orders.py")

    assert remove_back_populates(edited, invoices, path="orders.py") == model


def test_an_existing_attribute_with_another_meaning_is_refused(shop_template: Path) -> None:
    source = (shop_template / "app/models/user.py").read_text()
    clash = BackPopulates("User", "email", "Payment", "app.models.payments", "owner")

    with pytest.raises(EditError, match=r"User.email in user.py already exists"):
        add_back_populates(source, clash, path="user.py")
    with pytest.raises(EditError, match="has no class Account"):
        add_back_populates(
            source,
            BackPopulates("Account", "payments", "Payment", "app.models.payments", "owner"),
            path="user.py",
        )


@pytest.mark.parametrize(
    ("indent", "expected"),
    [
        (0, 'x: int = f(a="1", b="2")\n'),
        (20, 'x: int = f(\n    a="1", b="2"\n)\n'),
        (28, 'x: int = f(\n    a="1",\n    b="2",\n)\n'),
    ],
)
def test_call_assignments_wrap_like_ruff(indent: int, expected: str) -> None:
    assert (
        format_call_assignment("x: int", "f", ['a="1"', 'b="2"'], indent=indent, line_length=40)
        == expected
    )


def test_a_second_foreign_key_to_the_same_table_names_its_column(shop_template: Path) -> None:
    original = (shop_template / "app/models/user.py").read_text()
    payer = BackPopulates(
        "User", "payments_as_payer", "Payment", "app.models.payments", "payer", "Payment.payer_id"
    )

    edited = add_back_populates(original, payer, path="user.py")

    assert 'foreign_keys="Payment.payer_id"' in edited
    assert max(len(line) for line in edited.splitlines()) <= 100
    assert remove_back_populates(edited, payer, path="user.py") == original
