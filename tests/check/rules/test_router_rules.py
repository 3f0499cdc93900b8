"""GOS301: thin route handlers."""

from __future__ import annotations

ROUTES = "app/api/routes/payments.py"
HANDLER = """

@router.get("/{payment_id}")
async def read_payment(payment_id: int, session: SessionDep):
    return await session.get(Payment, payment_id)
"""


def test_clean_project_handlers_only_call_services(project):
    assert project.found("GOS3") == []


def test_handler_reading_through_its_session_is_reported(project):
    project.append(ROUTES, HANDLER)
    assert project.found("GOS301") == [project.violation("GOS301", ROUTES, "session.get(Payment")]


def test_handler_building_a_select_and_committing_is_reported(project):
    project.append(
        ROUTES,
        """

        from sqlalchemy import select
        from app.api.dependencies import get_db


        @router.get("/all")
        async def all_payments(db=Depends(get_db)):
            rows = await db.execute(select(Payment))
            await db.commit()
            return rows
        """,
    )
    messages = [v.message for v in project.check(select=["GOS301"]).violations]
    # One violation per line: the select() and its execute() share one.
    assert len(messages) == 2
    assert "(db.execute(), select())" in messages[0]
    assert "(db.commit())" in messages[1]


def test_service_factory_dependency_in_a_route_module_is_not_a_handler(project):
    source = (project.root / ROUTES).read_text()
    assert "PaymentService(PaymentRepository(session))" in source
    assert project.found("GOS301") == []


def test_calling_service_methods_named_like_session_methods_is_clean(project):
    project.append(
        ROUTES,
        """

        @router.delete("/")
        async def delete_all(user: CurrentUser, payments: PaymentServiceDep, request: Request):
            request.session.get("x")
            await payments.delete(user, 1)
        """,
    )
    assert project.found("GOS301") == []
