"""GOS401: no sessions created by hand."""

from __future__ import annotations

OPENS_A_SESSION = """
    from app.db.database import AsyncSessionLocal


    async def nightly_cleanup() -> None:
        async with AsyncSessionLocal() as session:
            await session.commit()
"""


def test_clean_project_creates_sessions_only_in_db_and_dependencies(project):
    assert "AsyncSessionLocal()" in (project.root / "app/api/dependencies.py").read_text()
    assert project.found("GOS4") == []


def test_service_opening_its_own_session_is_reported(project):
    project.append("app/services/payments_service.py", OPENS_A_SESSION)
    assert project.found("GOS401") == [
        project.violation("GOS401", "app/services/payments_service.py", "AsyncSessionLocal() as")
    ]


def test_sqlalchemy_session_class_and_sessionmaker_are_reported(project):
    project.write(
        "app/core/reports.py",
        """
        from sqlalchemy.orm import Session, sessionmaker


        def run(engine):
            factory = sessionmaker(engine)
            with Session(engine) as session:
                return factory, session
        """,
    )
    assert [line for _, line, _ in project.found("GOS401")] == [5, 6]


def test_initial_data_script_may_open_a_session(project):
    project.write("app/initial_data.py", OPENS_A_SESSION)
    assert project.found("GOS401") == []


def test_unrelated_session_named_class_is_not_reported(project):
    project.write(
        "app/services/chat_service.py",
        "class Session:\n    pass\n\n\ndef start() -> Session:\n    return Session()\n",
    )
    assert project.found("GOS401") == []


def test_the_application_module_may_open_a_session_for_its_lifespan(project):
    project.append(
        "app/main.py",
        """

        from app.db.database import AsyncSessionLocal


        async def warm_up() -> None:
            async with AsyncSessionLocal() as session:
                await session.commit()
        """,
    )
    assert project.found("GOS401") == []


def test_a_dependency_yielding_the_session_it_opens_is_the_request_boundary(project):
    project.write(
        "app/api/routes/health.py",
        """
        from app.db.database import AsyncSessionLocal


        async def get_session():
            async with AsyncSessionLocal() as session:
                yield session


        async def stream_rows():
            async with AsyncSessionLocal() as session:
                for row in await session.execute("SELECT 1"):
                    yield row
        """,
    )
    # Only the generator that yields rows, not the session it opened, is reported.
    assert project.found("GOS401") == [("app/api/routes/health.py", 10, "GOS401")]


def test_a_worker_entry_point_may_open_a_session(project):
    project.write("app/worker/tasks.py", OPENS_A_SESSION)
    project.write("app/cli.py", OPENS_A_SESSION)
    assert project.found("GOS401") == []
