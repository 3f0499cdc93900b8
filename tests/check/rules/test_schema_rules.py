"""GOS601-GOS602: separate schemas for create, update and read."""

from __future__ import annotations

import pytest

ROUTES = "app/api/routes/payments.py"


def test_clean_project_uses_separate_schemas(project):
    assert project.found("GOS6") == []


@pytest.mark.parametrize(
    ("code", "old", "new"),
    [
        # The response schema also taken as the POST body.
        ("GOS601", "data: PaymentCreate, user:", "data: PaymentRead, user:"),
        # The create schema also taken as the PATCH body.
        ("GOS602", "payment_id: int, data: PaymentUpdate", "payment_id: int, data: PaymentCreate"),
    ],
    ids=["read-schema-as-body", "create-schema-as-patch-body"],
)
def test_schema_used_in_two_roles_is_reported_where_reused(project, code, old, new):
    project.replace(ROUTES, old, new)
    assert project.found(code) == [project.violation(code, ROUTES, new)]


def test_return_annotation_and_annotated_body_count_too(project):
    project.append(
        ROUTES,
        """

        from fastapi import Body


        @router.put("/{payment_id}")
        async def replace_payment(
            payment_id: int, data: Annotated[PaymentCreate, Body()]
        ) -> PaymentRead:
            return data


        @router.get("/echo")
        async def echo() -> list[PaymentCreate]:
            return []
        """,
    )
    found = project.found("GOS601")
    assert [code for *_, code in found] == ["GOS601"]
    # Reported once, at the first body use: create_payment's `data: PaymentCreate`.
    assert found == [project.violation("GOS601", ROUTES, "data: PaymentCreate, user")]


def test_create_schema_reused_for_put_is_allowed(project):
    project.append(
        ROUTES,
        """

        @router.put("/{payment_id}", response_model=PaymentRead)
        async def replace_payment(
            payment_id: int, data: PaymentCreate, payments: PaymentServiceDep
        ):
            return await payments.update(None, payment_id, data)
        """,
    )
    assert project.found("GOS602") == []
