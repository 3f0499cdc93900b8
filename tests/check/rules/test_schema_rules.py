"""GOS601-GOS602: separate schemas for create, update and read."""

from __future__ import annotations


def test_clean_project_uses_separate_schemas(project):
    assert project.found("GOS6") == []


def test_schema_used_as_body_and_response_is_reported(project):
    project.replace(
        "app/api/routes/payments.py",
        "data: PaymentCreate, user: CurrentUser",
        "data: PaymentRead, user: CurrentUser",
    )
    line = project.line_of("app/api/routes/payments.py", "data: PaymentRead, user")
    assert project.found("GOS601") == [("app/api/routes/payments.py", line, "GOS601")]


def test_return_annotation_and_annotated_body_count_too(project):
    project.append(
        "app/api/routes/payments.py",
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
    assert found[0][1] == project.line_of("app/api/routes/payments.py", "data: PaymentCreate, user")


def test_create_schema_reused_for_patch_is_reported(project):
    project.replace(
        "app/api/routes/payments.py",
        "payment_id: int, data: PaymentUpdate,",
        "payment_id: int, data: PaymentCreate,",
    )
    line = project.line_of("app/api/routes/payments.py", "payment_id: int, data: PaymentCreate")
    assert project.found("GOS602") == [("app/api/routes/payments.py", line, "GOS602")]


def test_create_schema_reused_for_put_is_allowed(project):
    project.append(
        "app/api/routes/payments.py",
        """

        @router.put("/{payment_id}", response_model=PaymentRead)
        async def replace_payment(
            payment_id: int, data: PaymentCreate, payments: PaymentServiceDep
        ):
            return await payments.update(None, payment_id, data)
        """,
    )
    assert project.found("GOS602") == []
